"""vSphere adapter: VMs cloned from a template with guest customisation (static IPv4) and a separate data disk."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_vsphere as vsphere

from providers.base import (FIREWALL_ANSIBLE, NetworkHandle, NetworkSpec, ProviderOnce, ServerHandle, ServerSpec,
                            VolumeHandle)


@dataclass
class VsphereAdapter(ProviderOnce):
    """Credentials come from VSPHERE_USER and VSPHERE_PASSWORD at deploy time.

    vSphere has no guest firewall resource (NSX distributed firewall aside, which these sites do not run):
    the host firewall (nftables) of every VM is configured by Ansible from the `firewall` stack output, which
    lists the same rules as on the other platforms and says `ansible-host-firewall`."""

    prefix: str
    server_host: str
    datacenter: str
    resource_pool: str
    datastore: str
    port_group: str
    domain: str
    folder: str | None = None
    guest_id: str = "other5xLinux64Guest"
    scsi_type: str = "pvscsi"
    kind: str = "vsphere"
    firewall: str = FIREWALL_ANSIBLE
    _lookups: dict = field(default_factory=dict, repr=False)

    def _make_provider(self) -> pulumi.ProviderResource:
        return vsphere.Provider(f"{self.prefix}-vsphere", vsphere_server=self.server_host,
                                allow_unverified_ssl=False)

    # ------------------------------------------------------------------------------------------ lookups
    # Inventory objects (datacenter, pool, datastore, port group, template) are looked up by name once.
    # Only their `id` is used: the offline planner's mock answers with an id and the arguments, nothing else.

    def _invoke_opts(self) -> pulumi.InvokeOutputOptions:
        return pulumi.InvokeOutputOptions(provider=self.provider())

    def _lookup(self, key: str, make):
        if key not in self._lookups:
            self._lookups[key] = make()
        return self._lookups[key]

    def datacenter_id(self) -> pulumi.Output[str]:
        return self._lookup("dc", lambda: vsphere.get_datacenter_output(
            name=self.datacenter, opts=self._invoke_opts()).id)

    def _in_dc(self, key: str, fn) -> pulumi.Output[str]:
        return self._lookup(key, lambda: fn(datacenter_id=self.datacenter_id(), opts=self._invoke_opts()).id)

    def resource_pool_id(self) -> pulumi.Output[str]:
        return self._in_dc("pool", lambda **kw: vsphere.get_resource_pool_output(name=self.resource_pool, **kw))

    def datastore_id(self) -> pulumi.Output[str]:
        return self._in_dc("ds", lambda **kw: vsphere.get_datastore_output(name=self.datastore, **kw))

    def network_id(self) -> pulumi.Output[str]:
        return self._in_dc("net", lambda **kw: vsphere.get_network_output(name=self.port_group, **kw))

    def template_uuid(self, template: str) -> pulumi.Output[str]:
        # the data source's id is the template's UUID, which clone.template_uuid expects
        return self._in_dc(f"tpl:{template}", lambda **kw: vsphere.get_virtual_machine_output(name=template, **kw))

    # ------------------------------------------------------------------------------------------ resources

    def network(self, name: str, spec: NetworkSpec, parent: pulumi.Resource) -> NetworkHandle:
        """No platform resource: VMs join the existing port group; the host firewall is Ansible's job."""
        return NetworkHandle(spec=spec, firewall=self.firewall, network_id=self.network_id())

    def volume(self, name: str, size_gb: int, parent: pulumi.Resource) -> VolumeHandle:
        disk = vsphere.VirtualDisk(
            name, datacenter=self.datacenter, datastore=self.datastore, size=size_gb, type="eagerZeroedThick",
            vmdk_path=f"sovstack/{self.prefix}/{name}.vmdk", create_directories=True,
            opts=self.opts(parent, protect=True))
        return VolumeHandle(name=name, size_gb=size_gb, resource=disk, ref=disk.vmdk_path, protected=True)

    def server(self, name: str, spec: ServerSpec, network: NetworkHandle, parent: pulumi.Resource,
               volumes: Sequence[VolumeHandle] = ()) -> ServerHandle:
        if spec.cpus is None or spec.memory_gb is None:
            raise ValueError(f"{name}: vSphere needs cpus and memory_gb")
        vm = vsphere.VirtualMachine(
            name, name=spec.hostname, resource_pool_id=self.resource_pool_id(), datastore_id=self.datastore_id(),
            folder=self.folder, num_cpus=spec.cpus, memory=spec.memory_gb * 1024, guest_id=self.guest_id,
            scsi_type=self.scsi_type, annotation=f"sovstack {spec.role} of {self.prefix}",
            network_interfaces=[{"network_id": network.network_id, "adapter_type": "vmxnet3"}],
            disks=self._disks(spec, volumes), clone=self._clone(spec, network.spec),
            opts=self.opts(parent, depends_on=[v.resource for v in volumes if v.resource is not None]))
        return ServerHandle(resource=vm, address=spec.address, children=(vm,))

    def _disks(self, spec: ServerSpec, volumes: Sequence[VolumeHandle]) -> list[dict]:
        disks = [{"label": "os", "size": spec.disk_gb, "unit_number": 0, "thin_provisioned": True}]
        for i, vol in enumerate(volumes, start=1):
            # attach: the disk outlives the VM (keep_on_remove is implied); the VirtualDisk is protected
            disks.append({"label": vol.name, "attach": True, "path": vol.ref, "datastore_id": self.datastore_id(),
                          "unit_number": i})
        return disks

    def _clone(self, spec: ServerSpec, net: NetworkSpec) -> dict:
        return {"template_uuid": self.template_uuid(spec.image),
                "customize": {"linux_options": {"host_name": spec.hostname, "domain": self.domain},
                              "network_interfaces": [{"ipv4_address": spec.address, "ipv4_netmask": net.prefixlen}],
                              "ipv4_gateway": net.gateway, "dns_server_lists": list(net.dns_servers),
                              "dns_suffix_lists": [self.domain]}}
