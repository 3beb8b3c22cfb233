"""checkov entry of SOV-RES-002, generated from its home: the check is SOV-RES-002/SOV_RES_002.py."""

from sovstack.checks.homes import from_home

check = from_home(__file__)
