"""SOV-MSG-006: Zabbix media type that sends to a foreign messenger."""

from sovstack.checks.base import Hit, NativeCheck
from sovstack.extract import alerting
from sovstack.facts import of


class ZabbixForeignMediaType(NativeCheck):
    id = "SOV-MSG-006"
    kinds = ("zabbix",)

    def scan(self, doc):
        for fact in of(doc, hows={alerting.ZABBIX}):
            yield Hit(fact.message, line=fact.line, resource=fact.resource)


check = ZabbixForeignMediaType()
