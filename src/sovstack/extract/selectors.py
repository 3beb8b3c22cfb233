"""Channel facts of settings that pick or address a messenger generically, without its URL written out:

- a notifier selector: a setting named by a notification word whose value is a messenger's type name
  (Watchtower's WATCHTOWER_NOTIFICATIONS=email,slack, notification_type: telegram, NOTIFY_PROVIDER=discord,
  alerting: {provider: teams});
- a messenger destination: a setting named after a messenger and where it delivers (TELEGRAM_ROOM=...,
  `-e WATCHTOWER_NOTIFICATION_SLACK_CHANNEL=#ops` in a docker run command) with a value, where the credential
  extractor (SOV-MSG-008) does not already read it;
- an address held in a variable: a url/webhook/endpoint setting whose whole value is a reference the resolver
  cannot resolve (`url: {{ GRAFANA_ALERT_DISCORD_URL }}`, `${SLACK_WEBHOOK}`, `{{ .Values.telegramUrl }}`), the
  variable named after a messenger and an address. A reference that resolves is left to `resolved_channels`.

Settings are read from parsed data (keys, Kubernetes `{name, value}` env entries, compose `- NAME=value`
strings) and from text lines (env files, `export NAME=`, `-e NAME=`, `--env NAME=`, `--env=NAME=`). Table rows
of a data file (`{team: x, slack_channel: "#x"}`) are records, not configuration (credentials._records)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterator

from sovstack import resolve
from sovstack.checks.walk import code_lines, is_documentation
from sovstack.collect.document import Document
from sovstack.extract import credentials
from sovstack.facts import Channel, Origin, Workspace, extractor
from sovstack.rules import channels as kb
from sovstack.rules import messengers

SELECTOR = "notifier-selector"  # a notification setting whose value names a messenger
DESTINATION = "messenger-destination"  # a messenger-named destination setting with a value
VARIABLE_URL = "variable-url"  # an address setting holding only an unresolved messenger-named variable
HOWS = frozenset({SELECTOR, DESTINATION, VARIABLE_URL})

NAME = r"[A-Za-z_][\w.-]*"
VALUE = r"(?P<value>\"[^\"]*\"|'[^']*'|[^\s#;&|]*)"
# NAME=value at the start of a line (env files, export, ENV) or after -e / --env / --env= (docker, podman, kubectl)
LINE_RE = re.compile(rf"^\s*(?:export\s+|ENV\s+|set\s+|-\s+)?[\"']?(?P<name>{NAME})[\"']?\s*[=:]\s*{VALUE}")
FLAG_RE = re.compile(rf"(?<!\S)(?:-e|--env)(?:\s+|=)[\"']?(?P<name>{NAME})=(?P<value>\"[^\"]*\"|'[^']*'|[^\s\"']*)")
# A whole value that is one variable reference: {{ name }}, {{ .Values.name }}, ${NAME}, ${NAME:-x}, $NAME
ONLY_REF_RE = re.compile(r"\{\{-?\s*\.?(?P<j>[A-Za-z_$][\w.$]*)\s*(?:\|[^{}]*)?-?\}\}|\$\{(?P<b>[A-Za-z_]\w*)(?:[:?+-][^{}]*)?\}"
                         r"|\$(?P<s>[A-Za-z_]\w*)")
# a command-line option that selects notifiers (watchtower --notifications slack, --notification-type=telegram)
OPTION_RE = re.compile(r"(?<!\S)--(?P<name>[a-z][a-z0-9-]*)(?:=|\s+)(?P<value>\"[^\"]*\"|'[^']*'|[^\s\"'\\]+)")
TOKEN_RE = re.compile(r"[A-Za-z][\w.-]*")
EMPTY_VALUES = ("", "null", "~", "none", "false", "true", "no", "yes", "0", "1")


@lru_cache(maxsize=1)
def _kb() -> dict[str, Any]:
    return kb.data()["notify_selectors"]


def _set(field: str) -> frozenset[str]:
    return frozenset(_kb()[field])


def _joined(ws: list[str]) -> set[str]:
    return set(ws) | {f"{a}_{b}" for a, b in zip(ws, ws[1:])} | {a + b for a, b in zip(ws, ws[1:])}


def value_messenger(value: Any) -> str | None:
    """Messenger a selector's value names: one type name or a short list of them (`email,slack`, `email slack`,
    [email, slack]); None for prose, URLs or anything that is not a list of plain names."""
    if isinstance(value, list):
        items = [v for v in value if isinstance(v, str)]
        if len(items) != len(value) or not 1 <= len(items) <= 8:
            return None
        tokens = [t for v in items for t in re.split(r"[\s,;|]+", v.strip()) if t]
    elif isinstance(value, str):
        tokens = [t for t in re.split(r"[\s,;|]+", value.strip().strip("\"'")) if t]
    else:
        return None
    if not 1 <= len(tokens) <= 6 or not all(TOKEN_RE.fullmatch(t) for t in tokens):
        return None
    names, extra = messengers.index("name_words"), _kb()["values"]
    for t in tokens:
        low = t.lower().replace("-", "_")
        mid = names.get(low) or extra.get(low)
        if mid:
            return mid
    return None


def is_selector_name(name: str, parent: str | None = None) -> bool:
    """A setting that selects notifiers: named by a notification word (WATCHTOWER_NOTIFICATIONS, notify_provider),
    or a generic key (type, provider) in a block named by one (alerting: {provider: ...})."""
    ws = messengers.words(name)
    if set(ws) & _set("name_words"):
        return True
    return parent is not None and name.lower() in _set("generic_keys") and bool(
        set(messengers.words(parent)) & _set("name_words"))


def selector(name: str, value: Any, parent: str | None = None) -> str | None:
    """Messenger a notifier selector picks, or None. A label (notification_slack: "Slack" in a UI string table)
    names the messenger in its own key: that is not a choice."""
    if not is_selector_name(name, parent):
        return None
    mid = value_messenger(value)
    if mid and messengers.messenger_in_words(messengers.words(name)) == mid:
        return None
    return mid


def destination(name: str, value: Any) -> str | None:
    """Messenger of a setting named after a messenger and where it delivers (TELEGRAM_ROOM, SLACK_CHANNEL), with
    a value."""
    if not isinstance(value, (str, int)) or isinstance(value, bool) or str(value).strip().strip("\"'").lower() in EMPTY_VALUES:
        return None
    text = str(value).strip().strip("\"'")
    if re.search(r"\s", text):
        return None  # prose (a UI string table's label), not a channel, chat, room or hook
    mid, rest = _messenger_and_rest(messengers.words(name))
    return mid if mid and _joined(rest) & _set("destination_words") else None


def _messenger_and_rest(ws: list[str]) -> tuple[str | None, list[str]]:
    """The messenger a name's words name and the words left around it (GoogleChatRoom -> googlechat, [room]):
    the word "chat" of Google Chat is not a destination."""
    table = messengers.index("name_words")
    for i, w in enumerate(ws):
        if i + 1 < len(ws) and f"{w}_{ws[i + 1]}" in table:
            return table[f"{w}_{ws[i + 1]}"], ws[:i] + ws[i + 2:]
        if w in table:
            return table[w], ws[:i] + ws[i + 1:]
    return None, ws


def only_destination(name: str) -> bool:
    """The name says only where (slack_channel, telegram_chat, discord_room), not how: a column of a table."""
    weak = {"channel", "chat", "chat_id", "chatid", "room"}
    ws = _joined(messengers.words(name))
    creds = ws & (_set("destination_words") | set(messengers._data().get("credential_words") or []))
    return bool(creds) and creds <= weak


def is_address_key(name: str) -> bool:
    ws = messengers.words(name)
    return bool(ws) and (ws[-1] in _set("address_keys") or "".join(ws[-2:]) in _set("address_keys"))


def reference_name(value: Any) -> str | None:
    """The variable a value is made of alone ({{ x }}, {{ .Values.x }}, ${X}, ${X:-}, $X), its last dotted part."""
    if not isinstance(value, str):
        return None
    m = ONLY_REF_RE.fullmatch(value.strip().strip("\"'").strip())
    if not m:
        return None
    return next(g for g in m.groups() if g).split(".")[-1].lstrip("$")


def variable_messenger(name: str) -> str | None:
    """Messenger of a variable named after a messenger address (GRAFANA_ALERT_DISCORD_URL, slackWebhook)."""
    ws = messengers.words(name)
    mid = messengers.messenger_in_words(ws)
    return mid if mid and _joined(ws) & _set("address_words") else None


def _resolves(value: str, doc: Document) -> bool:
    try:
        return any(c.text() != value and c.text() and c.chain for c in resolve.any_value(value, doc))
    except Exception:  # noqa: BLE001 - a resolver failure leaves the reference unresolved
        return False


def _ch(mid: str, line: int | None, how: str, what: str, doc: Document, **kw: Any) -> Channel:
    return Channel(service=mid, line=line, how=how, chain=[Origin(doc.rel, line, what)], **kw)


def _judge(doc: Document, name: str, value: Any, line: int | None, parent: str | None, record: bool,
           credential_read: bool) -> Iterator[Channel]:
    mid = selector(name, value, parent)
    if mid:
        shown = value if isinstance(value, str) else ",".join(map(str, value))
        yield _ch(mid, line, SELECTOR, f"notifier selector {name}={shown[:60]}", doc, resource=f"setting.{name}")
        return
    mid = destination(name, value)
    if mid and (record and only_destination(name) or credential_read and messengers.messenger_for_identifier(name)
                or next(messengers.find_endpoints(str(value)), None)):
        return  # a column of a table; read by the credential extractor; the API URL itself (SOV-MSG-007)
    if mid:
        yield _ch(mid, line, DESTINATION, f"{messengers.messenger_name(mid)} destination {name} is set", doc,
                  resource=f"setting.{name}", credential_ref=name)
        return
    ref = reference_name(value) if is_address_key(name) else None
    mid = variable_messenger(ref) if ref else None
    if mid and not _resolves(value, doc):
        yield _ch(mid, line, VARIABLE_URL, f"{name}: URL held in a variable named after "
                  f"{messengers.messenger_name(mid)} ({ref}, not resolved here)", doc, resource=f"setting.{name}",
                  credential_ref=ref)


@lru_cache(maxsize=1)
def _gate() -> re.Pattern[str]:
    """Every fact here needs a messenger's name in the text (a selector's value, a setting's or a variable's
    name): a file without one is passed over in one scan."""
    names = set(messengers.index("name_words")) | set(_kb()["values"])
    return re.compile("|".join(re.escape(w).replace("_", "[_\\-\\s]?")
                               for w in sorted(names, key=len, reverse=True)))


@extractor("any", hows=HOWS)
def selector_channels(doc: Document, ws: Workspace) -> Iterator[Channel]:
    if doc.kind.value == "source" or not _gate().search((doc.text or "").lower()):
        return
    seen: set[tuple[int | None, str]] = set()
    for fact in _facts(doc):
        if (fact.line, fact.service) not in seen:
            seen.add((fact.line, fact.service))
            yield fact


def _facts(doc: Document) -> Iterator[Channel]:
    # the credential extractor reads these settings already, except in Kubernetes manifests (the workload
    # extractor reads those) and -e/--env flags in the middle of a command line
    cred = doc.kind.value not in credentials.SKIP_KINDS
    if doc.structured and doc.data:
        records = credentials._records(doc.data)
        for d, parent, path in _mappings(doc.data):
            if is_documentation(path):
                continue
            for key, value in d.items():
                k = str(key)
                if k.startswith("__") or isinstance(value, dict):
                    continue
                yield from _judge(doc, k, value, doc.key_line(d, key), parent, id(d) in records, cred)
            if isinstance(d.get("name"), str) and "value" in d:
                yield from _judge(doc, d["name"], d["value"], doc.key_line(d, "value") or d.get("__startline__"),
                                  None, False, True)  # the credential or workload extractor reads the name
        for s in doc.scalars:
            if not s.is_key and "=" in s.value and "\n" not in s.value and not is_documentation(s.path):
                for m in [LINE_RE.match(s.value), *FLAG_RE.finditer(s.value)]:
                    if m and "=" in m.group(0):
                        yield from _judge(doc, m.group("name"), _unquote(m.group("value")), s.line, None, False,
                                          cred and m.re is LINE_RE)
            if not s.is_key and "--" in s.value and not is_documentation(s.path):
                yield from _options(doc, s.line, s.value)
        return
    for n, line in code_lines(doc):
        m = LINE_RE.match(line)
        if m and m.group("value"):
            yield from _judge(doc, m.group("name"), _unquote(m.group("value")), n, None, False, cred)
        for m in FLAG_RE.finditer(line):
            yield from _judge(doc, m.group("name"), _unquote(m.group("value")), n, None, False, False)
        yield from _options(doc, n, line)


def _options(doc: Document, line_no: int, line: str) -> Iterator[Channel]:
    if "--" not in line:
        return
    for m in OPTION_RE.finditer(line):
        mid = selector(m.group("name"), _unquote(m.group("value")))
        if mid:
            yield _ch(mid, line_no, SELECTOR, f"notifier selector --{m.group('name')} {_unquote(m.group('value'))[:60]}",
                      doc, resource=f"option.{m.group('name')}")


def _unquote(value: str) -> str:
    v = value.strip()
    return v[1:-1] if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'" else v


def _mappings(node: Any, parent: str | None = None, path: tuple[str, ...] = (), depth: int = 0
              ) -> Iterator[tuple[dict, str | None, tuple[str, ...]]]:
    """Every mapping with the key it sits under (a list's items under the list's key) and its key path."""
    if depth > 60:
        return
    if isinstance(node, dict):
        yield node, parent, path
        for k, v in node.items():
            if not str(k).startswith("__") and isinstance(v, (dict, list)):
                yield from _mappings(v, str(k), path + (str(k),), depth + 1)
    elif isinstance(node, list):
        for v in node:
            yield from _mappings(v, parent, path, depth + 1)
