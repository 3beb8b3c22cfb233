"""SOV-MSG-004: Alertmanager receiver of a foreign-messenger type, global messenger API URL, or webhook to one."""

from sovstack.checks.base import Hit, NativeCheck
from sovstack.extract import alerting
from sovstack.facts import of


class AlertmanagerForeignReceiver(NativeCheck):
    id = "SOV-MSG-004"
    # receivers also live in Helm values, AlertmanagerConfig resources and JSON exports
    kinds = alerting.ALERTMANAGER_KINDS

    def scan(self, doc):
        for fact in of(doc, hows=alerting.ALERTMANAGER):
            yield Hit(fact.message, line=fact.line, resource=fact.resource)


check = AlertmanagerForeignReceiver()
