"""checkov entry of SOV-MSG-001, generated from its home: the check is SOV-MSG-001/SOV_MSG_001.py."""

from sovstack.checks.homes import from_home

check = from_home(__file__)
