"""SOV-NET-001: firewall or security group opens more than HTTPS (the bot webhook) to public addresses."""

from sovstack.checks.graph import GraphCheck
from sovstack.rules import pulumigraph


class PublicIngressBeyondHttps(GraphCheck):
    id = "SOV-NET-001"
    rule = pulumigraph.public_ingress


check = PublicIngressBeyondHttps()
