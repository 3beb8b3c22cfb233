"""Platform adapters behind one interface (base.PlatformAdapter); make_adapter picks one from the settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from providers.base import PlatformAdapter

if TYPE_CHECKING:
    from config import Settings


def make_adapter(settings: Settings) -> PlatformAdapter:
    """An adapter for the stack's platform. Builds no resource: the provider is created on first use."""
    cfg, prefix = settings.config, settings.config.region
    platform = settings.platform_settings
    if cfg.platform == "openstack":
        from providers.openstack import OpenStackAdapter

        return OpenStackAdapter(prefix=prefix, auth_url=cfg.management_endpoint, region=platform.region,
                                key_pair=platform.key_pair, availability_zone=platform.availability_zone,
                                external_network_id=platform.external_network_id,
                                volume_type=platform.volume_type)
    if cfg.platform == "proxmox":
        from providers.proxmox import ProxmoxAdapter

        return ProxmoxAdapter(prefix=prefix, endpoint=cfg.management_endpoint, node_name=platform.node_name,
                              first_vm_id=platform.first_vm_id,
                              ssh_authorized_keys=tuple(platform.ssh_authorized_keys), bridge=platform.bridge,
                              vlan_id=platform.vlan_id, datastore=platform.datastore,
                              admin_user=platform.admin_user, cpu_type=platform.cpu_type, domain=platform.domain)
    from providers.vsphere import VsphereAdapter
    from config import endpoint_host

    return VsphereAdapter(prefix=prefix, server_host=endpoint_host(cfg.management_endpoint),
                          datacenter=platform.datacenter, resource_pool=platform.resource_pool,
                          datastore=platform.datastore, port_group=platform.network, domain=platform.domain,
                          folder=platform.folder, guest_id=platform.guest_id, scsi_type=platform.scsi_type)
