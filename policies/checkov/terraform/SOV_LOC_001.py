"""checkov entry of SOV-LOC-001, generated from its home: the check is SOV-LOC-001/SOV_LOC_001.py."""

from sovstack.checks.homes import from_home

check = from_home(__file__)
