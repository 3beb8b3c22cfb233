"""Safe YAML loading with line numbers, bounded against alias bombs and deep nesting."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

START, END = "__startline__", "__endline__"  # the same keys checkov's YAML parser adds
MAX_NODES = 2_000_000  # nodes after alias expansion
MAX_DEPTH = 200

_SCALAR_CTOR = SafeConstructor()
# tags whose scalar is read as its text: the YAML 1.1 `=` (value) tag, which prometheus-operator CRDs use as an
# enum member, and every local tag (`!vault`, `!unsafe`, `!Ref`): nothing tagged is ever constructed as an object
TEXT_TAGS = ("tag:yaml.org,2002:value", "tag:yaml.org,2002:yaml", "tag:yaml.org,2002:str")


class YamlLimitError(ValueError):
    """The document is too large or too deep after alias expansion."""


@dataclass
class Scalar:
    value: str
    line: int
    key: str | None  # the mapping key this scalar is the value of (or the key itself)
    is_key: bool = False
    end_line: int = 0
    path: tuple[str, ...] = ()  # the mapping keys from the document root down to this scalar


@dataclass
class Loaded:
    docs: list[Any]
    scalars: list[Scalar] = field(default_factory=list)
    key_lines: dict[int, dict[str, int]] = field(default_factory=dict)


def _expanded_size(node: yaml.Node, memo: dict[int, int], depth: int = 0) -> int:
    if depth > MAX_DEPTH:
        raise YamlLimitError(f"nesting deeper than {MAX_DEPTH} levels")
    key = id(node)
    if key in memo:
        return memo[key]
    memo[key] = 1  # guards recursive aliases
    if isinstance(node, yaml.MappingNode):
        size = 1 + sum(_expanded_size(k, memo, depth + 1) + _expanded_size(v, memo, depth + 1) for k, v in node.value)
    elif isinstance(node, yaml.SequenceNode):
        size = 1 + sum(_expanded_size(v, memo, depth + 1) for v in node.value)
    else:
        size = 1
    memo[key] = size
    if size > MAX_NODES:
        raise YamlLimitError(f"more than {MAX_NODES} nodes after alias expansion (alias bomb?)")
    return size


def scalar_value(node: yaml.ScalarNode) -> Any:
    """The value of a scalar: the safe constructor for the core schema tags, the text for any other tag."""
    if node.tag.startswith("tag:yaml.org,2002:") and node.tag not in TEXT_TAGS:
        try:
            return _SCALAR_CTOR.construct_object(node, deep=True)
        except (yaml.constructor.ConstructorError, ValueError, TypeError):
            return node.value  # a core tag this safe constructor does not build (e.g. !!python/...): its text
    return node.value


class _Builder:
    def __init__(self, out: Loaded):
        self.out = out
        self.active: set[int] = set()
        self.path: list[str] = []

    def build(self, node: yaml.Node, key: str | None = None) -> Any:
        if isinstance(node, yaml.ScalarNode):
            value = scalar_value(node)
            if isinstance(value, (bytes, bytearray)):
                value = "<binary>"
            if isinstance(value, str):
                self.out.scalars.append(Scalar(value, node.start_mark.line + 1, key, False, node.end_mark.line + 1,
                                               tuple(self.path)))
            elif value is not None and not isinstance(value, bool):
                value = value if isinstance(value, (int, float)) else str(value)
            return value
        if id(node) in self.active:
            raise YamlLimitError("recursive alias")
        self.active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self.build(v, key) for v in node.value]
            return self._mapping(node)
        finally:
            self.active.discard(id(node))

    def _mapping(self, node: yaml.MappingNode) -> dict[str, Any]:
        result: dict[str, Any] = {}
        lines: dict[str, int] = {}
        for knode, vnode in node.value:
            if isinstance(knode, yaml.ScalarNode) and knode.tag == "tag:yaml.org,2002:merge":
                merged = self.build(vnode, None)
                for m in merged if isinstance(merged, list) else [merged]:
                    if isinstance(m, dict):
                        for k, v in m.items():
                            result.setdefault(k, v)
                continue
            if isinstance(knode, yaml.ScalarNode):
                k = str(scalar_value(knode))
                self.out.scalars.append(Scalar(k, knode.start_mark.line + 1, k, True, knode.start_mark.line + 1))
            else:
                k = f"<complex key at line {knode.start_mark.line + 1}>"
            lines[k] = knode.start_mark.line + 1
            self.path.append(k)
            try:
                result[k] = self.build(vnode, k)
            finally:
                self.path.pop()
        result[START] = node.start_mark.line + 1
        result[END] = node.end_mark.line + 1
        self.out.key_lines[id(result)] = lines
        return result


BRACKETS = re.compile(r"[\[\]{}]")
BLOCK_NESTING = re.compile(r"^[ \t]*(?:-[ \t]+)*", re.MULTILINE)


def check_nesting(text: str, limit: int = MAX_DEPTH) -> None:
    """Refuse documents nested deeper than `limit` before the C parser sees them: libyaml's composer recurses
    once per level and overflows the C stack (a crash, not an exception) on a few hundred thousand levels."""
    depth = deepest = 0
    # brackets inside quoted strings are counted too: telling quotes from apostrophes in plain scalars takes a
    # real scanner, and over-counting only refuses a document, it never lets a deep one through
    for m in BRACKETS.finditer(text):
        depth = depth + 1 if m.group() in "[{" else max(depth - 1, 0)
        deepest = max(deepest, depth)
        if deepest > limit:
            raise YamlLimitError(f"nested deeper than {limit} levels (flow collections)")
    widest = max((len(m.group()) for m in BLOCK_NESTING.finditer(text)), default=0)
    if widest > 4 * limit:
        raise YamlLimitError(f"nested deeper than {limit} levels (indentation of {widest} columns)")


def load(text: str) -> Loaded:
    """Parse every document of a YAML stream; raises yaml.YAMLError or YamlLimitError."""
    out = Loaded(docs=[])
    check_nesting(text)
    nodes = list(yaml.compose_all(text, Loader=yaml.CSafeLoader))
    memo: dict[int, int] = {}
    total = 0
    for node in nodes:
        if node is None:
            continue
        total += _expanded_size(node, memo)
        if total > MAX_NODES:
            raise YamlLimitError(f"more than {MAX_NODES} nodes after alias expansion (alias bomb?)")
    builder = _Builder(out)
    out.docs = [builder.build(n) for n in nodes if n is not None]
    return out


JINJA_BLOCK = re.compile(r"\{%-?.*?-?%\}|\{#.*?#\}")
MULTILINE_TAG = re.compile(r"\{\{[\s\S]{0,4000}?\}\}|\{#[\s\S]{0,4000}?#\}|\{%[\s\S]{0,4000}?%\}")  # bounded: no
# quadratic scan on unclosed tags
TAGS_ONLY = re.compile(r"^\s*(?:(?:\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\})\s*)+$")
UNQUOTED_EXPR = re.compile(r"^(?P<lead>\s*(?:-\s+)?(?:[^\s:'\"#][^:#]*:\s+)?)(?P<expr>\{\{.*\}\}[^#]*?)\s*$")


INLINE_EXPR = re.compile(r"\{\{.*?\}\}")


KEY_THEN_TAGS = re.compile(r"^(?P<key>\s*(?:-\s+)?[^\s:'\"#{][^:#]*:)\s*(?:\{\{.*?\}\}\s*)+$")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_values(lines: list[str]) -> list[str]:
    """`labels: {{- include "x" . | nindent 4 }}` followed by more-indented lines: the tag renders part of the
    block below, so the key keeps only that block."""
    out = list(lines)
    for i, line in enumerate(lines):
        m = KEY_THEN_TAGS.match(line)
        if not m:
            continue
        nxt = next((ln for ln in lines[i + 1:] if ln.strip() and not TAGS_ONLY.match(ln)), "")
        if _indent(nxt) > _indent(line):
            out[i] = m.group("key")
    return out


def neutralise_template(text: str) -> str:
    """A second reading of a templated file: every tag blanked or replaced by a plain placeholder of its length
    (`"{{ template "x" . }}"` becomes `"___________________"`), so quotes inside tags no longer break the
    strings around them. Values lose their expressions; structure and lines are kept."""
    text = MULTILINE_TAG.sub(lambda m: "\n" * m.group().count("\n") if "\n" in m.group() else m.group(), text)
    out = []
    for line in _block_values(text.splitlines()):
        if TAGS_ONLY.match(line):
            out.append("")
            continue
        out.append(INLINE_EXPR.sub(lambda m: "_" * len(m.group()), JINJA_BLOCK.sub("", line)))
    return "\n".join(out) + "\n"


def desugar_template(text: str) -> str:
    """Make a Jinja/Go-templated YAML file parseable without rendering it: tags dropped, bare
    expressions quoted. Nothing is evaluated; line numbers are kept."""
    out = []
    text = MULTILINE_TAG.sub(lambda m: "\n" * m.group().count("\n") if "\n" in m.group() else m.group(), text)
    for line in _block_values(text.splitlines()):
        if TAGS_ONLY.match(line):
            out.append("")  # `{{- if .Values.x }}`, `{{ toYaml .x | nindent 4 }}`, `{% for %}`: no structure of its own
            continue
        line = JINJA_BLOCK.sub("", line)
        m = UNQUOTED_EXPR.match(line)
        if m and not m.group("expr").startswith(("'", '"')):
            expr = m.group("expr").replace("'", "''")
            line = f"{m.group('lead')}'{expr}'"
        out.append(line)
    return "\n".join(out) + "\n"
