"""Reads one candidate file into a Document, or says clearly why it cannot be evaluated."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

import yaml

from sovstack.collect import detect, hcl, schema, yamlload
from sovstack.collect.discover import Candidate
from sovstack.collect.document import Document
from sovstack.models import Kind

DEFAULT_MAX_BYTES = 5 * 1024 * 1024
SNIFF_BYTES = 64 * 1024
PULUMI_IMPORT = re.compile(r"^\s*(import|from)\s+pulumi(_[a-z0-9_]+)?\b", re.MULTILINE)
TEXT_KINDS_BY_EXT = detect.YAML_EXT + (".tf", ".json", ".sh", ".env", ".xml", ".j2", ".tpl", ".py", ".conf")
TEMPLATE_NEAR_LINES = 3  # a parse error this close to a template tag is the template's doing
TAG_PIECE = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")  # a line that opens, closes or holds a template tag
FULL_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}")
QUOTED = re.compile(r"'(?:[^']|'')*(?:'|$)|\"(?:[^\"\\]|\\.)*(?:\"|$)")  # quoted spans, unterminated ones too
BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe", "UTF-16"),
        (b"\xfe\xff", "UTF-16"))


@dataclass(frozen=True)
class Skipped:
    rel: str
    reason: str  # the evidence that the file is not configuration


@dataclass(frozen=True)
class ParseError:
    rel: str
    kind: str
    reason: str


def _decode(raw: bytes) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    return raw.decode("utf-8")


def _name_class(rel: str) -> str | None:
    """"binary file type (.png)" or "prose (.md)" when the name alone suggests the file is not configuration;
    content still decides."""
    if detect.is_binary_name(rel):
        return f"binary file type ({detect.ext(rel)})"
    if detect.is_prose_name(rel):
        return f"prose ({detect.ext(rel)})"
    return None


def read(c: Candidate, max_bytes: int = DEFAULT_MAX_BYTES) -> Document | Skipped | ParseError:
    rel = c.rel
    named = _name_class(rel)
    guess = detect.by_name(rel)
    kind_label = (guess or Kind.CONFIG).value
    try:
        size = len(c.data) if c.data is not None else c.path.stat().st_size
        want = SNIFF_BYTES if named and size > max_bytes else max_bytes + 1
        if c.data is not None:
            raw = c.data[:want]
        else:
            with open(c.path, "rb") as fh:
                raw = fh.read(want)
    except OSError as exc:
        return ParseError(rel, kind_label, f"cannot read: {exc.strerror or exc}")
    binary = _binary(rel, raw, named, kind_label)
    if binary is not None:
        return binary
    if size > max_bytes:
        return _oversize(rel, raw, named, kind_label, size, max_bytes)
    try:
        text = _decode(raw)
    except UnicodeDecodeError as exc:
        if named:
            return Skipped(rel, f"{named} and not UTF-8 text (byte {exc.start})")
        return ParseError(rel, kind_label, f"not valid UTF-8 (byte {exc.start}): {exc.reason}")
    doc = _sniffed(c, text, named) if named else _parse_text(c, text, guess)
    if isinstance(doc, Document) and not doc.structured and "openAPIV3Schema" in text:
        doc.documentation = schema.text_spans(text)  # schema text kept as text is still documentation
    return doc


def _binary(rel: str, raw: bytes, named: str | None, kind_label: str) -> Skipped | ParseError | None:
    """Skipped for binary content (with its evidence), an error for a text file that holds binary bytes."""
    for bom, name in BOMS:
        if raw.startswith(bom):
            return ParseError(rel, kind_label, f"encoded as {name} (byte-order mark): sovstack reads UTF-8 text; "
                                               "convert the file to UTF-8")
    nul = raw.find(b"\x00", 0, SNIFF_BYTES)
    magic = detect.binary_magic(raw)
    if nul < 0 and not (magic and named and named.startswith("binary")):
        return None
    evidence = magic or f"NUL byte at offset {nul} in the first 64 KiB"
    if named and named.startswith("binary"):
        return Skipped(rel, f"{named} and binary content ({evidence})")
    text_name = named or rel.lower().endswith(TEXT_KINDS_BY_EXT) or detect.by_name(rel)
    deep = detect.binary_magic(raw, deep=True) if not magic and not text_name else None
    if deep:  # a binary format known by its signature, under a name that does not say text (data.pickle)
        return Skipped(rel, f"binary content: {deep} (its signature), and the name is not a text kind")
    if named or rel.lower().endswith(TEXT_KINDS_BY_EXT) or detect.by_name(rel) or not _mostly_binary(raw):
        return ParseError(rel, kind_label, f"binary content ({evidence}) in a text file: NUL bytes in a "
                                           "configuration file hide text from every parser")
    return Skipped(rel, f"binary content: {evidence}, and most bytes are not text")


def _mostly_binary(raw: bytes) -> bool:
    head = raw[:SNIFF_BYTES]
    text = sum(1 for b in head if b in (9, 10, 13) or 32 <= b < 127)
    return text < 0.7 * len(head)


def _oversize(rel: str, raw: bytes, named: str | None, kind_label: str, size: int, limit: int) -> Skipped | ParseError:
    over = f"file is {size} bytes, over the {limit}-byte limit"
    if named:
        head = raw[:SNIFF_BYTES].decode("utf-8", errors="replace")
        if not (detect.text_shape(head) or detect.yaml_candidate("", head) or "<zabbix_export" in head):
            return Skipped(rel, f"{named}, {over}: its first 64 KiB hold no configuration content")
    return ParseError(rel, kind_label, over)


def _sniffed(c: Candidate, text: str, named: str) -> Document | Skipped:
    """A prose- or binary-named text file is evaluated when its content is a configuration kind."""
    shape = detect.text_shape(text)
    if shape:
        return Document(c.path, c.rel, shape, text)
    if "<zabbix_export" in text[:4096]:
        xml = _xml(c, text)
        if isinstance(xml, Document):
            return xml
    if text.lstrip()[:1] in ("{", "[") or detect.yaml_candidate("", text):
        try:
            loaded = yamlload.load(text)
        except (yaml.YAMLError, yamlload.YamlLimitError):
            loaded = None
        kind = detect.by_content("", loaded.docs) if loaded else None
        if kind in detect.SPECIFIC_KINDS or (loaded and (_settings(loaded.docs) or detect.url_list_data(loaded.docs))):
            return _structured(c, text, loaded, kind)
    return Skipped(c.rel, f"{named} with no configuration content")


def _settings(docs: list) -> bool:
    """Structured settings rather than prose that happens to parse: mappings of two or more identifier keys."""
    maps = [d for d in docs if isinstance(d, dict)]
    keys = [k for d in maps for k in d if not k.startswith("__")]
    return bool(maps) and len(maps) == len(docs) and len(keys) >= 2 and \
        all(re.fullmatch(r"[A-Za-z_][\w.-]*", k) for k in keys)


def _parse_text(c: Candidate, text: str, guess: Kind | None) -> Document | ParseError:
    rel = c.rel
    if guess is Kind.TERRAFORM:
        return _terraform(c, text)
    if guess is Kind.SOURCE:
        kind = Kind.PULUMI_PROGRAM if PULUMI_IMPORT.search(text) else Kind.SOURCE
        return Document(c.path, rel, kind, text, documentation=schema.docstrings(text) if ('"""' in text or "'''" in text)
                        and rel.lower().endswith(".py") else [])
    if guess in (Kind.ENV, Kind.SHELL):
        return Document(c.path, rel, guess, text)
    low = rel.lower()
    if low.endswith(".json"):
        return _json(c, text)
    if low.endswith(".xml"):
        return _xml(c, text)
    if guess is Kind.PULUMI_CONFIG or detect.yaml_candidate(rel, text):
        return _yaml(c, text, guess)
    return Document(c.path, rel, detect.text_kind(rel), text, template=detect.looks_templated(rel, text))


def _structured(c: Candidate, text: str, loaded: yamlload.Loaded, kind: Kind, template: bool = False) -> Document:
    documentation = schema.strip(loaded)  # schema descriptions, defaults and examples configure nothing
    return Document(c.path, c.rel, kind, text, loaded.docs, loaded.scalars, loaded.key_lines, True, template,
                    documentation=documentation)


def _yaml(c: Candidate, text: str, guess: Kind | None) -> Document | ParseError:
    rel = c.rel
    try:
        loaded = yamlload.load(text)
        return _structured(c, text, loaded, guess or detect.by_content(rel, loaded.docs),
                           detect.looks_templated(rel, text))
    except yamlload.YamlLimitError as exc:
        return ParseError(rel, (guess or Kind.YAML).value, f"YAML rejected: {exc}")
    except yaml.YAMLError as exc:
        first_error = _yaml_error(exc)
    declared = any(s in detect.YAML_EXT for s in detect.suffixes(rel)) or guess is Kind.PULUMI_CONFIG
    if not declared and not detect.has_markers(text):
        return Document(c.path, rel, detect.text_kind(rel), text)  # YAML-looking text of another format
    return _template_or_error(c, text, guess, ParseError(rel, (guess or Kind.YAML).value,
                                                         f"malformed YAML: {first_error}"))


def _template_or_error(c: Candidate, text: str, guess: Kind | None, error: ParseError) -> Document | ParseError:
    """A file its own parser refused: a template read with the structure that survives its tags, or, when
    the tags do not explain the failure, the parser's error. A file is a template by its name (`.j2`, `.tpl`)
    or by tags near the place its parse fails; `templates/` in the path alone makes nothing a template."""
    named = detect.template_name(c.rel)
    if not named and not detect.has_markers(text):
        return error
    mark = None
    for reading in (yamlload.desugar_template, yamlload.neutralise_template):
        try:
            loaded = yamlload.load(reading(text))
            return _structured(c, text, loaded, guess or detect.by_content(c.rel, loaded.docs), True)
        except yamlload.YamlLimitError as exc:
            return ParseError(c.rel, error.kind, f"YAML rejected: {exc}")
        except yaml.YAMLError as exc:
            mark = mark or getattr(exc, "problem_mark", None)
    if named or (mark is not None and _tag_near(text, mark.line)):
        return Document(c.path, c.rel, Kind.TEMPLATE, text, template=True)
    return error


def _tag_near(text: str, line: int) -> bool:
    """A template tag outside quoted strings within a few lines of `line` (0-based): the parse failure is the
    template's doing. Tags inside quotes (Alertmanager's `title: '{{ template "x" . }}'`) are values, not
    structure, so they never excuse a malformed file."""
    lines = text.splitlines()
    near = lines[max(line - TEMPLATE_NEAR_LINES, 0):line + TEMPLATE_NEAR_LINES + 1]
    return any(map(_unquoted_tag, near))


def _unquoted_tag(line: str) -> bool:
    bare = QUOTED.sub("", FULL_TAG.sub("\x01", line))  # whole tags first: quotes inside a tag delimit nothing
    return "\x01" in bare or bool(TAG_PIECE.search(bare))


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
            return _template_or_error(c, text, None, ParseError(c.rel, Kind.JSON.value, f"malformed JSON: {exc}"))
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
    try:
        data = hcl.loads(text)
    except hcl.HclError as exc:
        return ParseError(c.rel, Kind.TERRAFORM.value, f"malformed HCL: {exc}")
    return Document(c.path, c.rel, Kind.TERRAFORM, text, [data], structured=True)
