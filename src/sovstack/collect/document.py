"""A parsed input file as the policies see it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from sovstack.collect.yamlload import Scalar
from sovstack.models import Kind

COMMENT_RE = re.compile(r"^\s*(#|//|;|--|/\*|\*|<!--|rem\s|::)", re.IGNORECASE)


@dataclass
class Document:
    path: Path
    rel: str
    kind: Kind
    text: str
    data: list[Any] = field(default_factory=list)  # parsed documents (YAML/JSON streams, HCL dict, ...)
    scalars: list[Scalar] = field(default_factory=list)
    key_lines: dict[int, dict[str, int]] = field(default_factory=dict)
    structured: bool = False  # data came from a parser: scan values, not raw lines
    template: bool = False
    planned: bool = False  # a Pulumi stack's resource graph from the offline plan (text: its stack file)
    cache_key: str | None = None  # content key for incremental checking (None: not cached)
    # other files and folders the evaluation's value resolution read ({"files": [...], "folders": [...]});
    # None: it read something that cannot be tracked, so the result is not cached
    depends: dict[str, list[str]] | None = field(default_factory=dict)
    documentation: list[tuple[int, int]] = field(default_factory=list)  # [start, end) lines of schema text

    def is_documentation(self, line: int) -> bool:
        """The line lies in a schema (a CRD's openAPIV3Schema, a JSON Schema): text that describes, not configures."""
        return any(start <= line < end for start, end in self.documentation)

    @cached_property
    def lines(self) -> list[str]:
        return self.text.splitlines()

    def line_text(self, line: int | None) -> str:
        if line is None or not 1 <= line <= len(self.lines):
            return ""
        return self.lines[line - 1]

    def excerpt(self, rel: str, line: int | None) -> str:
        """Text of a line in this document or (for documents that point elsewhere) in a file it stands for."""
        return self.line_text(line) if rel == self.rel else ""

    def is_comment(self, line: int) -> bool:
        return bool(COMMENT_RE.match(self.line_text(line)))

    def key_line(self, mapping: dict[str, Any], key: str) -> int | None:
        return self.key_lines.get(id(mapping), {}).get(key) or (mapping.get("__startline__") if isinstance(mapping, dict) else None)

    def find_line(self, needle: str, start: int = 1, end: int | None = None, skip_comments: bool = True) -> int | None:
        """First line in [start, end] containing needle (case-insensitive), not in a comment."""
        if not needle:
            return None
        low = needle.lower()
        last = min(end or len(self.lines), len(self.lines))
        for n in range(max(start, 1), last + 1):
            if low in self.lines[n - 1].lower() and not (skip_comments and self.is_comment(n)):
                return n
        return None
