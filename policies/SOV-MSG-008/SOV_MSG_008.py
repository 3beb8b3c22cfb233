"""SOV-MSG-008: foreign-messenger credential (token pattern, webhook secret, TELEGRAM_BOT_TOKEN-like variable)."""

from sovstack.checks.base import Hit, NativeCheck
from sovstack.extract import credentials
from sovstack.facts import of
from sovstack.rules import sourcecode


class ForeignMessengerCredential(NativeCheck):
    id = "SOV-MSG-008"
    kinds = ("any",)
    skip_kinds = credentials.SKIP_KINDS  # SOV-MSG-009 reads Kubernetes workloads with their structure

    def scan(self, doc):
        if sourcecode.is_test_source(doc):
            return  # a program's tests are not part of what runs (rules/sourcecode.py)
        lines = set()
        for fact in of(doc, hows=credentials.HOWS):  # named settings first, then token patterns
            if fact.line not in lines:  # one finding per line
                lines.add(fact.line)
                yield Hit(fact.message, line=fact.line)


check = ForeignMessengerCredential()
