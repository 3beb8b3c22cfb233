"""SOV-RES-010: cloud client environment pointing at a cloud or pool abroad: OpenStack (openrc, clouds.yaml) and
the region/zone variables of cloud SDKs and CLIs (AWS_REGION, CLOUDSDK_COMPUTE_REGION, AZURE_LOCATION, YC_ZONE...)."""

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
            elif place.family == "cloud-env" and place.verdict.place is Place.ABROAD:
                yield Hit(f"cloud client environment is abroad: {place.verdict.reason}", line=place.fact.line,
                          chain=place.fact.chain or None)


check = OpenStackEnvAbroad()
