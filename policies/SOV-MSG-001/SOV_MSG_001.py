"""SOV-MSG-001: Ansible notification module of a foreign messenger, in tasks and handlers."""

from sovstack.checks.base import Hit
from sovstack.checks.checkov_base import AnsibleTaskCheck
from sovstack.extract import ansible
from sovstack.facts import of_node
from sovstack.rules import messengers


class ForeignMessengerModule(AnsibleTaskCheck):
    def __init__(self) -> None:
        super().__init__("SOV-MSG-001", messengers.ansible_modules())

    def sov_applies(self, module):
        return True  # every task is evaluated, so a clean playbook reports this policy as passed

    def sov_evaluate(self, task, module):
        return [Hit(f.message, line=f.line) for f in of_node(task, module, ansible.module_channels)
                if f.how == ansible.MODULE]


check = ForeignMessengerModule()
