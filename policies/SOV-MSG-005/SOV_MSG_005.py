"""SOV-MSG-005: Grafana alerting contact point (or legacy notifier) of a foreign-messenger type."""

from sovstack.checks.base import Hit, NativeCheck
from sovstack.checks.walk import all_dicts
from sovstack.rules import messengers


class GrafanaForeignContactPoint(NativeCheck):
    id = "SOV-MSG-005"
    kinds = ("grafana", "yaml", "json", "template")

    def scan(self, doc):
        types = messengers.index("grafana_types")
        for d in all_dicts(doc):
            kind = d.get("type")
            if not isinstance(kind, str) or kind.lower() not in types:
                continue
            if doc.kind.value != "grafana" and not ({"settings", "uid", "orgId", "org_id"} & set(d)):
                continue  # a bare `type: slack` elsewhere is not a contact point
            mid = types[kind.lower()]
            yield Hit(f"contact point {d.get('name') or d.get('uid') or '?'!r} is of type {kind}: "
                      f"{messengers.label(mid)}", line=doc.key_line(d, "type"),
                      resource=f"contact-point.{d.get('uid') or d.get('name') or '?'}")


check = GrafanaForeignContactPoint()
