"""Documents embedded in other documents (alertmanager.yml in a ConfigMap, a Secret's stringData or base64 data,
kube-prometheus-stack's stringConfig, shell and Terraform heredocs), parsed as the kind they are and mapped back
to the outer file and line."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from typing import Iterator

import yaml

from sovstack.collect import detect, yamlload
from sovstack.collect.document import Document
from sovstack.models import Kind

# Kinds worth re-evaluating: a generic YAML mapping inside a string is already scanned as the outer text.
EMBEDDED_KINDS = (Kind.ALERTMANAGER, Kind.GRAFANA, Kind.KUBERNETES, Kind.COMPOSE, Kind.ZABBIX)
BLOCK_INDICATOR = re.compile(r":\s*[|>][-+0-9]*\s*(#.*)?$")
HEREDOC_RE = re.compile(r"<<-?\s*(?P<q>['\"]?)(?P<tag>[A-Za-z_][A-Za-z0-9_]*)(?P=q)")
MAX_EMBEDDED = 64 * 1024  # bytes of one embedded document
MAX_DEPTH = 2


@dataclass
class Embedded:
    doc: Document
    where: str  # what holds it: "stringData.alertmanager.yaml", "heredoc EOF"
    line: int  # the outer line of the holder
    fixed_line: bool  # every finding is reported at `line` (base64, quoted strings)


def documents(doc: Document, depth: int = 0) -> Iterator[Embedded]:
    """Every embedded document of a recognised kind, to be evaluated as part of `doc`."""
    if depth >= MAX_DEPTH:
        return
    if doc.structured and doc.scalars:
        for s in doc.scalars:
            if not s.is_key and len(s.value) <= MAX_EMBEDDED * 2:
                yield from _from_scalar(doc, s)
    elif doc.kind in (Kind.SHELL, Kind.CONFIG, Kind.TEMPLATE, Kind.TERRAFORM, Kind.SOURCE) or not doc.structured:
        yield from _heredocs(doc)


def _from_scalar(doc: Document, s: yamlload.Scalar) -> Iterator[Embedded]:
    where = ".".join(s.path[-2:]) or (s.key or "value")
    if "\n" in s.value and ":" in s.value:
        literal = BLOCK_INDICATOR.search(doc.line_text(s.line)) is not None
        sub = _parse(doc, s.value, s.line if literal else 0)
        if sub:
            yield Embedded(sub, where, s.line, not literal)
    elif len(s.path) >= 2 and s.path[-2] in ("data", "binaryData") and len(s.value) >= 16:
        text = _base64_text(s.value)
        sub = _parse(doc, text, 0) if text else None
        if sub:
            yield Embedded(sub, f"{where} (base64)", s.line, True)


def _base64_text(value: str) -> str | None:
    try:
        raw = base64.b64decode(value.strip(), validate=True)
        text = raw.decode("utf-8")
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return text if "\n" in text and len(text) <= MAX_EMBEDDED else None


def _heredocs(doc: Document) -> Iterator[Embedded]:
    if "<<" not in doc.text:
        return
    lines = doc.lines
    n = 0
    while n < len(lines):
        m = HEREDOC_RE.search(lines[n])
        n += 1
        if not m:
            continue
        start = n
        while n < len(lines) and lines[n].strip() != m.group("tag"):
            n += 1
        sub = _parse(doc, "\n".join(lines[start:n]), start)
        if sub:
            yield Embedded(sub, f"heredoc {m.group('tag')}", start, False)


def _parse(doc: Document, text: str, offset: int) -> Document | None:
    """The text parsed as YAML (line numbers kept by padding to `offset`), if it is a kind worth evaluating."""
    if len(text) > MAX_EMBEDDED or not re.search(r"^\s*[\w.\"'-]+:", text, re.M):
        return None
    padded = "\n" * offset + text
    try:
        loaded = yamlload.load(padded)
    except (yaml.YAMLError, yamlload.YamlLimitError):
        return None
    kind = detect.by_content(doc.rel, loaded.docs)
    if kind not in EMBEDDED_KINDS:
        return None
    return Document(doc.path, doc.rel, kind, padded, loaded.docs, loaded.scalars, loaded.key_lines, True,
                    detect.looks_templated(doc.rel, text))
