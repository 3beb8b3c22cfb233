"""SOV-RES-010: OpenStack client environment (openrc, clouds.yaml) pointing at a cloud or pool abroad."""

from sovstack.checks.base import Hit, NativeCheck
from sovstack.rules import storage
from sovstack.rules.locations import Place


class OpenStackEnvAbroad(NativeCheck):
    id = "SOV-RES-010"
    kinds = storage.STORE_KINDS

    def scan(self, doc):
        for place in storage.places(doc):
            if place.family == "openstack" and place.verdict.place is Place.ABROAD:
                yield Hit(f"OpenStack environment is abroad: {place.verdict.reason}", line=place.fact.line,
                          chain=place.fact.chain or None)


check = OpenStackEnvAbroad()
