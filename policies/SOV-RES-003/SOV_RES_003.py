"""SOV-RES-003: Terraform state backend abroad."""

from sovstack.checks.base import Hit, NativeCheck
from sovstack.rules.backends import backends
from sovstack.rules.locations import Place


class TerraformBackendAbroad(NativeCheck):
    id = "SOV-RES-003"
    kinds = ("terraform",)

    def scan(self, doc):
        for b in backends(doc):
            if b.verdict.place is Place.ABROAD:
                needle = b.key or (f'backend "{b.kind}"' if b.kind != "cloud" else "cloud")
                message = b.verdict.reason if b.kind in ("gcs", "azurerm", "oss", "cos", "manta") else \
                    f"Terraform state backend {b.kind} is abroad: {b.verdict.reason}"
                yield Hit(message, needle=needle, start=b.start, end=b.end, chain=list(b.verdict.chain) or None)


check = TerraformBackendAbroad()
