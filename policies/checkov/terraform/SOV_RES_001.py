"""checkov entry of SOV-RES-001, generated from its home: the check is SOV-RES-001/SOV_RES_001.py."""

from sovstack.checks.homes import from_home

check = from_home(__file__)
