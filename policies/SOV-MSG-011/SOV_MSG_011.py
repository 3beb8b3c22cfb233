"""SOV-MSG-011: notification path to a foreign messenger, recognised from its channel fact wherever it came from
(router URL scheme, Bot API path, CI action, operator resource, notifier image or unit, bot SDK, flow node)."""

from sovstack.checks.base import Hit, NativeCheck
from sovstack.extract import channels, pipelines, source  # noqa: F401  (registers the channel extractors)
from sovstack.facts import Channel, extract
from sovstack.rules import messengers, sourcecode


class ForeignMessengerChannel(NativeCheck):
    id = "SOV-MSG-011"
    kinds = ("any",)
    fallback = True  # a specific policy (receiver, contact point, workload env) on the same line wins

    def scan(self, doc):
        if sourcecode.is_test_source(doc):
            return  # a program's tests are not part of what runs (rules/sourcecode.py)
        seen = set()
        for fact in extract(doc):
            if not isinstance(fact, Channel) or (fact.line, fact.service) in seen:
                continue
            seen.add((fact.line, fact.service))
            what = fact.chain[-1].note if fact.chain else fact.how
            if fact.how.startswith("resolved") and fact.chain:
                what = f"{fact.endpoint} (a resolved value; see its chain)"
            yield Hit(f"{messengers.label(fact.service)} notification path: {what}", line=fact.line,
                      resource=fact.resource, chain=fact.chain)


check = ForeignMessengerChannel()
