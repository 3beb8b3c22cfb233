"""Helpers for native checks: walking parsed documents and scanning text lines."""

from __future__ import annotations

import re
from typing import Any, Iterator

from sovstack.collect.document import Document

EMPTY = (None, "", False, [], {})
BLOCK_COMMENTS = ("/*", "{#", "{{/*", "{{- /*")  # C-style, Jinja and Go template comments


def dicts(node: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every mapping in a parsed document, outermost first."""
    if depth > 100:
        return
    if isinstance(node, dict):
        yield node
        for key, value in node.items():
            if not str(key).startswith("__"):
                yield from dicts(value, depth + 1)
    elif isinstance(node, list):
        for item in node:
            yield from dicts(item, depth + 1)


def all_dicts(doc: Document) -> Iterator[dict[str, Any]]:
    for d in doc.data:
        yield from dicts(d)


def code_lines(doc: Document) -> Iterator[tuple[int, str]]:
    """Non-comment lines of an unstructured file, numbered from 1."""
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


BLOCKLIST_WORDS = re.compile(r"(^|[^a-z])(deny|denied|denylist|block|blocked|blocklist|blacklist|forbid|forbidden|"
                             r"banned|reject|rejected|refuse|refused|drop)([^a-z]|$)", re.IGNORECASE)


def in_blocklist(path: tuple[str, ...]) -> bool:
    """A value under a key such as `egress_guard_deny_hosts` or `blocked_domains` names what is blocked."""
    return any(BLOCKLIST_WORDS.search(str(k).replace("_", " ").replace("-", " ")) for k in path)


def value_texts(doc: Document, skip_blocklists: bool = False) -> Iterator[tuple[int, int, str]]:
    """(line, end_line, text) of every value to scan: parsed scalars, or code lines of a text file.
    With skip_blocklists, values listed under deny/block-list keys are left out."""
    if doc.structured and doc.scalars:
        for s in doc.scalars:
            if not s.is_key and not (skip_blocklists and in_blocklist(s.path)):
                yield s.line, max(s.end_line, s.line), s.value
    else:
        for n, line in code_lines(doc):
            yield n, n, line
