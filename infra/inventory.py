"""Builds the `inventory` stack output that `sovstack inventory` and Ansible consume."""

from __future__ import annotations

from collections.abc import Sequence

import pulumi

BOT_SERVER_ROLE = "bot_server"
STORAGE_ROLE = "storage"


def host_entry(name: pulumi.Input[str], address: pulumi.Input[str], role: str, site: str) -> pulumi.Output[dict]:
    return pulumi.Output.all(name, address).apply(
        lambda v: {"name": v[0], "address": v[1], "role": role, "site": site})


def inventory(*, region: str, site: str, platform: str, hosts: Sequence[pulumi.Output[dict]],
              backup_site: str, s3_endpoint: str, backup_s3_endpoint: str,
              private_cidr: str) -> pulumi.Output[dict]:
    """{region, site, platform, hosts: [{name, address, role, site}], vars: {sovstack_*}}."""
    variables = {
        "sovstack_region": region,
        "sovstack_site": site,
        "sovstack_backup_site": backup_site,
        "sovstack_s3_endpoint": s3_endpoint,
        "sovstack_backup_s3_endpoint": backup_s3_endpoint,
        "sovstack_private_cidr": private_cidr,
    }
    return pulumi.Output.all(*hosts).apply(lambda entries: {
        "region": region, "site": site, "platform": platform, "hosts": list(entries), "vars": variables})
