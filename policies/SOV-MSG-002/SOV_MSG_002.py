"""SOV-MSG-002: Ansible HTTP or command task that calls a foreign messenger API."""

from sovstack.checks.base import Hit
from sovstack.checks.checkov_base import AnsibleTaskCheck
from sovstack.extract import ansible
from sovstack.facts import of_node


class ForeignMessengerApiCall(AnsibleTaskCheck):
    def __init__(self) -> None:
        super().__init__("SOV-MSG-002", ansible.CALL_MODULES)

    def sov_evaluate(self, task, module):
        return [Hit(f.message, line=f.line) for f in of_node(task, module, ansible.call_channels)
                if f.how == ansible.CALL]


check = ForeignMessengerApiCall()
