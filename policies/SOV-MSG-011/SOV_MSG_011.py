"""SOV-MSG-011: notification path to a foreign messenger, recognised from its channel fact wherever it came from
(router URL scheme, Bot API path, CI action, operator resource, notifier image or unit, bot SDK, flow node).
Channels that a specific policy reads by their `how` (Alertmanager receivers: SOV-MSG-004, endpoint URLs:
SOV-MSG-007, workload env: SOV-MSG-009, ...) are reported there, with that policy's message."""

from sovstack.checks.base import Hit, NativeCheck
from sovstack.extract import alerting, ansible, credentials, endpoints, kubernetes, terraform
from sovstack.extract import channels, pipelines, selectors, source  # noqa: F401  (registers the channel extractors)
from sovstack.facts import Channel, of
from sovstack.rules import messengers, sourcecode

# the hows the specific policies SOV-MSG-001..010 read and report with their own messages
SPECIFIC = alerting.HOWS | ansible.HOWS | credentials.HOWS | endpoints.HOWS | kubernetes.HOWS | terraform.HOWS


class ForeignMessengerChannel(NativeCheck):
    id = "SOV-MSG-011"
    kinds = ("any",)
    fallback = True  # a specific policy (receiver, contact point, workload env) on the same line wins

    def scan(self, doc):
        if sourcecode.is_test_source(doc):
            return  # a program's tests are not part of what runs (rules/sourcecode.py)
        seen = set()
        for fact in of(doc):
            if not isinstance(fact, Channel) or fact.how in SPECIFIC or (fact.line, fact.service) in seen:
                continue
            seen.add((fact.line, fact.service))
            what = fact.chain[-1].note if fact.chain else fact.how
            if fact.how.startswith("resolved") and fact.chain:
                what = f"{fact.endpoint} (a resolved value; see its chain)"
            yield Hit(f"{messengers.label(fact.service)} notification path: {what}", line=fact.line,
                      resource=fact.resource, chain=fact.chain)


check = ForeignMessengerChannel()
