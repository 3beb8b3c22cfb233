"""Terraform values: variables (defaults, tfvars), locals, one level of module inputs and constant HCL functions."""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from sovstack.resolve import (MAX_CANDIDATES, MAX_CHARS, MAX_DEPTH, MAX_FILE_BYTES, Resolved, Scope, Unresolved, current, line_of,
                              origin)

TOKEN_RE = re.compile(r"""\s*(?:(?P<str>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(?P<num>\d+(?:\.\d+)?)|"""
                      r"""(?P<id>[A-Za-z_][A-Za-z0-9_-]*)|(?P<op>==|!=|>=|<=|&&|\|\||=>|\.\.\.|[-+*/%!<>?:.,()\[\]{}=]))""")

MODULE_SOURCE_RE = re.compile(r"""source\s*=\s*["']\.\.?/""")


def _scalar(value: Any) -> Any:
    """An attribute's value: the HCL parser wraps each attribute in a one-element list (exactly once)."""
    return value[0] if isinstance(value, list) and len(value) == 1 else value


@dataclass
class Module:
    """The variables, locals and tfvars of one Terraform module folder."""

    folder: Path
    variables: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # name -> (value, Origin)
    tfvars: dict[str, list[tuple[Any, Any]]] = field(default_factory=dict)  # name -> [(value, Origin)] by precedence
    alternatives: dict[str, list[tuple[Any, Any]]] = field(default_factory=dict)  # other *.tfvars (-var-file)
    locals: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)  # the files the summary was read from


def _parse_hcl(text: str) -> dict[str, Any] | None:
    import hcl2

    try:
        return hcl2.loads(text)
    except Exception:  # a file the parser cannot read gives no values (it is reported where it is checked)
        return None


def _read_tf(sc: Scope, path: Path, record: bool = True) -> dict[str, Any] | None:
    """Parsed HCL of a file: the run's Document when it has one, else parsed once per run (shared cache)."""
    key = ("hcl", str(path))
    text = sc.read_text(path, record) if path != sc.doc.path else sc.doc.text  # records the dependency
    if key not in sc.shared:
        doc = sc.doc if path == sc.doc.path else (sc.ws.by_path.get(path) if sc.ws is not None else None)
        if doc is not None and doc.data and doc.kind.value == "terraform":
            sc.shared[key] = doc.data[0]
        elif text is None:
            sc.shared[key] = None
        elif path.name.endswith(".json"):
            try:  # wrapped like the HCL parser wraps attributes
                loaded = json.loads(text)
                sc.shared[key] = {k: [v] for k, v in loaded.items()} if isinstance(loaded, dict) else None
            except ValueError:
                sc.shared[key] = None
        else:
            sc.shared[key] = _parse_hcl(text)
    return sc.shared[key]


def _text(sc: Scope, path: Path) -> str:
    if path.resolve() == sc.doc.path.resolve():
        return sc.doc.text
    return sc.read_text(path) or ""


def module(sc: Scope, folder: Path) -> Module:
    """Summary of a module folder, built once per run; each document using it records the files it stands on."""
    key = ("module", str(folder))
    if key in sc.shared:
        mod = sc.shared[key]
        sc.listdir(folder)
        for path in mod.files:
            sc.depend(path)
        return mod
    mod = Module(folder)
    sc.shared[key] = mod
    files = sc.listdir(folder)
    mod.files = [p for p in files if p.suffix == ".tf" or p.name.endswith((".tfvars", ".tfvars.json"))]
    for path in files:
        if path.suffix == ".tf":
            _collect_tf(sc, mod, path)
    ordered = [p for p in files if p.name in ("terraform.tfvars", "terraform.tfvars.json")] + \
        sorted(p for p in files if p.name.endswith((".auto.tfvars", ".auto.tfvars.json")))
    for path in reversed(ordered):  # later auto files win; all of them beat terraform.tfvars
        _collect_vars(sc, path, mod.tfvars)
    for path in files:
        if path.name.endswith((".tfvars", ".tfvars.json")) and path not in ordered:
            _collect_vars(sc, path, mod.alternatives)
    return mod


def _collect_tf(sc: Scope, mod: Module, path: Path) -> None:
    data = _read_tf(sc, path)
    if not isinstance(data, dict):
        return
    text = _text(sc, path)
    for block in data.get("variable") or []:
        for name, body in (block or {}).items():
            if isinstance(body, dict) and "default" in body:
                line = line_of(text, "default", body.get("__start_line__") or 1) or body.get("__start_line__")
                mod.variables[name] = (_scalar(body["default"]), origin(path, line, f"var.{name} default", sc))
    for block in data.get("locals") or []:
        for name, raw in (block or {}).items():
            if not name.startswith("__"):
                line = line_of(text, name, block.get("__start_line__") or 1)
                mod.locals[name] = (_scalar(raw), origin(path, line, f"local.{name}", sc))


def _collect_vars(sc: Scope, path: Path, into: dict[str, list[tuple[Any, Any]]]) -> None:
    data = _read_tf(sc, path)
    text = _text(sc, path)
    for name, raw in (data or {}).items():
        if not name.startswith("__"):
            into.setdefault(name, []).append((_scalar(raw), origin(path, line_of(text, name), f"var.{name} in {path.name}", sc)))


# ---- module inputs (one level) --------------------------------------------------------------------------------

def callers(sc: Scope, folder: Path) -> list[tuple[str, dict[str, Any], Path, Module]]:
    """(module name, block, file, calling module) of module blocks in the tree whose local source is folder.
    A caller may be added anywhere in the tree, so a result that consulted them is never cached."""
    sc.cacheable = False
    index = sc.shared.get("module-calls")
    if index is None:
        index = sc.shared["module-calls"] = _module_calls(sc)
    out = []
    for name, body, path in index.get(str(folder.resolve()), []):
        sc.depend(path)
        out.append((name, body, path, module(sc, path.parent)))
    return out


def _module_calls(sc: Scope) -> dict[str, list[tuple[str, dict[str, Any], Path]]]:
    """Every module block with a local source in the scanned tree, by the folder it calls (once per run)."""
    index: dict[str, list[tuple[str, dict[str, Any], Path]]] = {}
    for path in sc.ws.files if sc.ws is not None else []:
        if path.suffix != ".tf":
            continue
        text = sc.read_text(path, record=False)  # read to build the index, not a dependency of this document
        if not text or not MODULE_SOURCE_RE.search(text):
            continue
        for block in (_read_tf(sc, path, record=False) or {}).get("module") or []:
            for name, body in (block or {}).items():
                src = _scalar(body.get("source")) if isinstance(body, dict) else None
                if isinstance(src, str) and src.startswith(("./", "../")):
                    try:
                        target = str((path.parent / src).resolve())
                    except OSError:
                        continue
                    index.setdefault(target, []).append((name, body, path))
    return index


# ---- expressions ------------------------------------------------------------------------------------------------

Cands = list[Resolved]


def _cap(cands: Cands) -> Cands:
    seen, out = set(), []
    for c in cands:
        k = json.dumps(c.value, sort_keys=True, default=str)
        if k not in seen:
            seen.add(k)
            out.append(c)
    return out[:MAX_CANDIDATES]


def _product(args: list[Cands]) -> list[tuple[list[Any], tuple]]:
    out = []
    for combo in itertools.islice(itertools.product(*args), MAX_CANDIDATES):
        out.append(([c.value for c in combo], tuple(o for c in combo for o in c.chain)))
    return out


def split_template(s: str) -> list[tuple[bool, str]]:
    """[(is_expression, text)] of an HCL template string; %{ } directives make the whole string unresolvable."""
    if "%{" in s:
        raise Unresolved("template directive")
    parts, i, buf = [], 0, []
    while i < len(s):
        if s.startswith("$${", i):
            buf.append("${")
            i += 3
        elif s.startswith("${", i):
            if buf:
                parts.append((False, "".join(buf)))
                buf = []
            depth, j, quote = 1, i + 2, None
            while j < len(s) and depth:
                ch = s[j]
                if quote:
                    if ch == "\\":
                        j += 1
                    elif ch == quote:
                        quote = None
                elif ch in "\"'":
                    quote = ch
                elif ch == "{":
                    depth += 1
                elif ch == "}":
                    depth -= 1
                j += 1
            if depth:
                raise Unresolved("unbalanced interpolation")
            parts.append((True, s[i + 2:j - 1]))
            i = j
        else:
            buf.append(s[i])
            i += 1
    if buf:
        parts.append((False, "".join(buf)))
    return parts


class Evaluator:
    def __init__(self, sc: Scope | None, folder: Path | None, depth: int = 0):
        self.sc, self.folder, self.depth = sc, folder, depth

    # values as hcl2 gives them: strings are templates, lists and dicts hold values
    def value(self, raw: Any) -> Cands:
        if isinstance(raw, str):
            return self.template(raw)
        if isinstance(raw, list):
            items = [self.value(v) for v in raw]
            return [Resolved(vals, chain) for vals, chain in _product(items)] if items else [Resolved([])]
        if isinstance(raw, dict):
            keys = [k for k in raw if not str(k).startswith("__")]
            items = [self.value(raw[k]) for k in keys]
            return [Resolved(dict(zip(keys, vals)), chain) for vals, chain in _product(items)] if items else [Resolved({})]
        return [Resolved(raw)]

    def template(self, s: str) -> Cands:
        if len(s) > MAX_CHARS:
            raise Unresolved("too long")
        parts = split_template(s)
        if len(parts) == 1 and parts[0][0]:
            return self.expr(parts[0][1])
        pieces = [self.expr(t) if is_expr else [Resolved(t)] for is_expr, t in parts]
        return [Resolved("".join(_str(v) for v in vals), chain) for vals, chain in _product(pieces)] if pieces \
            else [Resolved("")]

    def expr(self, text: str) -> Cands:
        if self.depth > MAX_DEPTH:
            raise Unresolved("too deep")
        tokens = [(m.lastgroup, m.group(m.lastgroup)) for m in TOKEN_RE.finditer(text) if m.lastgroup]
        if "".join(t for _, t in tokens).replace(" ", "") != re.sub(r"\s+", "", text):
            raise Unresolved("unsupported syntax")
        parser = _Parser(tokens, self)
        out = parser.conditional()
        if parser.pos != len(tokens):
            raise Unresolved("unsupported syntax")
        return _cap(out)

    def reference(self, kind: str, name: str) -> Cands:
        if self.sc is None or self.folder is None:
            raise Unresolved("no scope")
        mod = module(self.sc, self.folder)
        if kind == "local" and name in mod.locals:
            raw, org = mod.locals[name]
            return self._follow(raw, org, self.folder)
        if kind != "var":
            raise Unresolved(f"{kind}.{name}")
        out: Cands = []
        given = mod.tfvars.get(name)
        if given:
            out += self._follow(given[0][0], given[0][1], self.folder)
        else:
            calls = callers(self.sc, self.folder)
            for mname, body, path, caller in calls:
                if name in body:
                    line = line_of(_text(self.sc, path), name, body.get("__start_line__") or 1)
                    org = origin(path, line, f"module.{mname} input {name}", self.sc)
                    out += Evaluator(self.sc, caller.folder, self.depth + 1)._with(_scalar(body[name]), org)
            if name in mod.variables and (not calls or any(name not in body for _, body, _, _ in calls)):
                out += self._follow(*mod.variables[name], self.folder)
        for raw, org in mod.alternatives.get(name, []):
            out += self._follow(raw, org, self.folder)
        if not out:
            raise Unresolved(f"var.{name} has no value")
        return out

    def _follow(self, raw: Any, org: Any, folder: Path) -> Cands:
        return Evaluator(self.sc, folder, self.depth + 1)._with(raw, org)

    def _with(self, raw: Any, org: Any) -> Cands:
        return [Resolved(c.value, (*c.chain, org) if c.chain else (org,)) for c in self.value(raw)]


def _str(v: Any) -> str:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (dict, list)) or v is None:
        raise Unresolved("not a string")
    return str(v)


def _unquote(tok: str) -> str:
    body = tok[1:-1]
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), body)


def _index(value: Any, key: Any) -> Any:
    if isinstance(value, dict) and str(key) in value:
        return value[str(key)]
    if isinstance(value, list) and isinstance(key, (int, float)) and 0 <= int(key) < len(value):
        return value[int(key)]
    raise Unresolved("index")


def _format(fmt: Any, *args: Any) -> str:
    vals = iter(args)

    def sub(m: re.Match[str]) -> str:
        return "%" if m.group(0) == "%%" else _str(next(vals))

    try:
        return re.sub(r"%%|%[-+#0 ]*\d*(?:\.\d+)?[sdvqft]", sub, _str(fmt))
    except StopIteration as exc:
        raise Unresolved("format args") from exc


def _lookup(m: Any, k: Any, *default: Any) -> Any:
    if isinstance(m, dict) and str(k) in m:
        return m[str(k)]
    if default:
        return default[0]
    raise Unresolved("lookup")


FUNCS: dict[str, Callable[..., Any]] = {
    "format": _format,
    "join": lambda sep, *lists: _str(sep).join(_str(x) for lst in lists for x in lst),
    "lookup": _lookup,
    "lower": lambda s: _str(s).lower(),
    "upper": lambda s: _str(s).upper(),
    "trimspace": lambda s: _str(s).strip(),
    "tostring": _str,
    "element": lambda lst, i: lst[int(i) % len(lst)] if isinstance(lst, list) and lst else _index(lst, i),
    "concat": lambda *lists: [x for lst in lists for x in lst],
    "replace": lambda s, a, b: _str(s).replace(_str(a), _str(b)),
    "coalesce": lambda *xs: next(x for x in xs if x not in (None, "")),
    "split": lambda sep, s: _str(s).split(_str(sep)),
    "trimsuffix": lambda s, x: _str(s)[:-len(_str(x))] if _str(s).endswith(_str(x)) and _str(x) else _str(s),
    "trimprefix": lambda s, x: _str(s)[len(_str(x)):] if _str(s).startswith(_str(x)) else _str(s),
}


class _Parser:
    def __init__(self, tokens: list[tuple[str, str]], ev: Evaluator):
        self.toks, self.pos, self.ev = tokens, 0, ev

    def peek(self) -> str | None:
        return self.toks[self.pos][1] if self.pos < len(self.toks) else None

    def take(self, want: str | None = None) -> tuple[str, str]:
        if self.pos >= len(self.toks) or (want is not None and self.toks[self.pos][1] != want):
            raise Unresolved("syntax")
        self.pos += 1
        return self.toks[self.pos - 1]

    def conditional(self) -> Cands:
        start = self.pos
        try:
            cond = self.binary()
        except Unresolved:  # an unknown condition still leaves both branches possible
            if not self._skip_to_question(start):
                raise
            cond = [Resolved(True), Resolved(False)]
        if self.peek() != "?":
            return cond
        self.take("?")
        yes = self.conditional()
        self.take(":")
        no = self.conditional()
        values = {c.value for c in cond if isinstance(c.value, bool)} if all(isinstance(c.value, bool) for c in cond) \
            else {True, False}
        return _cap((yes if True in values else []) + (no if False in values else []))

    def binary(self) -> Cands:
        left = self.unary()
        while self.peek() in ("==", "!=", "&&", "||", ">", "<", ">=", "<=", "+", "-", "*", "/", "%"):
            op = self.take()[1]
            right = self.unary()
            if op in ("==", "!="):
                vals = {(a.value == b.value) == (op == "==") for a in left for b in right} \
                    if all(_known(c) for c in left + right) else {True, False}
                left = [Resolved(v) for v in vals]
            else:
                left = [Resolved(True), Resolved(False)] if op in ("&&", "||", ">", "<", ">=", "<=") else \
                    _arith(op, left, right)
        return left

    def unary(self) -> Cands:
        if self.peek() == "!":
            self.take()
            self.unary()
            return [Resolved(True), Resolved(False)]
        if self.peek() == "-":
            self.take()
            return [Resolved(-c.value, c.chain) for c in self.unary() if isinstance(c.value, (int, float))] or \
                _raise("negation")
        return self.postfix(self.primary())

    def primary(self) -> Cands:
        kind, tok = self.take()
        if kind == "str":
            return self.ev.template(_unquote(tok))
        if kind == "num":
            return [Resolved(float(tok) if "." in tok else int(tok))]
        if tok == "(":
            out = self.conditional()
            self.take(")")
            return out
        if tok == "[":
            return self._list()
        if tok == "{":
            return self._map()
        if kind != "id":
            raise Unresolved("syntax")
        if tok in ("true", "false"):
            return [Resolved(tok == "true")]
        if tok == "null":
            return [Resolved(None)]
        if self.peek() == "(":
            return self._call(tok)
        if tok in ("var", "local") and self.peek() == ".":
            self.take(".")
            return self.ev.reference(tok, self.take()[1])
        raise Unresolved(tok)

    def _list(self) -> Cands:
        items: list[Cands] = []
        while self.peek() != "]":
            items.append(self.conditional())
            if self.peek() == ",":
                self.take(",")
        self.take("]")
        return [Resolved(vals, chain) for vals, chain in _product(items)] if items else [Resolved([])]

    def _map(self) -> Cands:
        keys, items = [], []
        while self.peek() != "}":
            kind, key = self.take()
            keys.append(_unquote(key) if kind == "str" else key)
            self.take("=" if self.peek() == "=" else ":")
            items.append(self.conditional())
            if self.peek() == ",":
                self.take(",")
        self.take("}")
        return [Resolved(dict(zip(keys, vals)), chain) for vals, chain in _product(items)] if items else [Resolved({})]

    def _call(self, name: str) -> Cands:
        self.take("(")
        args: list[Cands] = []
        while self.peek() != ")":
            if name == "try":
                start = self.pos
                try:
                    args.append(self.conditional())
                except Unresolved:
                    self._skip_arg(start)
                    args.append([])
            else:
                args.append(self.conditional())
            if self.peek() == ",":
                self.take(",")
        self.take(")")
        if name == "try":
            return next((a for a in args if a), None) or _raise("try")
        fn = FUNCS.get(name)
        if fn is None:
            raise Unresolved(f"function {name}")
        out = []
        for vals, chain in _product(args):
            try:
                out.append(Resolved(fn(*vals), chain))
            except (TypeError, ValueError, IndexError, KeyError, StopIteration, ZeroDivisionError):
                raise Unresolved(name) from None
        return out

    def _skip_to_question(self, start: int) -> bool:
        pos, depth = start, 0
        while pos < len(self.toks):
            tok = self.toks[pos][1]
            if tok in ("(", "[", "{"):
                depth += 1
            elif tok in (")", "]", "}"):
                if depth == 0:
                    return False
                depth -= 1
            elif tok == "?" and depth == 0:
                self.pos = pos
                return True
            elif tok in (",", ":") and depth == 0:
                return False
            pos += 1
        return False

    def _skip_arg(self, start: int) -> None:
        self.pos, depth = start, 0
        while self.pos < len(self.toks):
            tok = self.toks[self.pos][1]
            if tok in "([{":
                depth += 1
            elif tok in ")]}":
                if depth == 0:
                    return
                depth -= 1
            elif tok == "," and depth == 0:
                return
            self.pos += 1

    def postfix(self, cands: Cands) -> Cands:
        while self.peek() in (".", "["):
            if self.take()[1] == ".":
                kind, key = self.take()
                if key == "*":
                    raise Unresolved("splat")
                keys = [Resolved(int(key) if kind == "num" else key)]
            else:
                keys = self.conditional()
                self.take("]")
            cands = [Resolved(_index(c.value, k.value), c.chain + k.chain) for c in cands for k in keys]
        return cands


def _known(c: Resolved) -> bool:
    return isinstance(c.value, (str, int, float, bool)) or c.value is None


def _arith(op: str, left: Cands, right: Cands) -> Cands:
    out = []
    for a in left:
        for b in right:
            if not (isinstance(a.value, (int, float)) and isinstance(b.value, (int, float))):
                raise Unresolved("arithmetic")
            try:
                v = {"+": a.value + b.value, "-": a.value - b.value, "*": a.value * b.value}.get(op)
            except TypeError:
                v = None
            if v is None:
                raise Unresolved("arithmetic")
            out.append(Resolved(v, a.chain + b.chain))
    return _cap(out)


def _raise(why: str) -> Cands:
    raise Unresolved(why)


def resolve(text: Any, line: int | None = None) -> list[Resolved]:
    """Candidates of an HCL value of the current document (see sovstack.resolve); [] when it cannot be known."""
    sc = current()
    folder = sc.doc.path.parent if sc is not None and sc.doc.kind.value == "terraform" else None
    try:
        out = Evaluator(sc, folder).value(_scalar(text))
    except (Unresolved, RecursionError):
        return []
    if sc is not None and line:
        used = origin(sc.doc.path, line, "used here", sc)
        out = [Resolved(c.value, (*c.chain, used)) for c in out]
    return out
