"""Reads one candidate file into a Document, or says clearly why it cannot be evaluated."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml

from sovstack.collect import detect, yamlload
from sovstack.collect.discover import Candidate
from sovstack.collect.document import Document
from sovstack.models import Kind

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
PULUMI_IMPORT = re.compile(r"^\s*(import|from)\s+pulumi(_[a-z0-9_]+)?\b", re.MULTILINE)
JINJA_ESCAPE = re.compile(r"(?:\{\{|\{%)[^}%\n]{0,2000}?(__(?:class|mro|subclasses|globals|builtins|import|init|base|bases|"
                          r"code|func_globals|getattribute|reduce_ex|loader)__)")
TEXT_KINDS_BY_EXT = detect.YAML_EXT + (".tf", ".json", ".sh", ".env", ".xml", ".j2", ".tpl", ".py", ".conf")


@dataclass(frozen=True)
class Skipped:
    rel: str
    reason: str


@dataclass(frozen=True)
class ParseError:
    rel: str
    kind: str
    reason: str


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    return raw.decode("utf-8")


def read(c: Candidate, max_bytes: int = DEFAULT_MAX_BYTES) -> Document | Skipped | ParseError:
    rel = c.rel
    if detect.is_binary_name(rel):
        return Skipped(rel, "binary file type")
    if detect.is_prose_name(rel):
        return Skipped(rel, "prose")
    guess = detect.by_name(rel)
    kind_label = (guess or Kind.CONFIG).value
    try:
        size = len(c.data) if c.data is not None else c.path.stat().st_size
        if size > max_bytes:
            return ParseError(rel, kind_label, f"file is {size} bytes, over the {max_bytes}-byte limit")
        if c.data is not None:
            raw = c.data
        else:
            with open(c.path, "rb") as fh:
                raw = fh.read(max_bytes + 1)
    except OSError as exc:
        return ParseError(rel, kind_label, f"cannot read: {exc.strerror or exc}")
    for bom, name in ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe", "UTF-16"),
                      (b"\xfe\xff", "UTF-16")):
        if raw.startswith(bom):
            return ParseError(rel, kind_label, f"encoded as {name} (byte-order mark): sovstack reads UTF-8 text; "
                                               "convert the file to UTF-8")
    if b"\x00" in raw[:65536]:
        if rel.lower().endswith(TEXT_KINDS_BY_EXT):
            return ParseError(rel, kind_label, "binary content (NUL bytes) in a text file")
        return Skipped(rel, "binary content")
    try:
        text = _decode(raw)
    except UnicodeDecodeError as exc:
        return ParseError(rel, kind_label, f"not valid UTF-8 (byte {exc.start}): {exc.reason}")
    return _parse_text(c, text, guess)


def _parse_text(c: Candidate, text: str, guess: Kind | None) -> Document | ParseError:
    rel = c.rel
    if guess is Kind.TERRAFORM:
        return _terraform(c, text)
    if guess is Kind.SOURCE:
        kind = Kind.PULUMI_PROGRAM if PULUMI_IMPORT.search(text) else Kind.SOURCE
        return Document(c.path, rel, kind, text)
    if guess in (Kind.ENV, Kind.SHELL):
        return Document(c.path, rel, guess, text)
    low = rel.lower()
    if low.endswith(".json"):
        return _json(c, text)
    if low.endswith(".xml"):
        return _xml(c, text)
    escape = jinja_escape(text) if detect.looks_templated(rel, text) else None
    if escape:
        line, what = escape
        return ParseError(rel, (guess or detect.text_kind(rel)).value,
                          f"template expression at line {line} reaches Python internals ({what}): a "
                          "sandbox-escape attempt; not evaluated (sovstack never renders templates)")
    if guess is Kind.PULUMI_CONFIG or detect.yaml_candidate(rel, text):
        return _yaml(c, text, guess)
    return Document(c.path, rel, detect.text_kind(rel), text, template=detect.looks_templated(rel, text))


def jinja_escape(text: str) -> tuple[int, str] | None:
    """(line, what) of a Jinja expression that reaches Python internals: `x.__class__`, `x['__globals__']`,
    `x|attr('\\x5f\\x5fclass\\x5f\\x5f')`, names built by concatenation. The template is parsed, never rendered."""
    m = JINJA_ESCAPE.search(text)
    if m:
        return text.count("\n", 0, m.start()) + 1, m.group(1)
    if "{{" not in text and "{%" not in text:
        return None
    import jinja2  # noqa: PLC0415 - only text with template syntax pays for jinja2's import
    import jinja2.nodes  # noqa: PLC0415

    try:
        tree = jinja2.Environment().parse(text)
    except (jinja2.TemplateSyntaxError, RecursionError, ValueError):
        return None
    for node in tree.find_all((jinja2.nodes.Getattr, jinja2.nodes.Getitem, jinja2.nodes.Filter)):
        if isinstance(node, jinja2.nodes.Getattr):
            if node.attr.startswith("__"):
                return node.lineno, node.attr
            continue
        if isinstance(node, jinja2.nodes.Filter) and node.name != "attr":
            continue
        target = node.args if isinstance(node, jinja2.nodes.Filter) else [node.arg]
        consts = [c.value for t in target for c in ([t] + list(t.find_all(jinja2.nodes.Const)))
                  if isinstance(c, jinja2.nodes.Const) and isinstance(c.value, str)]
        dynamic = any(not isinstance(t, jinja2.nodes.Const) for t in target)
        if any("__" in v for v in consts) or (isinstance(node, jinja2.nodes.Filter) and dynamic) or \
                ("".join(consts).startswith("__") and len(consts) > 1):
            return node.lineno, "".join(consts) or node.name
    return None


def _structured(c: Candidate, text: str, loaded: yamlload.Loaded, kind: Kind, template: bool = False) -> Document:
    return Document(c.path, c.rel, kind, text, loaded.docs, loaded.scalars, loaded.key_lines, True, template)


def _yaml(c: Candidate, text: str, guess: Kind | None) -> Document | ParseError:
    rel = c.rel
    is_yaml_ext = any(s in detect.YAML_EXT for s in detect.suffixes(rel))
    templated = detect.looks_templated(rel, text)
    try:
        loaded = yamlload.load(text)
        return _structured(c, text, loaded, guess or detect.by_content(rel, loaded.docs), templated)
    except yamlload.YamlLimitError as exc:
        return ParseError(rel, (guess or Kind.YAML).value, f"YAML rejected: {exc}")
    except yaml.YAMLError as exc:
        first_error = _yaml_error(exc)
    if templated:
        try:
            loaded = yamlload.load(yamlload.desugar_template(text))
            return _structured(c, text, loaded, guess or detect.by_content(rel, loaded.docs), True)
        except (yaml.YAMLError, yamlload.YamlLimitError):
            return Document(c.path, rel, Kind.TEMPLATE, text, template=True)
    if is_yaml_ext or guess is Kind.PULUMI_CONFIG:
        return ParseError(rel, (guess or Kind.YAML).value, f"malformed YAML: {first_error}")
    return Document(c.path, rel, detect.text_kind(rel), text)


def _yaml_error(exc: yaml.YAMLError) -> str:
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    return f"{problem} at line {mark.line + 1}, column {mark.column + 1}" if mark else str(problem)


def _json(c: Candidate, text: str) -> Document | ParseError:
    try:
        loaded = yamlload.load(text)  # JSON is YAML: this keeps line numbers
    except yamlload.YamlLimitError as exc:
        return ParseError(c.rel, Kind.JSON.value, f"JSON rejected: {exc}")
    except yaml.YAMLError:
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, RecursionError) as exc:
            return ParseError(c.rel, Kind.JSON.value, f"malformed JSON: {exc}")
        loaded = yamlload.Loaded(docs=[data])
    return _structured(c, text, loaded, detect.by_content(c.rel, loaded.docs))


def _xml(c: Candidate, text: str) -> Document | ParseError:
    if "<zabbix_export" not in text[:4096]:
        return Document(c.path, c.rel, Kind.CONFIG, text)
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException
    try:
        root = ElementTree.fromstring(text.encode("utf-8"))
    except (ElementTree.ParseError, DefusedXmlException) as exc:
        return ParseError(c.rel, Kind.ZABBIX.value, f"malformed or unsafe XML: {exc}")
    return Document(c.path, c.rel, Kind.ZABBIX, text, [root], structured=False)


def _terraform(c: Candidate, text: str) -> Document | ParseError:
    import hcl2  # checkov's HCL parser (bc-python-hcl2): imported only when there is Terraform

    try:
        data = hcl2.loads(text)
    except Exception as exc:  # the parser raises lark errors of many types
        msg = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return ParseError(c.rel, Kind.TERRAFORM.value, f"malformed HCL: {msg[:300]}")
    return Document(c.path, c.rel, Kind.TERRAFORM, text, [data], structured=True)
