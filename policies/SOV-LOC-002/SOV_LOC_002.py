"""SOV-LOC-002: Terraform compute/storage/database resource whose location cannot be verified."""

from sovstack.checks.base import Hit
from sovstack.checks.checkov_base import TerraformResourceCheck
from sovstack.rules.locations import Place
from sovstack.rules.placement import holds_data_or_compute, resource_verdict


class ResourceUnverified(TerraformResourceCheck):
    def __init__(self) -> None:
        super().__init__("SOV-LOC-002", ["*"])

    def sov_evaluate(self, conf, rtype):
        if not holds_data_or_compute(rtype):
            return []
        verdict, attr = resource_verdict(rtype, conf)
        if verdict is None or verdict.place not in (Place.UNKNOWN, Place.UNRESOLVED):
            return []
        return [Hit(f"{rtype}: location not verified: {verdict.reason}", needle=attr,
                    start=conf.get("__start_line__"), end=conf.get("__end_line__"),
                    chain=list(verdict.chain) or None)]


check = ResourceUnverified()
