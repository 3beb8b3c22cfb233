"""checkov entry of SOV-MSG-009, generated from its home: the check is SOV-MSG-009/SOV_MSG_009.py."""

from sovstack.checks.homes import from_home

check = from_home(__file__)
