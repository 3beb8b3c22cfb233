"""Entry point of the sovstack CrossGuard policy pack (started by the Pulumi CLI with --policy-pack)."""

from pulumi_policy import EnforcementLevel, PolicyPack

from sovstack.crossguard import policies

PolicyPack(name="sovstack", enforcement_level=EnforcementLevel.MANDATORY, policies=policies(),
           description="sovstack: data residency (152-FZ) and no foreign-messenger egress (149-FZ)")
