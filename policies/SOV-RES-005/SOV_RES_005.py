"""SOV-RES-005: Pulumi resource or provider placed abroad (offline plan, preview or stack export)."""

from sovstack.checks.graph import GraphCheck
from sovstack.rules import pulumigraph


class PulumiResourceAbroad(GraphCheck):
    id = "SOV-RES-005"
    rule = pulumigraph.abroad


check = PulumiResourceAbroad()
