"""SOV-RES-011: Kubernetes volumes, placement or workload identity on a foreign cloud (storage provisioners, CSI
drivers, in-tree cloud disks, topology regions and zones, cloud workload-identity annotations)."""

from sovstack.checks.base import Hit, NativeCheck
from sovstack.rules import kubeplacement
from sovstack.rules.locations import Place


class KubernetesForeignCloud(NativeCheck):
    id = "SOV-RES-011"
    kinds = ("kubernetes", "yaml", "json", "template")

    def scan(self, doc):
        for fact, verdict in kubeplacement.places(doc):
            if verdict.place is Place.ABROAD:
                yield Hit(f"{fact.resource}: {verdict.reason}", line=fact.line, resource=fact.resource,
                          chain=fact.chain or None)


check = KubernetesForeignCloud()
