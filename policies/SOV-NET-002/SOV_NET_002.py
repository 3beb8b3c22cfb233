"""SOV-NET-002: firewall or security group lets hosts reach foreign messengers' servers."""

from sovstack.checks.graph import GraphCheck
from sovstack.rules import pulumigraph


class EgressToForeignMessengers(GraphCheck):
    id = "SOV-NET-002"
    rule = pulumigraph.open_egress


check = EgressToForeignMessengers()
