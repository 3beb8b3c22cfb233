"""Recognises foreign-messenger endpoints, modules, receivers, credentials and notifier names."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterator

from sovstack.rules import knowledge

# A URL or a bare host name with at least one dot, an optional port and path.
URL_RE = re.compile(
    r"(?i)(?:(?:https?|wss?)://)?(?P<host>(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})"
    r"(?::\d{1,5})?(?P<path>/[^\s'\"<>`)\]},;]*)?"
)
# Template and shell references to a variable: {{ name }}, ${NAME}, $NAME, %NAME%, {$NAME}, var.name.
VAR_REF_RE = re.compile(
    r"\{\{\s*(?P<j>[A-Za-z_][\w.]*)[^}]*\}\}|\$\{(?P<b>[A-Za-z_][\w.]*)[^}]*\}|\$(?P<s>[A-Za-z_]\w*)"
    r"|%(?P<w>[A-Za-z_]\w*)%|\{\$(?P<z>[A-Z_][A-Z0-9_.]*)\}|\bvar\.(?P<t>[A-Za-z_]\w*)"
)
CAMEL_RE = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


@dataclass(frozen=True)
class EndpointHit:
    messenger: str
    name: str
    rkn_listed: bool
    matched: str
    start: int
    end: int


def _data() -> dict[str, Any]:
    return knowledge.messengers()


def messenger_name(mid: str) -> str:
    return _data()["messengers"][mid]["name"]


def is_rkn_listed(mid: str) -> bool:
    return bool(_data()["messengers"][mid].get("rkn_listed"))


@lru_cache(maxsize=1)
def _endpoints() -> list[tuple[str, str, str | None, re.Pattern[str] | None]]:
    out = []
    for mid, m in _data()["messengers"].items():
        for ep in m.get("endpoints") or []:
            rx = re.compile(ep["path_regex"]) if ep.get("path_regex") else None
            out.append((mid, ep["host"].lower(), ep.get("path"), rx))
    return out


def _host_matches(host: str, pattern: str) -> bool:
    if pattern.startswith("."):
        return host.endswith(pattern) and host != pattern[1:]
    return host == pattern


def endpoint_for(host: str, path: str | None) -> str | None:
    """The messenger whose API lives at host (+path), or None."""
    host = host.lower().rstrip(".")
    if host in _domestic():
        return None
    for mid, pattern, prefix, rx in _endpoints():
        if not _host_matches(host, pattern):
            continue
        if prefix and not (path or "").startswith(prefix):
            continue
        if rx and not rx.search(path or ""):
            continue
        return mid
    return None


@lru_cache(maxsize=1)
def _domestic() -> frozenset[str]:
    return frozenset(h.lower() for h in _data().get("domestic_endpoints") or [])


def find_endpoints(text: str) -> Iterator[EndpointHit]:
    """Every foreign-messenger API endpoint mentioned in text."""
    if "." not in text:
        return
    for m in URL_RE.finditer(text):
        mid = endpoint_for(m.group("host"), m.group("path"))
        if mid:
            yield EndpointHit(mid, messenger_name(mid), is_rkn_listed(mid), m.group(0), m.start(), m.end())


@lru_cache(maxsize=1)
def _modules() -> dict[str, str]:
    return {mod: mid for mid, m in _data()["messengers"].items() for mod in m.get("ansible_modules") or []}


def messenger_for_module(module: str) -> str | None:
    return _modules().get(module)


def ansible_modules() -> list[str]:
    return sorted(_modules())


def _index(field: str) -> dict[str, str]:
    return {name: mid for mid, m in _data()["messengers"].items() for name in m.get(field) or []}


@lru_cache(maxsize=8)
def index(field: str) -> dict[str, str]:
    """name -> messenger for one field of messengers.yaml (alertmanager_receivers, grafana_types, ...)."""
    return _index(field)


def words(identifier: str) -> list[str]:
    ident = CAMEL_RE.sub("_", identifier)
    return [w for w in re.split(r"[^A-Za-z0-9]+", ident.lower()) if w]


@lru_cache(maxsize=1)
def _name_words() -> dict[str, str]:
    return index("name_words")


def messenger_in_words(ws: list[str]) -> str | None:
    table = _name_words()
    for i, w in enumerate(ws):
        if w in table:
            return table[w]
        if i + 1 < len(ws) and f"{w}_{ws[i + 1]}" in table:
            return table[f"{w}_{ws[i + 1]}"]
    return None


def messenger_for_identifier(identifier: str) -> str | None:
    """A variable or key named after a messenger credential or endpoint (TELEGRAM_BOT_TOKEN, discord_webhook)."""
    ws = words(identifier)
    mid = messenger_in_words(ws)
    if not mid:
        return None
    creds = set(_data().get("credential_words") or [])
    return mid if _joined(ws) & creds else None


def _joined(ws: list[str]) -> set[str]:
    return set(ws) | {f"{a}_{b}" for a, b in zip(ws, ws[1:])} | {a + b for a, b in zip(ws, ws[1:])}


def names_only_a_destination(identifier: str) -> bool:
    """A messenger-named key whose only credential word is a destination (slack_channel, telegram_chat_id):
    it says where, not how; on its own, in a data record, it is not a notification path."""
    weak = set(_data().get("destination_words") or [])
    found = _joined(words(identifier)) & set(_data().get("credential_words") or [])
    return bool(found) and found <= weak


def messenger_for_notifier_name(name: str) -> str | None:
    """A script, unit, config or template named as a messenger notifier (notify-discord, telegram-notification.sh)."""
    base = re.split(r"[/\\]", name.strip())[-1] if name else ""
    ws = words(base)
    mid = messenger_in_words(ws)
    if not mid:
        return None
    notifier = set(_data().get("notifier_words") or [])
    return mid if notifier & set(ws) else None


def variable_refs(text: str) -> list[str]:
    out = []
    for m in VAR_REF_RE.finditer(text):
        name = next(g for g in m.groups() if g)
        out.append(name.split(".")[-1] if m.group("t") is None else name)
    return out


def messenger_for_reference(text: str) -> str | None:
    """A templated value whose variable is named after a messenger endpoint (url: "{{ slack_webhook_url }}")."""
    for name in variable_refs(text):
        mid = messenger_for_identifier(name)
        if mid:
            return mid
    return None


@lru_cache(maxsize=1)
def token_patterns() -> list[tuple[str, re.Pattern[str]]]:
    """Each messenger's credential shapes from the catalogue (bot tokens, webhook paths), compiled."""
    return [
        (mid, re.compile(p))
        for mid, m in _data()["messengers"].items()
        for p in m.get("token_patterns") or []
    ]


def label(mid: str) -> str:
    return f"{messenger_name(mid)}{' (Roskomnadzor list)' if is_rkn_listed(mid) else ''}"


def find_tokens(text: str) -> Iterator[tuple[str, re.Match[str]]]:
    for mid, rx in token_patterns():
        for m in rx.finditer(text):
            yield mid, m
