"""SOV-LOC-003: Pulumi resource or provider whose location cannot be verified."""

from sovstack.checks.base import Hit, NativeCheck
from sovstack.rules import pulumistate
from sovstack.rules.locations import Place


class PulumiResourceUnverified(NativeCheck):
    id = "SOV-LOC-003"
    kinds = ("pulumi-state",)

    def scan(self, doc):
        for node, state, verdict, own in pulumistate.verdicts(doc):
            if verdict is not None and own and verdict.place in (Place.UNKNOWN, Place.UNRESOLVED):
                yield Hit(f"{state['type']}: location not verified: {verdict.reason}",
                          line=doc.key_line(state, "type"), resource=state.get("urn"))


check = PulumiResourceUnverified()
