"""SOV-MSG-008: foreign-messenger credential (token pattern, webhook secret, TELEGRAM_BOT_TOKEN-like variable)."""

import re

from sovstack.checks.base import Hit, NativeCheck
from sovstack.checks.walk import EMPTY, all_dicts, code_lines, value_texts
from sovstack.rules import messengers, sourcecode

ASSIGN = re.compile(r"^\s*(?:export\s+|set\s+|ENV\s+|-\s+)?[\"']?(?P<name>[A-Za-z_][\w.-]*)[\"']?\s*(?:=|:|\s)\s*(?P<value>\S.*)?$")
PLACEHOLDER_EMPTY = ("''", '""', "null", "~", "none", "false")


class ForeignMessengerCredential(NativeCheck):
    id = "SOV-MSG-008"
    kinds = ("any",)
    skip_kinds = ("kubernetes",)  # SOV-MSG-009 reads Kubernetes workloads with their structure

    def scan(self, doc):
        if sourcecode.is_test_source(doc):
            return  # a program's tests are not part of what runs (rules/sourcecode.py)
        lines = set()
        for hit in self._names(doc):
            if hit.line not in lines:
                lines.add(hit.line)
                yield hit
        for line, end, text in value_texts(doc):
            for mid, m in messengers.find_tokens(text):
                at = doc.find_line(m.group(0)[:24], line, end) or line
                if at not in lines:
                    lines.add(at)
                    yield Hit(f"{messengers.label(mid)} credential in the file (masked in reports)", line=at)

    def _names(self, doc):
        if doc.structured and doc.data and doc.scalars:
            records = _records(doc.data)
            for d in all_dicts(doc):
                for key, value in d.items():
                    mid = messengers.messenger_for_identifier(str(key)) if not str(key).startswith("__") else None
                    if mid and id(d) in records and messengers.names_only_a_destination(str(key)):
                        continue  # a destination field of a data record (slack_channel of a team), not configuration
                    if mid and value not in EMPTY:
                        yield Hit(f"{messengers.label(mid)} credential or endpoint {key} is configured",
                                  line=doc.key_line(d, key))
                if isinstance(d.get("name"), str) and ("value" in d or "valueFrom" in d):
                    mid = messengers.messenger_for_identifier(d["name"])
                    if mid:
                        yield Hit(f"{messengers.label(mid)} credential {d['name']} is set", line=d.get("__startline__"))
            for s in doc.scalars:
                if not s.is_key and "=" in s.value and "\n" not in s.value:
                    name, _, value = s.value.partition("=")
                    mid = messengers.messenger_for_identifier(name.strip())
                    if mid and value.strip() and re.fullmatch(r"[A-Za-z_][\w.-]*", name.strip()):
                        yield Hit(f"{messengers.label(mid)} credential {name.strip()} is set", line=s.line)
            return
        if doc.kind.value in ("source",):
            return
        for n, line in code_lines(doc):
            m = ASSIGN.match(line)
            if not m or not m.group("value") or m.group("value").strip().lower() in PLACEHOLDER_EMPTY:
                continue
            mid = messengers.messenger_for_identifier(m.group("name"))
            if mid:
                yield Hit(f"{messengers.label(mid)} credential or endpoint {m.group('name')} is set", line=n)


def _records(data) -> set[int]:
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


check = ForeignMessengerCredential()
