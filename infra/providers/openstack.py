"""OpenStack adapter: on-prem OpenStack, VK Cloud and Selectel (all Keystone v3 + Neutron + Nova + Cinder)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pulumi
import pulumi_openstack as openstack

from providers.base import (EGRESS, FIREWALL_OPENSTACK, INGRESS, NetworkHandle, NetworkSpec, ProviderOnce, Rule,
                            ServerHandle, ServerSpec, VolumeHandle)


@dataclass
class OpenStackAdapter(ProviderOnce):
    """Credentials (OS_USERNAME, OS_PASSWORD, OS_PROJECT_ID or OS_PROJECT_NAME, OS_USER_DOMAIN_NAME, or
    OS_CLOUD with clouds.yaml) come from the environment at deploy time; the endpoint and region from config."""

    prefix: str
    auth_url: str
    region: str
    key_pair: str
    availability_zone: str | None = None
    external_network_id: str | None = None
    volume_type: str | None = None
    kind: str = "openstack"
    firewall: str = FIREWALL_OPENSTACK

    def _make_provider(self) -> pulumi.ProviderResource:
        return openstack.Provider(f"{self.prefix}-openstack", auth_url=self.auth_url, region=self.region)

    # ------------------------------------------------------------------------------------------ network

    def network(self, name: str, spec: NetworkSpec, parent: pulumi.Resource) -> NetworkHandle:
        net = openstack.networking.Network(name, name=name, admin_state_up=True, opts=self.opts(parent))
        subnet = openstack.networking.Subnet(
            f"{name}-subnet", name=f"{name}-subnet", network_id=net.id, cidr=spec.cidr, ip_version=4,
            gateway_ip=spec.gateway, dns_nameservers=list(spec.dns_servers), enable_dhcp=True,
            opts=self.opts(parent))
        children: list[pulumi.Resource] = [net, subnet]
        if self.external_network_id:
            router = openstack.networking.Router(f"{name}-router", name=f"{name}-router", admin_state_up=True,
                                                 external_network_id=self.external_network_id,
                                                 opts=self.opts(parent))
            children += [router, openstack.networking.RouterInterface(
                f"{name}-router-if", router_id=router.id, subnet_id=subnet.id, opts=self.opts(parent))]
        groups = {}
        for role, rules in spec.rules.items():
            group, rule_resources = self._security_group(f"{name}-{role.replace('_', '-')}", role, rules, parent)
            groups[role] = group.id
            children += [group, *rule_resources]
        return NetworkHandle(spec=spec, firewall=self.firewall, network_id=net.id, subnet_id=subnet.id,
                             security_groups=groups, children=tuple(children))

    def _security_group(self, name: str, role: str, rules: Sequence[Rule], parent: pulumi.Resource):
        # delete_default_rules drops OpenStack's allow-all egress: only the rules below pass.
        group = openstack.networking.SecGroup(name, name=name, description=f"sovstack {role}: default deny",
                                              delete_default_rules=True, opts=self.opts(parent))
        created = []
        for rule in rules:
            ports = {} if rule.port is None else {"port_range_min": rule.port, "port_range_max": rule.port}
            created.append(openstack.networking.SecGroupRule(
                f"{name}-{rule.slug}", security_group_id=group.id,
                direction=INGRESS if rule.direction == INGRESS else EGRESS, ethertype="IPv4",
                protocol=None if rule.protocol == "any" else rule.protocol, remote_ip_prefix=rule.cidr,
                description=rule.description, **ports, opts=self.opts(parent)))
        return group, created

    # ------------------------------------------------------------------------------------------ storage

    def volume(self, name: str, size_gb: int, parent: pulumi.Resource) -> VolumeHandle:
        vol = openstack.blockstorage.Volume(
            name, name=name, size=size_gb, description="sovstack data volume (personal data)",
            volume_type=self.volume_type, availability_zone=self.availability_zone,
            opts=self.opts(parent, protect=True))
        return VolumeHandle(name=name, size_gb=size_gb, resource=vol, ref=vol.id, protected=True)

    # ------------------------------------------------------------------------------------------ compute

    def server(self, name: str, spec: ServerSpec, network: NetworkHandle, parent: pulumi.Resource,
               volumes: Sequence[VolumeHandle] = ()) -> ServerHandle:
        port = openstack.networking.Port(
            f"{name}-port", name=f"{name}-port", network_id=network.network_id, admin_state_up=True,
            fixed_ips=[{"subnet_id": network.subnet_id, "ip_address": spec.address}],
            security_group_ids=[network.security_groups[spec.role]], opts=self.opts(parent))
        instance = openstack.compute.Instance(
            name, name=spec.hostname, flavor_name=spec.flavor, key_pair=self.key_pair,
            availability_zone=self.availability_zone, networks=[{"port": port.id}],
            block_devices=[{"uuid": spec.image, "source_type": "image", "destination_type": "volume",
                            "volume_size": spec.disk_gb, "volume_type": self.volume_type, "boot_index": 0,
                            "delete_on_termination": True}],
            metadata={"sovstack_role": spec.role, "sovstack_region": self.prefix},
            stop_before_destroy=True, opts=self.opts(parent))
        attachments = [openstack.compute.VolumeAttach(f"{name}-{vol.name}-attach", instance_id=instance.id,
                                                      volume_id=vol.ref, opts=self.opts(parent))
                       for vol in volumes]
        return ServerHandle(resource=instance, address=spec.address, children=(port, instance, *attachments))
