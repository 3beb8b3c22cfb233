"""checkov entry of SOV-RES-004, generated from its home: the check is SOV-RES-004/SOV_RES_004.py."""

from sovstack.checks.homes import from_home

check = from_home(__file__)
