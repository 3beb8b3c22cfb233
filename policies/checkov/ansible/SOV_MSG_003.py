"""checkov entry of SOV-MSG-003, generated from its home: the check is SOV-MSG-003/SOV_MSG_003.py."""

from sovstack.checks.homes import from_home

check = from_home(__file__)
