"""SOV-RES-001: Terraform provider configured for a location abroad."""

from sovstack.checks.base import Hit
from sovstack.checks.checkov_base import TerraformProviderCheck
from sovstack.rules.locations import Place
from sovstack.rules.placement import provider_verdict


class ProviderAbroad(TerraformProviderCheck):
    def __init__(self) -> None:
        super().__init__("SOV-RES-001", ["*"])

    def sov_evaluate(self, conf, name):
        verdict, attr = provider_verdict("terraform", name, conf)
        if verdict is None or verdict.place is not Place.ABROAD:
            return []
        return [Hit(f"provider {name} is abroad: {verdict.reason}", needle=attr or name,
                    start=conf.get("__start_line__"), end=conf.get("__end_line__"),
                    chain=list(verdict.chain) or None)]


check = ProviderAbroad()
