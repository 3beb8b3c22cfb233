"""Channel facts from program source where the address is assembled from constant pieces: string concatenation,
f-strings and template literals over constants, `"".join([...])`, names bound once to such values.

Nothing is run: Python is read with the standard `ast` module and folded only over string constants; other
languages (JavaScript/TypeScript, Go, Java, Kotlin, C#, PHP, Ruby) by their shared literal syntax — adjacent
string literals joined by `+`, and names bound once (`const X = "..."`, `X := "..."`) used in such a join or in a
template literal `${X}`. A piece that is not a constant stays a placeholder, so only the constant parts can make
an address; whatever is already visible as one literal is reported by the plain text checks.
"""

from __future__ import annotations

import ast
import re
from pathlib import PurePosixPath
from typing import Iterator

from sovstack.collect.document import Document
from sovstack.facts import Channel, Origin, Workspace, extractor

MAX_SOURCE = 2_000_000  # characters; larger files are read line by line only
MAX_FOLD = 4096  # longest folded value considered
HOLE = "\x00"  # stands for a piece whose value is unknown
PY = (".py", ".pyw")
# a file without any of these marks assembles no string (cheap test before parsing)
ASSEMBLY_RE = re.compile(r"\+|\{|\.join\(|[\"']\s*\n\s*[\"']")
C_LIKE = (".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".go", ".java", ".kt", ".kts", ".cs", ".php", ".rb",
          ".groovy", ".scala", ".swift", ".rs", ".dart")


@extractor("source", "pulumi-program")
def assembled_channels(doc: Document, ws: Workspace) -> Iterator[Channel]:
    from sovstack.extract.channels import _in_value  # the one definition of "a value addresses a messenger"

    suffix = PurePosixPath(doc.rel).suffix.lower()
    text = doc.text or ""
    if len(text) > MAX_SOURCE or not ASSEMBLY_RE.search(text):
        return
    folded = _python(text) if suffix in PY else _c_like(text) if suffix in C_LIKE else []
    seen: set[tuple[int, str]] = set()
    for line, value, pieces in folded:
        if HOLE not in value and value in pieces:
            continue
        plain = {mid for p in pieces for mid, _how, _what in _in_value(p)}
        for mid, how, what in _in_value(value.replace(HOLE, "${v}")):
            if mid in plain or (line, mid) in seen:  # one literal already says it: the plain checks report it
                continue
            seen.add((line, mid))
            yield Channel(service=mid, line=line, how=f"assembled-{how}", endpoint=what,
                          chain=[Origin(doc.rel, line, f"address assembled from constant pieces: {what[:80]}")])


# ---- Python -----------------------------------------------------------------------------------------------------

def _python(text: str) -> list[tuple[int, str, list[str]]]:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    bound: dict[str, list[ast.AST]] = {}
    candidates: list[ast.AST] = []
    out: list[tuple[int, str, list[str]]] = []
    for node in ast.walk(tree):  # one pass: names bound, and the expressions that may assemble a string
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    bound.setdefault(target.id, []).append(node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            bound.setdefault(node.target.id, []).append(node.value)
        elif isinstance(node, (ast.AugAssign, ast.For, ast.AsyncFor, ast.NamedExpr, ast.comprehension)):
            for n in ast.walk(node.target):
                if isinstance(n, ast.Name):
                    bound.setdefault(n.id, []).append(n)  # rebound: not a constant
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            for n in ast.walk(node.optional_vars):
                if isinstance(n, ast.Name):
                    bound.setdefault(n.id, []).append(n)
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add) and (_stringish(node.left) or
                                                                            _stringish(node.right)):
            candidates.append(node)
        elif isinstance(node, ast.JoinedStr) and any(isinstance(v, ast.FormattedValue) and isinstance(v.value, ast.Name)
                                                     for v in node.values):
            candidates.append(node)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join":
            candidates.append(node)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) and \
                (node.end_lineno or 0) > node.lineno and "." in node.value:
            # implicit concatenation over lines ("https://api.tele" "gram.org"): each physical line is a piece
            out.append((node.lineno, node.value[:MAX_FOLD], text.splitlines()[node.lineno - 1:node.end_lineno]))
    consts = {k: v[0] for k, v in bound.items() if len(v) == 1}
    inner: set[int] = set()
    for node in candidates:  # ast.walk is breadth-first: an outer expression comes before its parts
        if id(node) in inner:
            continue
        pieces: list[str] = []
        value = _fold(node, consts, pieces, 0)
        if value is None or "." not in value or len(pieces) < 2 and not _uses_name(node, consts):
            continue
        inner.update(id(n) for n in ast.walk(node) if n is not node)
        out.append((node.lineno, value, pieces))
    return out


def _stringish(node: ast.AST) -> bool:
    return isinstance(node, (ast.JoinedStr, ast.Name, ast.BinOp)) or \
        isinstance(node, ast.Constant) and isinstance(node.value, str)


def _uses_name(node: ast.AST, consts: dict[str, ast.expr]) -> bool:
    return any(isinstance(n, ast.Name) and n.id in consts for n in ast.walk(node))


def _fold(node: ast.AST, consts: dict[str, ast.expr], pieces: list[str], depth: int) -> str | None:
    """The string value of a constant expression (unknown parts as HOLE), or None when it is not a string."""
    if depth > 12:
        return None
    if isinstance(node, ast.Constant):
        if isinstance(node.value, str):
            pieces.append(node.value)
            return node.value[:MAX_FOLD]
        return str(node.value) if isinstance(node.value, int) and not isinstance(node.value, bool) else None
    if isinstance(node, ast.Name):
        bound = consts.get(node.id)
        if bound is None or bound is node:
            return HOLE
        sub: list[str] = []
        value = _fold(bound, consts, sub, depth + 1)
        return HOLE if value is None else value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = _fold(node.left, consts, pieces, depth + 1)
        right = _fold(node.right, consts, pieces, depth + 1)
        if left is None and right is None:
            return None
        return ((left or HOLE) + (right or HOLE))[:MAX_FOLD]
    if isinstance(node, ast.JoinedStr):
        parts = []
        for v in node.values:
            if isinstance(v, ast.FormattedValue):
                parts.append(_fold(v.value, consts, pieces, depth + 1) or HOLE if v.format_spec is None else HOLE)
            else:
                parts.append(_fold(v, consts, pieces, depth + 1) or "")
        return "".join(parts)[:MAX_FOLD]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "join" \
            and len(node.args) == 1 and isinstance(node.args[0], (ast.List, ast.Tuple)):
        sep = _fold(node.func.value, consts, pieces, depth + 1)
        items = [_fold(e, consts, pieces, depth + 1) for e in node.args[0].elts]
        if sep is None or any(i is None for i in items):
            return None
        return sep.join(items)[:MAX_FOLD]
    return None


# ---- C-like languages -------------------------------------------------------------------------------------------

STR = r"\"(?:[^\"\\\n]|\\.){0,1024}\"|'(?:[^'\\\n]|\\.){0,1024}'|`[^`]{0,4096}`"
IDENT = r"[A-Za-z_$][\w$]{0,64}(?:\.[A-Za-z_$][\w$]{0,64}){0,3}"
JOIN_RE = re.compile(rf"(?:{STR}|{IDENT})(?:\s{{0,8}}\+\s{{0,8}}(?:{STR}|{IDENT})){{1,32}}")
BIND_RE = re.compile(rf"(?m)(?:\b(?:const|let|var|val|final|static|readonly|string|String|str)\s+(?:[\w<>\[\]]+\s+)?)?"
                     rf"\b(?P<name>[A-Za-z_$][\w$]{{0,64}})\s*(?::\s*[\w<>\[\]]+\s*)?(?::=|=)\s*(?P<value>{STR})\s*[;,\n)]")
TOKEN_RE = re.compile(rf"{STR}|{IDENT}")
ARRAY_JOIN_RE = re.compile(rf"\[\s{{0,8}}(?P<items>(?:{STR})(?:\s{{0,8}},\s{{0,8}}(?:{STR})){{0,32}})\s{{0,8}},?\s{{0,8}}\]"
                           rf"\s{{0,8}}\.\s{{0,8}}join\(\s{{0,8}}(?P<sep>{STR})?\s{{0,8}}\)")
TEMPLATE_RE = re.compile(r"`[^`]{0,4096}`")
INTERP_RE = re.compile(r"\$\{\s*([A-Za-z_$][\w$]{0,64})\s*\}")


def _c_like(text: str) -> list[tuple[int, str, list[str]]]:
    consts = _c_bound_once(text)
    out: list[tuple[int, str, list[str]]] = []
    for m in JOIN_RE.finditer(text):
        pieces: list[str] = []
        parts = []
        literal = False
        for tok in TOKEN_RE.findall(m.group(0)):
            if tok[0] in "\"'`":
                literal = True
                pieces.append(_unquote(tok))
                parts.append(_template(_unquote(tok), consts) if tok[0] == "`" else _unquote(tok))
            else:
                parts.append(consts.get(tok, HOLE))
        if literal or any(p != HOLE for p in parts):
            out.append((text.count("\n", 0, m.start()) + 1, "".join(parts)[:MAX_FOLD], pieces))
    for m in ARRAY_JOIN_RE.finditer(text):  # ["hooks", "slack", "com"].join(".")
        items = [_unquote(t) for t in re.findall(STR, m.group("items"))]
        sep = _unquote(m.group("sep")) if m.group("sep") else ","
        out.append((text.count("\n", 0, m.start()) + 1, sep.join(items)[:MAX_FOLD], items))
    for m in TEMPLATE_RE.finditer(text):
        if "${" in m.group(0):
            raw = _unquote(m.group(0))
            out.append((text.count("\n", 0, m.start()) + 1, _template(raw, consts), [INTERP_RE.sub(HOLE, raw)]))
    return out


def _c_bound_once(text: str) -> dict[str, str]:
    found: dict[str, list[str]] = {}
    for m in BIND_RE.finditer(text):
        found.setdefault(m.group("name"), []).append(_unquote(m.group("value")))
    return {k: v[0] for k, v in found.items() if len(v) == 1 and "${" not in v[0]}


def _template(raw: str, consts: dict[str, str]) -> str:
    return INTERP_RE.sub(lambda m: consts.get(m.group(1), HOLE), raw)


def _unquote(tok: str) -> str:
    return tok[1:-1] if len(tok) >= 2 else tok
