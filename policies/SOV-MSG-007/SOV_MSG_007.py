"""SOV-MSG-007: foreign messenger API endpoint in configuration, templates, scripts or code."""

from sovstack.checks.base import Hit, NativeCheck
from sovstack.extract import endpoints
from sovstack.facts import of
from sovstack.rules import sourcecode


class ForeignMessengerEndpoint(NativeCheck):
    id = "SOV-MSG-007"
    kinds = ("any",)
    fallback = True

    def scan(self, doc):
        if sourcecode.is_test_source(doc):
            return  # a program's tests are not part of what runs (rules/sourcecode.py)
        seen = set()
        for fact in of(doc, hows=endpoints.HOWS):
            if fact.line not in seen:  # one finding per line
                seen.add(fact.line)
                yield Hit(fact.message, line=fact.line)


check = ForeignMessengerEndpoint()
