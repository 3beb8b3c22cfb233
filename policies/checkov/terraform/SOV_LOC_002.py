"""checkov entry of SOV-LOC-002, generated from its home: the check is SOV-LOC-002/SOV_LOC_002.py."""

from sovstack.checks.homes import from_home

check = from_home(__file__)
