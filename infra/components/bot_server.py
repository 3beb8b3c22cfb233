"""One bot server: a VM with a fixed private address that receives MAX webhooks on 443."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pulumi

from providers.base import BOT_SERVER, NetworkHandle, PlatformAdapter, ServerSpec


@dataclass(frozen=True)
class BotServerArgs:
    adapter: PlatformAdapter
    network: NetworkHandle
    server: ServerSpec  # its role is set to bot_server


class BotServer(pulumi.ComponentResource):
    """A bot server. Its address comes from config, so it is known in an offline plan."""

    hostname: pulumi.Output[str]
    address: pulumi.Output[str]
    role: pulumi.Output[str]
    server_id: pulumi.Output[str]
    firewall: pulumi.Output[str]
    rules: pulumi.Output[list]

    def __init__(self, name: str, args: BotServerArgs, opts: pulumi.ResourceOptions | None = None):
        super().__init__("sovstack:compute:BotServer", name, None, opts)
        spec = replace(args.server, role=BOT_SERVER)
        server = args.adapter.server(f"{name}-vm", spec, args.network, parent=self)
        self.hostname = pulumi.Output.from_input(spec.hostname)
        self.address = pulumi.Output.from_input(server.address)
        self.role = pulumi.Output.from_input(BOT_SERVER)
        self.server_id = server.resource.id
        self.firewall = pulumi.Output.from_input(args.network.firewall)
        self.rules = pulumi.Output.from_input([r.as_dict() for r in args.network.spec.rules[BOT_SERVER]])
        self.register_outputs({"hostname": self.hostname, "address": self.address, "role": self.role,
                               "server_id": self.server_id, "firewall": self.firewall, "rules": self.rules})
