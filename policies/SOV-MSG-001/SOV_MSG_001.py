"""SOV-MSG-001: Ansible notification module of a foreign messenger, in tasks and handlers."""

from sovstack.checks.base import Hit
from sovstack.checks.checkov_base import AnsibleTaskCheck
from sovstack.rules import messengers


class ForeignMessengerModule(AnsibleTaskCheck):
    def __init__(self) -> None:
        super().__init__("SOV-MSG-001", messengers.ansible_modules())

    def sov_applies(self, module):
        return True  # every task is evaluated, so a clean playbook reports this policy as passed

    def sov_evaluate(self, task, module):
        mid = messengers.messenger_for_module(module)
        if not mid:
            return []
        name = task.get("name") or "unnamed"
        return [Hit(f"task {name!r} notifies through {messengers.label(mid)} with module {module}",
                    needle=f"{module}:", start=task.get("__startline__"), end=task.get("__endline__"))]


check = ForeignMessengerModule()
