"""SOV-MSG-005: Grafana alerting contact point (or legacy notifier) of a foreign-messenger type."""

from sovstack.checks.base import Hit, NativeCheck
from sovstack.extract import alerting
from sovstack.facts import of


class GrafanaForeignContactPoint(NativeCheck):
    id = "SOV-MSG-005"
    kinds = alerting.GRAFANA_KINDS

    def scan(self, doc):
        for fact in of(doc, hows={alerting.CONTACT_POINT}):
            yield Hit(fact.message, line=fact.line, resource=fact.resource)


check = GrafanaForeignContactPoint()
