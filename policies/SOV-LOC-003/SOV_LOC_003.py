"""SOV-LOC-003: Pulumi resource or provider whose location cannot be verified."""

from sovstack.checks.graph import GraphCheck
from sovstack.rules import pulumigraph


class PulumiResourceUnverified(GraphCheck):
    id = "SOV-LOC-003"
    rule = pulumigraph.unverified


check = PulumiResourceUnverified()
