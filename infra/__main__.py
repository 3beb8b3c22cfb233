"""Pulumi program of one region stack: reads config, picks the platform adapter, wires the components, exports."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:  # `pulumi up` runs this file with infra/ as cwd; the offline planner via runpy
    sys.path.insert(0, str(HERE))

import pulumi  # noqa: E402

import config  # noqa: E402
from components.bot_server import BotServer, BotServerArgs  # noqa: E402
from components.network import EgressProxySpec, Network, NetworkArgs, PublicEgressSpec  # noqa: E402
from components.storage import BucketSpec, S3Store, Storage, StorageArgs  # noqa: E402
from inventory import BOT_SERVER_ROLE, STORAGE_ROLE, host_entry, inventory  # noqa: E402
from providers import make_adapter  # noqa: E402
from providers.base import BOT_SERVER, STORAGE, ServerSpec  # noqa: E402

if Path(config.__file__).resolve().parent != HERE:
    raise ImportError(f"module 'config' was imported from {config.__file__}, not from {HERE}")

# Invalid config stops here, before any resource is declared.
settings = config.load(pulumi.Config(config.NAMESPACE), pulumi.get_stack())
cfg, net, creds = settings.config, settings.config.network, settings.credentials
region, bots_cfg, db_cfg = cfg.region, cfg.bot_servers, cfg.storage.database
store_cfg, backup_cfg = cfg.storage.object_store, cfg.storage.backup
adapter = make_adapter(settings)

network = Network(f"{region}-net", NetworkArgs(
    adapter=adapter, cidr=net.cidr, gateway=settings.gateway, dns_servers=tuple(net.dns_servers),
    admin_cidr=net.admin_cidr, egress_cidrs=tuple(settings.egress_cidrs),
    webhook_source_cidrs=tuple(net.webhook_source_cidrs),
    egress_proxy=EgressProxySpec(net.egress_proxy.address, net.egress_proxy.port) if net.egress_proxy else None,
    public_egress=tuple(PublicEgressSpec(p.cidr, p.port, p.reason) for p in net.public_egress)))

bots = [BotServer(f"{region}-bot-{n}", BotServerArgs(adapter=adapter, network=network.handle, server=ServerSpec(
    hostname=f"{region}-bot-{n}", role=BOT_SERVER, address=address, disk_gb=bots_cfg.disk_gb, image=bots_cfg.image,
    slot=n, flavor=bots_cfg.flavor, cpus=bots_cfg.cpus, memory_gb=bots_cfg.memory_gb)))
    for n, address in enumerate(settings.bot_addresses, start=1)]

storage = Storage(f"{region}-storage", StorageArgs(
    adapter=adapter, network=network.handle,
    database=ServerSpec(hostname=f"{region}-pg", role=STORAGE, address=settings.database_address,
                        disk_gb=db_cfg.disk_gb, image=db_cfg.image, slot=0, flavor=db_cfg.flavor,
                        cpus=db_cfg.cpus, memory_gb=db_cfg.memory_gb),
    data_volume_gb=db_cfg.data_volume_gb,
    store=S3Store(site=settings.site.id, server=config.s3_server(store_cfg.endpoint), url=store_cfg.endpoint,
                  region=store_cfg.region, access_key=creds.s3_access_key, secret_key=creds.s3_secret_key),
    buckets=tuple(BucketSpec(b.name, b.versioning) for b in store_cfg.buckets),
    backup_store=S3Store(site=settings.backup_site.id, server=config.s3_server(backup_cfg.endpoint),
                         url=backup_cfg.endpoint, access_key=creds.backup_s3_access_key,
                         secret_key=creds.backup_s3_secret_key),
    backup_bucket=settings.backup_bucket, retention_days=backup_cfg.retention_days))

hosts = [host_entry(b.hostname, b.address, BOT_SERVER_ROLE, settings.site.id) for b in bots]
hosts.append(host_entry(storage.database_hostname, storage.database_address, STORAGE_ROLE, settings.site.id))

pulumi.export("inventory", inventory(
    region=region, site=settings.site.id, platform=cfg.platform.value, hosts=hosts,
    backup_site=settings.backup_site.id, s3_endpoint=store_cfg.endpoint, backup_s3_endpoint=backup_cfg.endpoint,
    private_cidr=net.cidr))
pulumi.export("region", region)
pulumi.export("description", cfg.description)
pulumi.export("site", settings.site.id)
pulumi.export("platform", cfg.platform.value)
pulumi.export("webhook_host", net.webhook_host)
pulumi.export("private_cidr", network.cidr)
pulumi.export("bot_servers", [pulumi.Output.all(b.hostname, b.address).apply(
    lambda v: {"name": v[0], "address": v[1]}) for b in bots])
pulumi.export("database", {"name": storage.database_hostname, "address": storage.database_address,
                           "data_volume_gb": storage.data_volume_gb})
pulumi.export("s3_endpoint", storage.s3_endpoint)
pulumi.export("buckets", storage.bucket_names)
pulumi.export("backup", {"site": storage.backup_site, "endpoint": storage.backup_endpoint,
                         "bucket": storage.backup_bucket, "retention_days": storage.retention_days})
pulumi.export("protected", storage.protected)
pulumi.export("firewall", {"enforced_by": network.firewall, "note": network.firewall_note, "rules": network.rules})
