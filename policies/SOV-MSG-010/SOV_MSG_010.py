"""SOV-MSG-010: Terraform resource that notifies through a foreign messenger."""

from sovstack.checks.base import Hit
from sovstack.checks.checkov_base import TerraformResourceCheck
from sovstack.extract import terraform
from sovstack.facts import of_node


class TerraformForeignMessenger(TerraformResourceCheck):
    def __init__(self) -> None:
        super().__init__("SOV-MSG-010", ["*"])

    def sov_evaluate(self, conf, rtype):
        return [Hit(f.message, line=f.line) for f in of_node(conf, rtype, terraform.resource_channels)
                if f.how in terraform.HOWS]


check = TerraformForeignMessenger()
