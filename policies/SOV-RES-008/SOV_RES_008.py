"""SOV-RES-008: stateful Pulumi resource (volume, disk, bucket, database) not protected from deletion."""

from sovstack.checks.graph import GraphCheck
from sovstack.rules import pulumigraph


class StatefulResourceUnprotected(GraphCheck):
    id = "SOV-RES-008"
    rule = pulumigraph.unprotected


check = StatefulResourceUnprotected()
