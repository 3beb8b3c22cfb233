"""Stateful storage of a region stack: the PostgreSQL VM with its data volume, object buckets, and their backups."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pulumi
import pulumi_minio as minio

from providers.base import STORAGE, NetworkHandle, PlatformAdapter, ServerSpec


@dataclass(frozen=True)
class S3Store:
    """An S3-compatible (MinIO) store. server is host[:port] as minio_server expects; credentials None means
    the minio provider reads MINIO_USER and MINIO_PASSWORD from the environment."""

    site: str
    server: str
    url: str
    region: str | None = None
    access_key: pulumi.Input[str] | None = None
    secret_key: pulumi.Input[str] | None = None


@dataclass(frozen=True)
class BucketSpec:
    name: str
    versioning: bool = True


@dataclass(frozen=True)
class StorageArgs:
    adapter: PlatformAdapter
    network: NetworkHandle
    database: ServerSpec  # the PostgreSQL VM; its role is set to storage
    data_volume_gb: int
    store: S3Store
    buckets: tuple[BucketSpec, ...]
    backup_store: S3Store
    backup_bucket: str
    retention_days: int


class Storage(pulumi.ComponentResource):
    """PostgreSQL on a VM with a separate, protected data volume; protected buckets on the site's store; and
    a protected backup bucket on the backup site's store (another site in Russia) with retention as an ILM
    lifecycle rule. The scheduled pg_dump/WAL upload into that bucket is configured by Ansible."""

    database_hostname: pulumi.Output[str]
    database_address: pulumi.Output[str]
    data_volume_gb: pulumi.Output[int]
    bucket_names: pulumi.Output[list]
    s3_endpoint: pulumi.Output[str]
    backup_site: pulumi.Output[str]
    backup_endpoint: pulumi.Output[str]
    backup_bucket: pulumi.Output[str]
    retention_days: pulumi.Output[int]
    protected: pulumi.Output[list]

    def __init__(self, name: str, args: StorageArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("sovstack:storage:Storage", name, None, opts)
        if args.backup_store.site == args.store.site or args.backup_store.server == args.store.server:
            raise ValueError(f"{name}: the backup store must be on another site than the data")
        protected: list[str] = []
        volume = args.adapter.volume(f"{name}-pgdata", args.data_volume_gb, parent=self)
        protected += [volume.name] if volume.protected else []
        database = replace(args.database, role=STORAGE)
        server = args.adapter.server(f"{name}-pg", database, args.network, parent=self, volumes=[volume])
        protected += list(server.protected)
        buckets = self._buckets(name, args, protected)
        backup = self._backup(name, args, protected)
        self.database_hostname = pulumi.Output.from_input(args.database.hostname)
        self.database_address = pulumi.Output.from_input(server.address)
        self.data_volume_gb = pulumi.Output.from_input(args.data_volume_gb)
        self.bucket_names = pulumi.Output.all(*[b.bucket for b in buckets]).apply(list)
        self.s3_endpoint = pulumi.Output.from_input(args.store.url)
        self.backup_site = pulumi.Output.from_input(args.backup_store.site)
        self.backup_endpoint = pulumi.Output.from_input(args.backup_store.url)
        self.backup_bucket = backup.bucket
        self.retention_days = pulumi.Output.from_input(args.retention_days)
        self.protected = pulumi.Output.from_input(sorted(protected))
        self.register_outputs({
            "database_hostname": self.database_hostname, "database_address": self.database_address,
            "data_volume_gb": self.data_volume_gb, "bucket_names": self.bucket_names,
            "s3_endpoint": self.s3_endpoint, "backup_site": self.backup_site,
            "backup_endpoint": self.backup_endpoint, "backup_bucket": self.backup_bucket,
            "retention_days": self.retention_days, "protected": self.protected})

    def _minio(self, name: str, store: S3Store) -> minio.Provider:
        return minio.Provider(name, minio_server=store.server, minio_ssl=True, minio_region=store.region,
                              minio_user=store.access_key, minio_password=store.secret_key,
                              opts=pulumi.ResourceOptions(parent=self))

    def _bucket(self, name: str, bucket: str, versioning: bool, provider: minio.Provider,
                protected: list[str]) -> minio.S3Bucket:
        opts = pulumi.ResourceOptions(parent=self, provider=provider)
        resource = minio.S3Bucket(name, bucket=bucket, acl="private", force_destroy=False,
                                  opts=pulumi.ResourceOptions.merge(opts, pulumi.ResourceOptions(protect=True)))
        protected.append(name)
        if versioning:
            minio.S3BucketVersioning(f"{name}-versioning", bucket=resource.bucket,
                                     versioning_configuration={"status": "Enabled"}, opts=opts)
        return resource

    def _buckets(self, name: str, args: StorageArgs, protected: list[str]) -> list[minio.S3Bucket]:
        provider = self._minio(f"{name}-s3", args.store)
        return [self._bucket(f"{name}-{b.name}", b.name, b.versioning, provider, protected) for b in args.buckets]

    def _backup(self, name: str, args: StorageArgs, protected: list[str]) -> minio.S3Bucket:
        provider = self._minio(f"{name}-backup-s3", args.backup_store)
        bucket = self._bucket(f"{name}-backup", args.backup_bucket, True, provider, protected)
        days = args.retention_days
        minio.IlmPolicy(f"{name}-backup-retention", bucket=bucket.bucket, rules=[{
            "id": f"expire-after-{days}d", "status": "Enabled", "expiration": f"{days}d",
            "noncurrent_version_expiration_days": days}],
            opts=pulumi.ResourceOptions(parent=self, provider=provider))
        return bucket
