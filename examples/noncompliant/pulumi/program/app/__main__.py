"""Legacy appeals-bot deployment: deliberately non-compliant (see ../Pulumi.yaml)."""

import pulumi
import pulumi_minio as minio
import pulumi_openstack as openstack

config = pulumi.Config()

# OpenStack in a foreign public cloud (OVHcloud, Europe): SOV-RES-005
cloud = openstack.Provider("ovh", auth_url="https://auth.cloud.ovh.net/v3", region="GRA11")
# a second site whose endpoint is in no catalogue: location unverified (SOV-LOC-003)
dr_site = openstack.Provider("dr", auth_url="https://keystone.dr-site.example.net:5000/v3", region="RegionOne")

# security group that keeps the default allow-all egress rules: Telegram is reachable (SOV-NET-002)
bots = openstack.networking.SecGroup("bots", description="bot servers", opts=pulumi.ResourceOptions(provider=cloud))
# webhook over plain HTTP and SSH from anywhere (SOV-NET-001)
openstack.networking.SecGroupRule("http-in", direction="ingress", ethertype="IPv4", protocol="tcp",
                                  port_range_min=80, port_range_max=80, remote_ip_prefix="0.0.0.0/0",
                                  security_group_id=bots.id, opts=pulumi.ResourceOptions(provider=cloud))
openstack.networking.SecGroupRule("ssh-in", direction="ingress", ethertype="IPv4", protocol="tcp",
                                  port_range_min=22, port_range_max=22, remote_ip_prefix="0.0.0.0/0",
                                  security_group_id=bots.id, opts=pulumi.ResourceOptions(provider=cloud))

# database volume without protect: a destroy or a replacement deletes the appeals (SOV-RES-008)
db_volume = openstack.blockstorage.Volume("appeals-db", size=config.get_int("dbSizeGb") or 50,
                                          opts=pulumi.ResourceOptions(provider=cloud))
replica = openstack.blockstorage.Volume("appeals-db-replica", size=config.get_int("dbSizeGb") or 50,
                                        opts=pulumi.ResourceOptions(provider=dr_site, protect=True))

# backups of the appeals database at a foreign S3 provider (default provider from the stack config)
backups = minio.S3Bucket("appeals-backups", bucket="appeals-backups", opts=pulumi.ResourceOptions(protect=True))

pulumi.export("db_volume", db_volume.id)
pulumi.export("backup_bucket", backups.bucket)
