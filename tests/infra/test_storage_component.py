"""Storage component on each platform adapter: protected data, buckets, and backups on another Russian site."""

from __future__ import annotations

import pulumi
import pytest

from components.network import Network
from components.storage import BucketSpec, S3Store, Storage, StorageArgs
from providers.base import STORAGE, ServerSpec

STORE = S3Store(site="chelyabinsk-gov-dc1", server="s3.gov74.internal:9000", url="https://s3.gov74.internal:9000")
BACKUP = S3Store(site="chelyabinsk-gov-dc2", server="s3.dc2.gov74.internal:9000",
                 url="https://s3.dc2.gov74.internal:9000", access_key=pulumi.Output.secret("bk-user"),
                 secret_key=pulumi.Output.secret("bk-password"))
OUTPUTS = ("database_hostname", "database_address", "data_volume_gb", "bucket_names", "s3_endpoint", "backup_site",
           "backup_endpoint", "backup_bucket", "retention_days", "protected")


def build(kit, kind: str, name: str, backup: S3Store = BACKUP) -> dict:
    adapter = kit.adapter(kind, name)
    resolved: dict = {}

    @pulumi.runtime.test
    def program():
        net = Network(f"{name}-net", kit.network_args(adapter))
        database = ServerSpec(hostname=f"{name}-pg", role=STORAGE, address="10.74.20.5", disk_gb=40, slot=0,
                              **kit.sizing(kind))
        storage = Storage(name, StorageArgs(
            adapter=adapter, network=net.handle, database=database, data_volume_gb=200, store=STORE,
            buckets=(BucketSpec("kapremont74-attachments"), BucketSpec("channel-media", versioning=False)),
            backup_store=backup, backup_bucket="chelyabinsk-pg-backup", retention_days=35))
        return pulumi.Output.all(*[getattr(storage, o) for o in OUTPUTS]).apply(
            lambda v: resolved.update(zip(OUTPUTS, v)))

    program()
    return resolved


def test_outputs_on_every_platform(kit, kind, recorder):
    out = build(kit, kind, f"st-{kind}")
    assert out["database_address"] == "10.74.20.5" and out["database_hostname"] == f"st-{kind}-pg"
    assert out["bucket_names"] == ["kapremont74-attachments", "channel-media"]
    assert out["backup_site"] == "chelyabinsk-gov-dc2" and out["backup_bucket"] == "chelyabinsk-pg-backup"
    assert out["retention_days"] == 35 and out["data_volume_gb"] == 200
    buckets = {f"st-{kind}-kapremont74-attachments", f"st-{kind}-channel-media", f"st-{kind}-backup"}
    assert buckets <= set(out["protected"])


def test_buckets_and_backup_are_protected_and_on_their_own_stores(kit, kind, recorder):
    build(kit, kind, f"sb-{kind}")
    primary, backup = recorder.named(f"sb-{kind}-s3"), recorder.named(f"sb-{kind}-backup-s3")
    assert primary.type == backup.type == "pulumi:providers:minio"
    assert primary.inputs["minioServer"] == "s3.gov74.internal:9000"
    assert backup.inputs["minioServer"] == "s3.dc2.gov74.internal:9000" and backup.inputs["minioSsl"] == "true"
    buckets = recorder.of_type("minio:index/s3Bucket:S3Bucket")
    assert len(buckets) == 3 and all(b.protect for b in buckets)
    backup_bucket = recorder.named(f"sb-{kind}-backup")
    assert backup_bucket.inputs["bucket"] == "chelyabinsk-pg-backup"
    assert backup_bucket.provider.split("::")[-2] == f"sb-{kind}-backup-s3"
    assert all(b.provider.split("::")[-2] == f"sb-{kind}-s3" for b in buckets if b is not backup_bucket)
    ilm = recorder.named(f"sb-{kind}-backup-retention")
    assert ilm.provider.split("::")[-2] == f"sb-{kind}-backup-s3"
    assert ilm.inputs["rules"] == [{"id": "expire-after-35d", "status": "Enabled", "expiration": "35d",
                                    "noncurrentVersionExpirationDays": 35}]
    versioned = {r.inputs["bucket"] for r in recorder.of_type("minio:index/s3BucketVersioning:S3BucketVersioning")}
    assert versioned == {"kapremont74-attachments", "chelyabinsk-pg-backup"}


def test_backup_credentials_stay_secret(kit, recorder):
    build(kit, "openstack", "sc-os")
    backup = recorder.named("sc-os-backup-s3").inputs
    assert isinstance(backup["minioPassword"], dict), "a secret is sent to the engine wrapped as a secret"
    assert backup["minioPassword"]["value"] == "bk-password"
    assert "minioPassword" not in recorder.named("sc-os-s3").inputs  # falls back to MINIO_PASSWORD


def test_openstack_data_volume_is_protected_and_attached(kit, recorder):
    out = build(kit, "openstack", "sv-os")
    volume = recorder.named("sv-os-pgdata")
    assert volume.type == "openstack:blockstorage/volume:Volume" and volume.protect is True
    assert volume.inputs["size"] == 200
    attach = recorder.named("sv-os-pg-sv-os-pgdata-attach").inputs
    assert attach == {"instanceId": "sv-os-pg_id", "volumeId": "sv-os-pgdata_id"}
    assert recorder.named("sv-os-pg").protect is False and "sv-os-pgdata" in out["protected"]
    port = recorder.named("sv-os-pg-port").inputs
    assert port["securityGroupIds"] == ["sv-os-net-storage_id"]
    assert port["fixedIps"][0]["ipAddress"] == "10.74.20.5"


def test_proxmox_data_disk_lives_in_the_protected_vm(kit, recorder):
    out = build(kit, "proxmox", "sv-pve")
    vm = recorder.named("sv-pve-pg")
    assert vm.protect is True and vm.inputs["protection"] is True and vm.inputs["vmId"] == 1800
    assert [(d["interface"], d["size"]) for d in vm.inputs["disks"]] == [("scsi0", 40), ("scsi1", 200)]
    assert "sv-pve-pg" in out["protected"]
    rules = recorder.named("sv-pve-pg-fw-rules").inputs["rules"]
    assert {(r["dport"], r["source"]) for r in rules if r["type"] == "in"} == {("5432", "10.74.20.0/24"),
                                                                               ("22", "10.74.250.0/24")}


def test_vsphere_data_disk_is_a_protected_virtual_disk_attached_to_the_vm(kit, recorder):
    out = build(kit, "vsphere", "sv-vs")
    disk = recorder.named("sv-vs-pgdata")
    assert disk.type == "vsphere:index/virtualDisk:VirtualDisk" and disk.protect is True
    assert disk.inputs["size"] == 200 and disk.inputs["vmdkPath"] == "sovstack/sv-vs/sv-vs-pgdata.vmdk"
    vm = recorder.named("sv-vs-pg").inputs
    data = [d for d in vm["disks"] if d.get("attach")]
    assert data == [{"label": "sv-vs-pgdata", "attach": True, "path": "sovstack/sv-vs/sv-vs-pgdata.vmdk",
                     "datastoreId": "vsphere:index/getDatastore:getDatastore-vsan-gov-01", "unitNumber": 1}]
    assert "sv-vs-pgdata" in out["protected"]


def test_backup_on_the_same_site_is_refused(kit, recorder):
    same = S3Store(site="chelyabinsk-gov-dc1", server="s3.gov74.internal:9000", url="https://s3.gov74.internal:9000")
    with pytest.raises(ValueError, match="the backup store must be on another site"):
        build(kit, "openstack", "sx-os", backup=same)
    assert recorder.of_type("minio:index/s3Bucket:S3Bucket") == []
