"""Tells documentation from configuration: CRD and JSON schemas describe fields, they configure nothing."""

from __future__ import annotations

import re
from typing import Any

from sovstack.collect.yamlload import END, START, Loaded

CRD_KIND = "CustomResourceDefinition"
SCHEMA_KEYS = ("openAPIV3Schema",)  # apiextensions.k8s.io/v1 versions[].schema, v1beta1 spec.validation
JSON_SCHEMA_MARKS = ("$schema", "$id", "$defs", "definitions")


def _crd_schemas(doc: dict[str, Any]) -> list[dict[str, Any]]:
    spec = doc.get("spec") if isinstance(doc.get("spec"), dict) else {}
    holders = [v.get("schema") for v in spec.get("versions") or [] if isinstance(v, dict)]
    holders.append(spec.get("validation"))
    return [h[k] for h in holders if isinstance(h, dict) for k in SCHEMA_KEYS if isinstance(h.get(k), dict)]


def is_json_schema(doc: Any) -> bool:
    """A JSON Schema document (e.g. a Helm chart's values.schema.json): `$schema`, or an object type with
    properties and no other content."""
    if not isinstance(doc, dict):
        return False
    if any(isinstance(doc.get(k), (str, dict)) for k in JSON_SCHEMA_MARKS):
        return True
    return doc.get("type") == "object" and isinstance(doc.get("properties"), dict)


def _hollow(node: dict[str, Any]) -> tuple[int, int] | None:
    """Empties a schema mapping in place (keeping its line marks) and returns its line range."""
    span = (node.get(START), node.get(END))
    for key in [k for k in node if k not in (START, END)]:
        del node[key]
    node["__documentation__"] = "schema"
    return span if all(isinstance(n, int) for n in span) else None


def strip(loaded: Loaded) -> list[tuple[int, int]]:
    """Removes CRD schemas and JSON Schema documents from `loaded` (data and scalars); returns the line ranges
    [start, end) they occupied, so that text scans can leave them out too."""
    spans: list[tuple[int, int]] = []
    for doc in loaded.docs:
        if not isinstance(doc, dict):
            continue
        if doc.get("kind") == CRD_KIND:
            spans += [s for s in map(_hollow, _crd_schemas(doc)) if s]
        elif is_json_schema(doc):
            span = _hollow(doc)
            spans += [span] if span else []
    if spans:
        loaded.scalars = [s for s in loaded.scalars if not in_spans(s.line, spans)]
    return spans


def in_spans(line: int, spans: list[tuple[int, int]]) -> bool:
    return any(start <= line < end for start, end in spans)


SCHEMA_LINE = re.compile(r"^(?P<indent>\s*)[\"']?openAPIV3Schema[\"']?\s*[:=]")


def text_spans(text: str) -> list[tuple[int, int]]:
    """[start, end) line ranges of `openAPIV3Schema` blocks in text no parser could structure (a Helm template
    kept as text, a generated Jsonnet CRD): the key's line and every following line indented deeper."""
    spans = []
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = SCHEMA_LINE.match(line)
        if not m:
            continue
        depth, j = len(m.group("indent")), i + 1
        while j < len(lines) and (not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > depth):
            j += 1
        spans.append((i + 1, j + 1))
    return spans


def docstrings(text: str) -> list[tuple[int, int]]:
    """[start, end) line ranges of a Python module's docstrings (module, classes, functions): documentation, like
    comments (a `Syntax: tgram://...` line in a parser's docstring sends nothing)."""
    import ast

    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    spans = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                spans.append((first.lineno, (first.end_lineno or first.lineno) + 1))
    return spans
