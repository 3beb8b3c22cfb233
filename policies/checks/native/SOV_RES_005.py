"""SOV-RES-005: Pulumi resource or provider placed abroad (stack export or preview)."""

from sovstack.checks.base import Hit, NativeCheck
from sovstack.rules import pulumistate
from sovstack.rules.locations import Place


class PulumiResourceAbroad(NativeCheck):
    id = "SOV-RES-005"
    kinds = ("pulumi-state",)

    def scan(self, doc):
        for node, state, verdict, own in pulumistate.verdicts(doc):
            if verdict is not None and own and verdict.place is Place.ABROAD:
                yield Hit(f"{state['type']} is abroad: {verdict.reason}", line=doc.key_line(state, "type"),
                          resource=state.get("urn"))


check = PulumiResourceAbroad()
