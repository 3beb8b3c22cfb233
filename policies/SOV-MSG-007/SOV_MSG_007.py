"""SOV-MSG-007: foreign messenger API endpoint in configuration, templates, scripts or code."""

from sovstack.checks.base import Hit, NativeCheck
from sovstack.checks.walk import value_texts
from sovstack.rules import messengers, sourcecode


class ForeignMessengerEndpoint(NativeCheck):
    id = "SOV-MSG-007"
    kinds = ("any",)
    fallback = True

    def scan(self, doc):
        if sourcecode.is_test_source(doc):
            return  # a program's tests are not part of what runs (rules/sourcecode.py)
        seen = set()
        # a host under a deny/block-list key (egress_guard_deny_hosts, blocked_domains) is what gets blocked
        for line, end, text in value_texts(doc, skip_blocklists=True):
            for ep in messengers.find_endpoints(text):
                at = doc.find_line(ep.matched, line, end) or line
                if at in seen or sourcecode.inert_use(doc, text, ep.matched):
                    continue  # in program source, an address only compared with or told in a message
                seen.add(at)
                yield Hit(f"{messengers.label(ep.messenger)} API endpoint {ep.matched}", line=at)


check = ForeignMessengerEndpoint()
