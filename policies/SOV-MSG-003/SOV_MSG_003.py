"""SOV-MSG-003: Ansible task that installs a foreign-messenger notifier (script, config, unit, package)."""

from sovstack.checks.base import Hit
from sovstack.checks.checkov_base import AnsibleTaskCheck
from sovstack.extract import ansible
from sovstack.facts import of_node


class ForeignMessengerNotifierInstall(AnsibleTaskCheck):
    def __init__(self) -> None:
        super().__init__("SOV-MSG-003", ansible.INSTALL_MODULES)

    def sov_evaluate(self, task, module):
        return [Hit(f.message, line=f.line) for f in of_node(task, module, ansible.install_channels)
                if f.how == ansible.INSTALL]


check = ForeignMessengerNotifierInstall()
