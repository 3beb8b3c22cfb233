"""SOV-MSG-004: Alertmanager receiver of a foreign-messenger type, global messenger API URL, or webhook to one."""

import re

from sovstack.checks.base import Hit, NativeCheck
from sovstack.checks.walk import EMPTY, all_dicts
from sovstack.rules import messengers
from sovstack.rules.placement import snake


class AlertmanagerForeignReceiver(NativeCheck):
    id = "SOV-MSG-004"
    # receivers also live in Helm values, AlertmanagerConfig resources and JSON exports
    kinds = ("alertmanager", "yaml", "json", "kubernetes", "template")

    def scan(self, doc):
        receivers = messengers.index("alertmanager_receivers")
        globals_ = messengers.index("alertmanager_globals")
        for d in all_dicts(doc):
            for key, value in d.items():
                k = snake(str(key))
                if k in receivers and value not in EMPTY and ("name" in d or doc.kind.value == "alertmanager"):
                    mid = receivers[k]
                    if _self_hosted(mid, value, doc):
                        continue
                    yield Hit(f"receiver {d.get('name', '?')!r} sends alerts to {messengers.label(mid)} ({key})",
                              line=doc.key_line(d, key), resource=f"receiver.{d.get('name', '?')}")
                elif k in globals_ and value not in EMPTY:
                    mid = globals_[k]
                    yield Hit(f"global {key} configures {messengers.label(mid)}", line=doc.key_line(d, key),
                              resource="global")
                elif k == "webhook_configs" and isinstance(value, list):
                    for w in value:
                        url = w.get("url") if isinstance(w, dict) else None
                        ep = next(messengers.find_endpoints(url), None) if isinstance(url, str) else None
                        if ep:
                            yield Hit(f"receiver {d.get('name', '?')!r} webhook posts to {messengers.label(ep.messenger)}",
                                      line=doc.key_line(w, "url"), resource=f"receiver.{d.get('name', '?')}")


def _self_hosted(mid: str, configs, doc) -> bool:
    """Slack-compatible receivers whose every api_url is a literal URL to a host that is not the messenger's
    (a self-hosted Mattermost or Rocket.Chat speaks the Slack webhook format). Unknown URLs fail closed."""
    if not isinstance(configs, list) or not configs:
        return False
    urls = [c.get("api_url") if isinstance(c, dict) else None for c in configs]
    return all(isinstance(u, str) and re.match(r"^https?://[\w.-]+", u) and "{{" not in u and "${" not in u
               and not next(messengers.find_endpoints(u), None) and messengers.endpoint_for(
                   re.match(r"^https?://([\w.-]+)", u).group(1), "/") is None for u in urls)


check = AlertmanagerForeignReceiver()
