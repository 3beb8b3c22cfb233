"""SOV-RES-009: data uploaded or synced to storage abroad (rclone remotes, aws s3 / gsutil / az uploads, object
stores configured for backups, logs and metrics in Helm values, manifests, Velero/Thanos/Loki configs)."""

from sovstack.checks.base import Hit, NativeCheck
from sovstack.rules import storage
from sovstack.rules.locations import Place


class UploadAbroad(NativeCheck):
    id = "SOV-RES-009"
    kinds = storage.STORE_KINDS

    def scan(self, doc):
        for place in storage.places(doc):
            if place.family in ("upload", "store") and place.verdict.place is Place.ABROAD:
                yield Hit(f"data goes to storage abroad: {place.verdict.reason}", line=place.fact.line,
                          chain=place.fact.chain or None)


check = UploadAbroad()
