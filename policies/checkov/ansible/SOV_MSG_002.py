"""checkov entry of SOV-MSG-002, generated from its home: the check is SOV-MSG-002/SOV_MSG_002.py."""

from sovstack.checks.homes import from_home

check = from_home(__file__)
