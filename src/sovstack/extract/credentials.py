"""Channel facts of messenger credentials (SOV-MSG-008): a setting named for a messenger's token, webhook or
chat (TELEGRAM_BOT_TOKEN, slack_webhook_url, `name: DISCORD_WEBHOOK` with a value) that has a value, in parsed
data, KEY=value strings or assignments in scripts and env files; and token patterns of the messengers (bot
tokens, xoxb-..., webhook secrets) in any value. The value itself never leaves the extractor.

Kubernetes manifests are left to the workload extractor (sovstack.extract.kubernetes), which reads them with
their structure (env, envFrom, ConfigMap and Secret keys)."""

from __future__ import annotations

import re
from typing import Any, Iterator

from sovstack.checks.walk import EMPTY, all_dicts, code_lines, value_texts
from sovstack.collect.document import Document
from sovstack.facts import Channel, Workspace, extractor
from sovstack.rules import messengers

CREDENTIAL = "credential"  # a messenger-named setting with a value
TOKEN = "credential-token"  # a messenger token pattern in a value
HOWS = frozenset({CREDENTIAL, TOKEN})

ASSIGN = re.compile(r"^\s*(?:export\s+|set\s+|ENV\s+|-\s+)?[\"']?(?P<name>[A-Za-z_][\w.-]*)[\"']?\s*(?:=|:|\s)\s*(?P<value>\S.*)?$")
PLACEHOLDER_EMPTY = ("''", '""', "null", "~", "none", "false")
SKIP_KINDS = ("kubernetes",)


@extractor("any", hows=HOWS)
def credential_channels(doc: Document, ws: Workspace) -> Iterator[Channel]:
    """Messenger-named settings first (in document order), then token patterns."""
    if doc.kind.value in SKIP_KINDS:
        return
    yield from _names(doc)
    for line, end, text in value_texts(doc):
        for mid, m in messengers.find_tokens(text):
            at = doc.find_line(m.group(0)[:24], line, end) or line
            yield Channel(service=mid, how=TOKEN, line=at,
                          message=f"{messengers.label(mid)} credential in the file (masked in reports)")


def _cred(mid: str, name: str, line: int | None, message: str) -> Channel:
    return Channel(service=mid, how=CREDENTIAL, line=line, credential_ref=name, message=message)


def _names(doc: Document) -> Iterator[Channel]:
    if doc.structured and doc.data and doc.scalars:
        records = _records(doc.data)
        for d in all_dicts(doc):
            for key, value in d.items():
                mid = messengers.messenger_for_identifier(str(key)) if not str(key).startswith("__") else None
                if mid and id(d) in records and messengers.names_only_a_destination(str(key)):
                    continue  # a destination field of a data record (slack_channel of a team), not configuration
                if mid and value not in EMPTY:
                    yield _cred(mid, str(key), doc.key_line(d, key),
                                f"{messengers.label(mid)} credential or endpoint {key} is configured")
            if isinstance(d.get("name"), str) and ("value" in d or "valueFrom" in d):
                mid = messengers.messenger_for_identifier(d["name"])
                if mid:
                    yield _cred(mid, d["name"], d.get("__startline__"),
                                f"{messengers.label(mid)} credential {d['name']} is set")
        for s in doc.scalars:
            if not s.is_key and "=" in s.value and "\n" not in s.value:
                name, _, value = s.value.partition("=")
                mid = messengers.messenger_for_identifier(name.strip())
                if mid and value.strip() and re.fullmatch(r"[A-Za-z_][\w.-]*", name.strip()):
                    yield _cred(mid, name.strip(), s.line, f"{messengers.label(mid)} credential {name.strip()} is set")
        return
    if doc.kind.value in ("source",):
        return
    for n, line in code_lines(doc):
        m = ASSIGN.match(line)
        if not m or not m.group("value") or m.group("value").strip().lower() in PLACEHOLDER_EMPTY:
            continue
        mid = messengers.messenger_for_identifier(m.group("name"))
        if mid:
            yield _cred(mid, m.group("name"), n, f"{messengers.label(mid)} credential or endpoint {m.group('name')} is set")


def _records(data: Any) -> set[int]:
    """ids of mappings that are rows of a table: list elements whose siblings are mappings with the same keys."""
    out: set[int] = set()
    stack = [data]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            rows = [x for x in node if isinstance(x, dict)]
            if len(rows) >= 2 and len({frozenset(k for k in r if not str(k).startswith("__")) for r in rows}) <= max(1, len(rows) // 2):
                out.update(id(r) for r in rows)
            stack.extend(node)
        elif isinstance(node, dict):
            stack.extend(v for k, v in node.items() if not str(k).startswith("__"))
    return out
