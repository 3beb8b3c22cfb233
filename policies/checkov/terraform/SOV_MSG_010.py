"""checkov entry of SOV-MSG-010, generated from its home: the check is SOV-MSG-010/SOV_MSG_010.py."""

from sovstack.checks.homes import from_home

check = from_home(__file__)
