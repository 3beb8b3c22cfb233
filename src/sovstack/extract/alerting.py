"""Channel facts of alerting configurations: Alertmanager receivers, global messenger settings and webhooks
(SOV-MSG-004), Grafana contact points and legacy notifiers (SOV-MSG-005), Zabbix media types (SOV-MSG-006).
Alertmanager receivers are also read where they are embedded: Helm values, AlertmanagerConfig resources, JSON
exports, a ConfigMap's alertmanager.yml (through the engine's embedded documents)."""

from __future__ import annotations

import re
from typing import Any, Iterator

from sovstack.checks.walk import EMPTY, all_dicts
from sovstack.collect.document import Document
from sovstack.facts import Channel, Workspace, extractor, locator
from sovstack.rules import messengers
from sovstack.rules.placement import snake

RECEIVER = "alertmanager-receiver"
GLOBAL = "alertmanager-global"
WEBHOOK = "alertmanager-webhook"
ALERTMANAGER = frozenset({RECEIVER, GLOBAL, WEBHOOK})
CONTACT_POINT = "grafana-contact-point"
ZABBIX = "zabbix-media"
HOWS = ALERTMANAGER | {CONTACT_POINT, ZABBIX}

ALERTMANAGER_KINDS = ("alertmanager", "yaml", "json", "kubernetes", "template")
GRAFANA_KINDS = ("grafana", "yaml", "json", "template")


@extractor(*ALERTMANAGER_KINDS, hows=ALERTMANAGER)
def alertmanager_channels(doc: Document, ws: Workspace) -> Iterator[Channel]:
    """Receivers of a messenger type (telegram_configs, slack_configs...), global messenger settings
    (slack_api_url) and webhook_configs whose URL is a messenger's API. A receiver outside an Alertmanager file
    counts when it is named (a mapping with `name`). Slack-compatible receivers that post to a self-hosted
    Mattermost or Rocket.Chat (every api_url a literal URL to another host) are not channels to Slack."""
    receivers = messengers.index("alertmanager_receivers")
    globals_ = messengers.index("alertmanager_globals")
    for d in all_dicts(doc):
        name = d.get("name", "?")
        for key, value in d.items():
            k = snake(str(key))
            if k in receivers and value not in EMPTY and ("name" in d or doc.kind.value == "alertmanager"):
                mid = receivers[k]
                if _self_hosted(mid, value):
                    continue
                yield Channel(service=mid, how=RECEIVER, line=doc.key_line(d, key), resource=f"receiver.{name}",
                              handle=str(name), endpoint=_first_url(value),
                              message=f"receiver {name!r} sends alerts to {messengers.label(mid)} ({key})")
            elif k in globals_ and value not in EMPTY:
                mid = globals_[k]
                yield Channel(service=mid, how=GLOBAL, line=doc.key_line(d, key), resource="global",
                              endpoint=value if isinstance(value, str) else None,
                              message=f"global {key} configures {messengers.label(mid)}")
            elif k == "webhook_configs" and isinstance(value, list):
                for w in value:
                    url = w.get("url") if isinstance(w, dict) else None
                    ep = next(messengers.find_endpoints(url), None) if isinstance(url, str) else None
                    if ep:
                        yield Channel(service=ep.messenger, how=WEBHOOK, line=doc.key_line(w, "url"),
                                      resource=f"receiver.{name}", handle=str(name), endpoint=ep.matched,
                                      message=f"receiver {name!r} webhook posts to {messengers.label(ep.messenger)}")


def _first_url(configs: Any) -> str | None:
    for c in configs if isinstance(configs, list) else ():
        for k in ("api_url", "url", "webhook_url"):
            if isinstance(c, dict) and isinstance(c.get(k), str):
                return c[k]
    return None


def _self_hosted(mid: str, configs: Any) -> bool:
    """Slack-compatible receivers whose every api_url is a literal URL to a host that is not the messenger's
    (a self-hosted Mattermost or Rocket.Chat speaks the Slack webhook format). Unknown URLs fail closed."""
    if not isinstance(configs, list) or not configs:
        return False
    urls = [c.get("api_url") if isinstance(c, dict) else None for c in configs]
    return all(isinstance(u, str) and re.match(r"^https?://[\w.-]+", u) and "{{" not in u and "${" not in u
               and not next(messengers.find_endpoints(u), None) and messengers.endpoint_for(
                   re.match(r"^https?://([\w.-]+)", u).group(1), "/") is None for u in urls)


@extractor(*GRAFANA_KINDS, hows={CONTACT_POINT})
def grafana_channels(doc: Document, ws: Workspace) -> Iterator[Channel]:
    """Grafana contact points and legacy notification channels of a messenger type. Outside a Grafana
    provisioning file a `type: slack` counts only in a mapping shaped like one (settings, uid, orgId)."""
    types = messengers.index("grafana_types")
    for d in all_dicts(doc):
        kind = d.get("type")
        if not isinstance(kind, str) or kind.lower() not in types:
            continue
        if doc.kind.value != "grafana" and not ({"settings", "uid", "orgId", "org_id"} & set(d)):
            continue  # a bare `type: slack` elsewhere is not a contact point
        mid = types[kind.lower()]
        name = d.get("name") or d.get("uid") or "?"
        yield Channel(service=mid, how=CONTACT_POINT, line=doc.key_line(d, "type"), handle=str(name),
                      resource=f"contact-point.{d.get('uid') or d.get('name') or '?'}",
                      message=f"contact point {name!r} is of type {kind}: {messengers.label(mid)}")


def _media_types(export: Any) -> Iterator[dict]:
    for key in ("media_types", "mediatypes"):
        items = export.get(key) if isinstance(export, dict) else None
        if isinstance(items, list):
            yield from (m for m in items if isinstance(m, dict))


@extractor("zabbix", hows={ZABBIX})
def zabbix_channels(doc: Document, ws: Workspace) -> Iterator[Channel]:
    """Zabbix media types (YAML/JSON or XML exports) that call a messenger API, or are named after a messenger
    and run a webhook or script."""
    if doc.data and not isinstance(doc.data[0], dict):  # XML export
        yield from _xml(doc)
        return
    locate = locator(doc)
    for d in doc.data:
        for media in _media_types((d or {}).get("zabbix_export") if isinstance(d, dict) else None):
            yield from _media(doc, media, locate)


def _media(doc: Document, media: dict, locate) -> Iterator[Channel]:
    name = str(media.get("name", "?"))
    start, end = media.get("__startline__"), media.get("__endline__")
    for line in range(start or 1, (end or len(doc.lines)) + 1):
        ep = next(messengers.find_endpoints(doc.line_text(line)), None)
        if ep and not doc.is_comment(line):
            yield Channel(service=ep.messenger, how=ZABBIX, line=line, resource=f"media_type.{name}",
                          endpoint=ep.matched, message=f"media type {name!r} calls the {messengers.label(ep.messenger)} API")
            return
    mid = messengers.messenger_in_words(messengers.words(name))
    if mid and str(media.get("type", "")).upper() in ("WEBHOOK", "SCRIPT", "4", "1"):
        yield Channel(service=mid, how=ZABBIX, line=locate(needle=name, start=start, end=end),
                      resource=f"media_type.{name}",
                      message=f"media type {name!r} is a {messengers.label(mid)} {media.get('type')} media type")


def _xml(doc: Document) -> Iterator[Channel]:
    locate = locator(doc)
    root = doc.data[0]
    for media in root.iter("media_type"):
        name = media.findtext("name") or "?"
        text = " ".join(t for t in media.itertext())
        ep = next(messengers.find_endpoints(text), None)
        mid = ep.messenger if ep else messengers.messenger_in_words(messengers.words(name))
        if mid:
            yield Channel(service=mid, how=ZABBIX, line=locate(needle=ep.matched if ep else f"<name>{name}</name>"),
                          resource=f"media_type.{name}", endpoint=ep.matched if ep else None,
                          message=f"media type {name!r} sends to {messengers.label(mid)}")
