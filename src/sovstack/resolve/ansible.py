"""Ansible values: Jinja constant expressions over role defaults/vars, inventory vars, play vars and set_fact."""

from __future__ import annotations

import itertools
from contextvars import ContextVar
from functools import lru_cache
import re
from pathlib import Path
from typing import Any

import jinja2
import jinja2.nodes as nodes

from sovstack.resolve import MAX_CANDIDATES, MAX_CHARS, MAX_DEPTH, Resolved, Scope, Unresolved, current, origin

Defs = dict[str, list[tuple[Any, Any]]]
GROUP_LEVEL = 3  # index of inventory group/host vars in layers()  # name -> [(raw value, Origin)], alternatives of one precedence level
YAML_EXT = (".yml", ".yaml", ".json", "")
_ENV = jinja2.Environment()  # used to parse only; nothing is ever rendered


@lru_cache(maxsize=16384)
def _parse(text: str) -> nodes.Template | None:
    """Jinja's syntax tree of a value, None when it is not Jinja (a Go template): the same value is read many
    times in a run (the tree is only ever walked, never changed or rendered)."""
    try:
        return _ENV.parse(text)
    except jinja2.TemplateSyntaxError:
        return None


def _load_yaml(sc: Scope, path: Path) -> tuple[dict[str, Any], dict[str, int]] | None:
    from sovstack.collect import yamlload

    key = ("yaml", str(path))
    text = sc.read_text(path)  # records the dependency; the parse is shared by the run
    if key not in sc.shared:
        try:
            loaded = yamlload.load(text) if text else None
        except Exception:  # unreadable YAML gives no values; it is reported where it is checked
            loaded = None
        doc = loaded.docs[0] if loaded and loaded.docs and isinstance(loaded.docs[0], dict) else None
        sc.shared[key] = (doc, loaded.key_lines.get(id(doc), {}) if doc is not None else {}) if doc is not None else None
    return sc.shared[key]


def _vars_file(sc: Scope, path: Path, note: str, into: Defs) -> None:
    key = ("vars-defs", str(path), note, str(sc.root))
    got = _load_yaml(sc, path)  # records the dependency on every use; parsed once per run
    if not got:
        return
    if key not in sc.shared:  # the definitions of a vars file, built once per run (kubespray: 8,000 uses)
        data, lines = got
        sc.shared[key] = [(name, raw, origin(path, lines.get(name), f"{name} from {note}", sc))
                          for name, raw in data.items() if isinstance(name, str) and not name.startswith("__")]
    for name, raw, org in sc.shared[key]:
        into.setdefault(name, []).append((raw, org))


def _vars_dir_or_file(sc: Scope, base: Path, note: str, into: Defs) -> None:
    """group_vars/<name>.yml, group_vars/<name> (file) or group_vars/<name>/*.yml."""
    if base.is_dir():
        for p in sc.listdir(base):
            if p.is_file() and p.suffix in YAML_EXT:
                _vars_file(sc, p, note, into)
    else:
        for ext in YAML_EXT:
            p = base.with_name(base.name + ext) if ext else base
            if p.is_file():
                _vars_file(sc, p, note, into)


def _inventory_dirs(sc: Scope) -> list[Path]:
    """Folders holding group_vars/host_vars, from the document's folder up to the scanned root."""
    out, folder, root = [], sc.doc.path.parent, sc.root.resolve()
    for _ in range(MAX_DEPTH):
        for cand in (folder, folder / "inventory", folder / "inventories"):
            if (cand / "group_vars").is_dir() or (cand / "host_vars").is_dir():
                out.append(cand)
            if cand.name in ("inventory", "inventories") and cand.is_dir():
                out += [c for c in sc.listdir(cand) if c.is_dir() and ((c / "group_vars").is_dir() or (c / "host_vars").is_dir())]
        if folder.resolve() == root or folder.parent == folder:
            break
        folder = folder.parent
    return list(dict.fromkeys(out))


def _role_dir(path: Path) -> Path | None:
    parts = path.parts
    for i in range(len(parts) - 2, 0, -1):
        if parts[i - 1] == "roles" and parts[i + 1] in ("tasks", "handlers", "templates", "defaults", "vars", "meta"):
            return Path(*parts[:i + 1])
    return None


def layers(sc: Scope) -> list[Defs]:
    """Variable definitions by Ansible precedence, lowest first; a level may hold alternatives (groups, hosts)."""
    if "ansible-layers" in sc.memo:
        return sc.memo["ansible-layers"]
    role = _role_dir(sc.doc.path)
    invs = _inventory_dirs(sc)
    key = ("ansible-files-layers", str(sc.root), str(role), tuple(map(str, invs)))
    if key not in sc.shared:  # role and inventory variables: the same for every file of a role (built once per run)
        deps, folders = sc.deps, sc.folders
        sc.deps, sc.folders = set(), set()  # what the build reads, recorded again for each document that uses it
        try:
            sc.shared[key] = (*_file_layers(sc, role, invs), frozenset(sc.deps), frozenset(sc.folders))
        finally:
            sc.deps, sc.folders = deps | sc.deps, folders | sc.folders
    defaults, all_vars, groups, role_vars, read, listed = sc.shared[key]
    for path in read:
        sc.depend(path)
    sc.folders.update(listed)
    play = _play_vars(sc)
    facts = _set_facts(sc)
    sc.memo["ansible-layers"] = out = [_task_vars(sc), defaults, all_vars, groups, play, role_vars, facts]
    return out


def _file_layers(sc: Scope, role: Path | None, invs: list[Path]) -> tuple[Defs, Defs, Defs, Defs]:
    defaults: Defs = {}
    if role:
        _vars_dir_or_file(sc, role / "defaults" / "main", "role defaults", defaults)
    all_vars: Defs = {}
    groups: Defs = {}
    for inv in invs:
        _vars_dir_or_file(sc, inv / "group_vars" / "all", "group_vars/all", all_vars)
        for folder, note in ((inv / "group_vars", "group_vars"), (inv / "host_vars", "host_vars")):
            for p in sc.listdir(folder):
                if p.stem != "all":
                    _vars_dir_or_file(sc, p.with_suffix("") if p.is_file() else p, f"{note}/{p.stem}", groups)
    role_vars: Defs = {}
    if role:
        _vars_dir_or_file(sc, role / "vars" / "main", "role vars", role_vars)
    return defaults, all_vars, groups, role_vars


def _task_vars(sc: Scope) -> Defs:
    """vars: of any task in the file: the lowest level, used only when nothing else defines the name (a value
    found without knowing which task it is in)."""
    from sovstack.checks.engine import iter_tasks

    out: Defs = {}
    for task in iter_tasks(sc.doc.data):
        if isinstance(task.get("vars"), dict):
            for name, raw in task["vars"].items():
                out.setdefault(name, []).append((raw, origin(sc.doc.path, sc.doc.key_line(task["vars"], name),
                                                              f"{name} from task vars", sc)))
    return out


def _play_vars(sc: Scope) -> Defs:
    out: Defs = {}
    for play in sc.doc.data[0] if sc.doc.data and isinstance(sc.doc.data[0], list) else []:
        if not isinstance(play, dict) or "hosts" not in play:
            continue
        if isinstance(play.get("vars"), dict):
            for name, raw in play["vars"].items():
                out.setdefault(name, []).append((raw, origin(sc.doc.path, sc.doc.key_line(play["vars"], name),
                                                              f"{name} from play vars", sc)))
        for f in play.get("vars_files") or []:
            if isinstance(f, str) and "{{" not in f:
                _vars_file(sc, sc.doc.path.parent / f, f"vars_files {f}", out)
    return out


def _set_facts(sc: Scope) -> Defs:
    from sovstack.checks.engine import iter_tasks

    out: Defs = {}
    role = _role_dir(sc.doc.path)
    for task in iter_tasks(sc.doc.data):
        for mod in ("set_fact", "ansible.builtin.set_fact"):
            args = task.get(mod)
            if isinstance(args, dict):
                for name, raw in args.items():
                    if not str(name).startswith("__") and name != "cacheable":
                        out.setdefault(name, []).append((raw, origin(sc.doc.path, sc.doc.key_line(args, name),
                                                                      f"{name} from set_fact", sc)))
        for mod in ("include_vars", "ansible.builtin.include_vars"):
            args = task.get(mod)
            f = args.get("file") if isinstance(args, dict) else args
            if isinstance(f, str) and "{{" not in f:
                base = (role / "vars") if role else sc.doc.path.parent
                _vars_file(sc, base / f, f"include_vars {f}", out)
    return out


def lookup(sc: Scope, name: str, task: dict | None, depth: int) -> list[Resolved]:
    """Candidates of an Ansible variable: the highest level that defines it (with lower ones under groups)."""
    if task and isinstance(task.get("vars"), dict) and name in task["vars"]:
        return _eval_raw(sc, task["vars"][name], origin(sc.doc.path, task.get("__startline__"), f"{name} from task vars", sc),
                         task, depth)
    levels = layers(sc)
    out: list[Resolved] = []
    for i in range(len(levels) - 1, -1, -1):
        defs = levels[i].get(name)
        if not defs:
            continue
        for raw, org in defs:
            out += _eval_raw(sc, raw, org, task, depth)
        if i != GROUP_LEVEL:  # group/host vars apply to some hosts only: the level under them still applies to the rest
            break
    if not out:
        raise Unresolved(name)
    return out[:MAX_CANDIDATES]


def _eval_raw(sc: Scope, raw: Any, org: Any, task: dict | None, depth: int) -> list[Resolved]:
    if depth > MAX_DEPTH:
        raise Unresolved("too deep")
    if isinstance(raw, str) and "{{" in raw:
        inner = _Eval(sc, task, depth + 1).template(raw)
    else:
        inner = [Resolved(raw)]
    return [Resolved(c.value, (*c.chain, org)) for c in inner]


def _product(args: list[list[Resolved]]) -> list[tuple[list[Any], tuple]]:
    return [([c.value for c in combo], tuple(o for c in combo for o in c.chain))
            for combo in itertools.islice(itertools.product(*args), MAX_CANDIDATES)]


def _s(v: Any) -> str:
    if isinstance(v, (dict, list)) or v is None:
        raise Unresolved("not a string")
    return str(v)


FILTERS = {
    "lower": lambda v: _s(v).lower(), "upper": lambda v: _s(v).upper(), "trim": lambda v: _s(v).strip(),
    "string": _s, "join": lambda v, sep="": _s(sep).join(_s(x) for x in v),
    "format": lambda v, *a: _s(v) % tuple(a), "replace": lambda v, a, b: _s(v).replace(_s(a), _s(b)),
    "first": lambda v: v[0], "last": lambda v: v[-1], "quote": _s,
    "regex_replace": None,  # handled as unresolved: a regex is not a constant operation we reproduce
}


class _Eval:
    def __init__(self, sc: Scope | None, task: dict | None, depth: int = 0):
        self.sc, self.task, self.depth = sc, task, depth

    def template(self, text: str) -> list[Resolved]:
        if len(text) > MAX_CHARS:
            raise Unresolved("too long")
        tree = _parse(text)
        if tree is None:
            raise Unresolved("syntax")
        if len(tree.body) != 1 or not isinstance(tree.body[0], nodes.Output):
            raise Unresolved("statements")
        parts = [self.node(n) for n in tree.body[0].nodes]
        if len(parts) == 1:
            return parts[0]
        return [Resolved("".join(_s(v) for v in vals), chain) for vals, chain in _product(parts)]

    def node(self, n: nodes.Node) -> list[Resolved]:
        if isinstance(n, nodes.TemplateData):
            return [Resolved(n.data)]
        if isinstance(n, nodes.Const):
            return [Resolved(n.value)]
        if isinstance(n, nodes.Name):
            try:
                if self.sc is None:
                    raise Unresolved(n.name)
                return lookup(self.sc, n.name, self.task, self.depth)
            except Unresolved:
                if _HOLES.get():  # a vaulted token or a per-host id: the constant parts still say where it goes
                    return [Resolved(HOLE)]
                raise
        if isinstance(n, (nodes.List, nodes.Tuple)):
            return [Resolved(list(vals), chain) for vals, chain in _product([self.node(i) for i in n.items])]
        if isinstance(n, nodes.Dict):
            keys = [self.node(p.key) for p in n.items]
            vals = [self.node(p.value) for p in n.items]
            return [Resolved(dict(zip(v[:len(keys)], v[len(keys):])), c) for v, c in _product(keys + vals)]
        if isinstance(n, nodes.Concat):
            return [Resolved("".join(_s(v) for v in vals), c) for vals, c in _product([self.node(i) for i in n.nodes])]
        if isinstance(n, nodes.Add):
            return self._binary(n, lambda a, b: a + b)
        if isinstance(n, nodes.Mod):
            return self._binary(n, lambda a, b: _s(a) % (tuple(b) if isinstance(b, list) else b))
        if isinstance(n, nodes.CondExpr):
            return (self.node(n.expr1) + (self.node(n.expr2) if n.expr2 is not None else []))[:MAX_CANDIDATES]
        if isinstance(n, (nodes.Getattr, nodes.Getitem)):
            key = n.attr if isinstance(n, nodes.Getattr) else None
            keys = [Resolved(key)] if key is not None else self.node(n.arg)
            return [Resolved(_index(c.value, k.value), c.chain + k.chain) for c in self.node(n.node) for k in keys]
        if isinstance(n, nodes.Filter):
            return self._filter(n)
        raise Unresolved(type(n).__name__)

    def _binary(self, n: nodes.BinExpr, fn) -> list[Resolved]:
        out = []
        for vals, chain in _product([self.node(n.left), self.node(n.right)]):
            try:
                out.append(Resolved(fn(*vals), chain))
            except (TypeError, ValueError) as exc:
                raise Unresolved("operator") from exc
        return out

    def _filter(self, n: nodes.Filter) -> list[Resolved]:
        if n.name in ("default", "d"):
            try:
                base = self.node(n.node)
            except Unresolved:
                base = []
            return base or (self.node(n.args[0]) if n.args else [])
        fn = FILTERS.get(n.name)
        if fn is None:
            raise Unresolved(f"filter {n.name}")
        args = [self.node(n.node)] + [self.node(a) for a in n.args]
        out = []
        for vals, chain in _product(args):
            try:
                out.append(Resolved(fn(*vals), chain))
            except (TypeError, ValueError, IndexError, KeyError) as exc:
                raise Unresolved(n.name) from exc
        return out


def _index(value: Any, key: Any) -> Any:
    if isinstance(value, dict) and key in value:
        return value[key]
    if isinstance(value, list) and isinstance(key, int) and -len(value) <= key < len(value):
        return value[key]
    raise Unresolved("index")


VAR_RE = re.compile(r"\{\{")
HOLE = "{{?}}"  # what an unknown variable becomes with holes=True
_HOLES: ContextVar[bool] = ContextVar("sovstack_jinja_holes", default=False)


def resolve(text: Any, task: dict | None = None, holes: bool = False) -> list[Resolved]:
    """Candidates of a Jinja value of the current document (see sovstack.resolve); [] when it cannot be known.
    With holes, a variable that cannot be resolved becomes HOLE instead of making the whole value unknown (for
    questions the constant parts can answer, such as which host a URL names)."""
    if not isinstance(text, str) or not VAR_RE.search(text):
        return [Resolved(text)]
    sc = current()
    token = _HOLES.set(holes)
    try:
        return _Eval(sc, task).template(text)
    except (Unresolved, RecursionError):
        return []
    finally:
        _HOLES.reset(token)
