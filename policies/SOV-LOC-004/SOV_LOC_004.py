"""SOV-LOC-004: state backend, object store, upload target, OpenStack endpoint or cloud client region whose location
cannot be verified."""

from sovstack.checks.base import Hit, NativeCheck
from sovstack.rules import storage
from sovstack.rules.backends import backends
from sovstack.rules.locations import Place

DOUBTFUL = (Place.UNKNOWN, Place.UNRESOLVED)


class StorageLocationUnverified(NativeCheck):
    id = "SOV-LOC-004"
    kinds = storage.STORE_KINDS + ("terraform",)

    def scan(self, doc):
        if doc.kind.value == "terraform":
            for b in backends(doc):
                if b.verdict.place in DOUBTFUL:
                    yield Hit(f"Terraform state backend {b.kind}: location not verified: {b.verdict.reason}",
                              needle=b.key or f'backend "{b.kind}"', start=b.start, end=b.end,
                              chain=list(b.verdict.chain) or None)
            return
        for place in storage.places(doc):
            if place.verdict.place in DOUBTFUL:
                what = {"openstack": "OpenStack endpoint", "cloud-env": "cloud client"}.get(place.family, "storage")
                yield Hit(f"{what} location not verified: {place.verdict.reason}", line=place.fact.line,
                          chain=place.fact.chain or None)


check = StorageLocationUnverified()
