"""Helpers for native checks: walking parsed documents and scanning text lines."""

from __future__ import annotations

import re
from typing import Any, Iterator

from sovstack.collect.document import Document
from sovstack.rules.channels import denies, is_blocklist_key

EMPTY = (None, "", False, [], {})
SCHEMA_KEYS = ("openAPIV3Schema", "openAPIV2Schema")
BLOCK_COMMENTS = ("/*", "{#", "{{/*", "{{- /*")  # C-style, Jinja and Go template comments


def dicts(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every mapping in a parsed document, outermost first."""
    if depth > 100:
        return
    if isinstance(node, dict):
        yield node
        for key, value in node.items():
            if not str(key).startswith("__") and key not in SCHEMA_KEYS:  # a CRD schema documents, not configures
                yield from dicts(value, depth + 1)
    elif isinstance(node, list):
        for item in node:
            yield from dicts(item, depth + 1)


def all_dicts(doc: Document) -> Iterator[dict[str, Any]]:
    for d in doc.data:
        yield from dicts(d)


def code_lines(doc: Document) -> Iterator[tuple[int, str]]:
    """Non-comment lines of an unstructured file, numbered from 1 (worked out once per document)."""
    memo = doc.__dict__.get("_code_lines")
    if memo is None:
        memo = doc.__dict__["_code_lines"] = list(_code_lines(doc))
    return iter(memo)


def _code_lines(doc: Document) -> Iterator[tuple[int, str]]:
    in_block = False
    for n, line in enumerate(doc.lines, 1):
        stripped = line.strip()
        if in_block:
            if "*/" in stripped or "#}" in stripped:
                in_block = False
            continue
        if stripped.startswith(BLOCK_COMMENTS) and not ("*/" in stripped or "#}" in stripped):
            in_block = True
            continue
        if stripped.startswith(BLOCK_COMMENTS[1:]):
            continue  # a one-line Jinja or Go template comment
        if not stripped or doc.is_comment(n) or doc.is_documentation(n):
            continue
        yield n, line


def in_blocklist(path: tuple[str, ...]) -> bool:
    """A value under a key that names a deny-list (`egress_guard_deny_hosts`, `blocked_domains`) is what is
    blocked. Only the shape counts: a word such as "refused" in a service or key name does not."""
    return any(is_blocklist_key(k) for k in path)


PROSE_KEYS = ("description", "x-description")


def is_documentation(path: tuple[str, ...]) -> bool:
    """Schema and prose text: a CRD's openAPIV3Schema (descriptions, defaults, enums, examples) or a
    `description` value describes configuration, it does not configure anything."""
    return bool(path) and (path[-1] in PROSE_KEYS or any(k in SCHEMA_KEYS for k in path))


def value_texts(doc: Document, skip_blocklists: bool = False) -> Iterator[tuple[int, int, str]]:
    """(line, end_line, text) of every value to scan: parsed scalars, or code lines of a text file.
    With skip_blocklists, values listed under deny/block-list keys are left out. Worked out once per document
    (every extractor reads them)."""
    memo = doc.__dict__.setdefault("_value_texts", {})
    if skip_blocklists not in memo:
        memo[skip_blocklists] = list(_value_texts(doc, skip_blocklists))
    return iter(memo[skip_blocklists])


def _value_texts(doc: Document, skip_blocklists: bool) -> Iterator[tuple[int, int, str]]:
    if doc.structured and doc.scalars:
        for s in doc.scalars:
            if not s.is_key and not is_documentation(s.path) and not (skip_blocklists and in_blocklist(s.path)):
                yield s.line, max(s.end_line, s.line), s.value
    else:
        for n, line in _undocumented(code_lines(doc)):
            if not (skip_blocklists and denies(line)):
                yield n, n, line


DOC_BLOCK_RE = re.compile(r"^(?P<ind>\s*)(?:-\s+)?(?:description|x-description|openAPIV3Schema|openAPIV2Schema)\s*:")


def _undocumented(lines: Iterator[tuple[int, str]]) -> Iterator[tuple[int, str]]:
    """Lines of YAML-like text (a template that does not parse) outside schema and description blocks."""
    block: int | None = None  # indentation of the key that opened a documentation block
    for n, line in lines:
        indent = len(line) - len(line.lstrip())
        if block is not None and indent > block:
            continue
        block = None
        m = DOC_BLOCK_RE.match(line)
        if m:
            block = len(m.group("ind"))
            continue
        yield n, line
