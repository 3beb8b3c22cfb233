"""SOV-RES-002: Terraform resource placed abroad."""

from sovstack.checks.base import Hit
from sovstack.checks.checkov_base import TerraformResourceCheck
from sovstack.rules.locations import Place
from sovstack.rules.placement import resource_verdict


class ResourceAbroad(TerraformResourceCheck):
    def __init__(self) -> None:
        super().__init__("SOV-RES-002", ["*"])

    def sov_evaluate(self, conf, rtype):
        verdict, attr = resource_verdict(rtype, conf)
        if verdict is None or verdict.place is not Place.ABROAD:
            return []
        return [Hit(f"{rtype} is abroad: {verdict.reason}", line=None if attr else conf.get("__start_line__"),
                    needle=attr, start=conf.get("__start_line__"), end=conf.get("__end_line__"),
                    chain=list(verdict.chain) or None)]


check = ResourceAbroad()
