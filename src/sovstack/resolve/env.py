"""Environment values (compose environment/env_file, .env, systemd Environment/EnvironmentFile) and Helm values."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from sovstack.resolve import MAX_CANDIDATES, MAX_CHARS, Resolved, Scope, current, origin

ENV_LINE_RE = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*?)\s*$")
SHELL_VAR_RE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-=?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)")
SYSTEMD_ENV_RE = re.compile(r"^\s*Environment\s*=\s*(.+)$", re.M)
SYSTEMD_FILE_RE = re.compile(r"^\s*EnvironmentFile\s*=\s*-?(\S+)", re.M)
HELM_RE = re.compile(r"\{\{-?\s*\.Values\.([A-Za-z0-9_.]+)\s*(?:\|\s*default\s+(\"[^\"]*\"|'[^']*'))?\s*(?:\|\s*quote\s*)?-?\}\}")


def parse_env_text(text: str, path: Path, sc: Scope | None) -> dict[str, Resolved]:
    """KEY=value lines of a .env / EnvironmentFile / openrc (export KEY=value), quotes removed."""
    out: dict[str, Resolved] = {}
    for n, line in enumerate(text.splitlines(), 1):
        m = ENV_LINE_RE.match(line)
        if m and not line.lstrip().startswith("#"):
            value = m.group(2)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            elif " #" in value:
                value = value.split(" #", 1)[0].rstrip()
            out[m.group(1)] = Resolved(value, (origin(path, n, f"{m.group(1)} from {path.name}", sc),))
    return out


def env_file(path: Path, sc: Scope | None = None) -> dict[str, Resolved]:
    sc = sc or current()
    text = sc.read_text(path) if sc is not None else None
    return parse_env_text(text, path, sc) if text else {}


def env_of(doc: Any = None) -> dict[str, Resolved]:
    """Variables the document's values can refer to: its own lines (env/shell), compose environment and env_file,
    the .env beside a compose file, systemd Environment= and EnvironmentFile= (later definitions win)."""
    sc = current()
    doc = doc or (sc.doc if sc else None)
    if doc is None:
        return {}
    key = ("env", doc.rel)
    if sc is not None and key in sc.memo:
        return sc.memo[key]
    out: dict[str, Resolved] = {}
    kind = doc.kind.value
    if kind in ("env", "shell"):
        out.update(parse_env_text(doc.text, doc.path, sc))
    if kind == "compose":
        out.update(env_file(doc.path.parent / ".env", sc))
        for svc in ((doc.data[0] or {}).get("services") or {}).values() if doc.data and isinstance(doc.data[0], dict) else []:
            if isinstance(svc, dict):
                out.update(_compose_service(doc, svc, sc))
    if doc.path.suffix in (".service", ".socket", ".timer") or "[Service]" in doc.text:
        for m in SYSTEMD_FILE_RE.finditer(doc.text):
            p = Path(m.group(1))
            out.update(env_file(doc.path.parent / p.name if p.is_absolute() else doc.path.parent / p, sc))
        for m in SYSTEMD_ENV_RE.finditer(doc.text):
            line = doc.text.count("\n", 0, m.start()) + 1
            for item in re.findall(r'"([^"]*)"|(\S+)', m.group(1)):
                pair = item[0] or item[1]
                if "=" in pair:
                    k, v = pair.split("=", 1)
                    out[k] = Resolved(v, (origin(doc.path, line, f"{k} from Environment=", sc),))
    if sc is not None:
        sc.memo[key] = out
    return out


def _compose_service(doc: Any, svc: dict[str, Any], sc: Scope | None) -> dict[str, Resolved]:
    out: dict[str, Resolved] = {}
    files = svc.get("env_file")
    for f in [files] if isinstance(files, (str, dict)) else files or []:
        f = f.get("path") if isinstance(f, dict) else f
        if isinstance(f, str):
            out.update(env_file(doc.path.parent / f, sc))
    env = svc.get("environment")
    items = env.items() if isinstance(env, dict) else (str(e).split("=", 1) for e in env or [] if "=" in str(e))
    for k, v in items:
        if isinstance(v, (str, int, float)):
            line = doc.key_line(env, k) if isinstance(env, dict) else doc.find_line(f"{k}=")
            out[str(k)] = Resolved(str(v), (origin(doc.path, line, f"{k} from environment", sc),))
    return out


def substitute(text: str, env: dict[str, Resolved] | None = None, depth: int = 0) -> list[Resolved]:
    """$VAR / ${VAR} / ${VAR:-default} against env (default: the current document's); [] when a variable is unknown.
    A value that refers to other variables (or to itself: VAR=${VAR:-default}) is expanded again, bounded."""
    if not isinstance(text, str) or len(text) > MAX_CHARS or depth > 4:
        return []
    if "$" not in text:
        return [Resolved(text)]
    env = env if env is not None else env_of()
    chain: list[Any] = []
    missing = False

    def sub(m: re.Match[str]) -> str:
        nonlocal missing
        name = m.group(1) or m.group(4)
        got = env.get(name)
        if got is not None and "$" in str(got.value):
            inner = substitute(str(got.value), {k: v for k, v in env.items() if k != name}, depth + 1)
            got = Resolved(inner[0].value, (*inner[0].chain, *got.chain)) if inner else None
        if got is not None and (got.value or not (m.group(2) or "").startswith(":")):
            chain.extend(got.chain)
            return str(got.value)
        if m.group(2) in (":-", "-"):
            return m.group(3) or ""
        missing = True
        return m.group(0)

    out = SHELL_VAR_RE.sub(sub, text)
    return [] if missing else [Resolved(out, tuple(chain))][:MAX_CANDIDATES]


def _chart_root(path: Path, sc: Scope) -> Path | None:
    folder = path.parent
    for _ in range(4):
        if (folder / "Chart.yaml").is_file():
            return folder
        if not sc.within(folder.parent):
            return None
        folder = folder.parent
    return None


def values(sc: Scope) -> tuple[dict[str, Any], Path, dict[int, dict[str, int]]] | None:
    """The chart's values.yaml (with its key lines) for a template or values file of a chart."""
    from sovstack.collect import yamlload

    root = _chart_root(sc.doc.path, sc)
    if root is None:
        return None
    key = ("helm-values", str(root))
    text = sc.read_text(root / "values.yaml")  # recorded as a dependency of each document that uses it
    if key not in sc.shared:  # parsed once per run (a chart's templates all read it)
        try:
            loaded = yamlload.load(text) if text else None
        except Exception:
            loaded = None
        data = loaded.docs[0] if loaded and loaded.docs and isinstance(loaded.docs[0], dict) else None
        sc.shared[key] = (data, root / "values.yaml", loaded.key_lines) if data is not None else None
    return sc.shared[key] if text is not None else None


def helm(text: str) -> list[Resolved]:
    """Go-template `{{ .Values.a.b }}` (with `| default "x"`) replaced by the chart's values; [] when unknown."""
    sc = current()
    if not isinstance(text, str) or ".Values" not in text or sc is None:
        return [Resolved(text)] if isinstance(text, str) and "{{" not in text else []
    got = values(sc)
    chain: list[Any] = []
    missing = False

    def sub(m: re.Match[str]) -> str:
        nonlocal missing
        node: Any = got[0] if got else None
        parent = None
        for part in m.group(1).split("."):
            parent = node
            node = node.get(part) if isinstance(node, dict) else None
        if isinstance(node, (str, int, float)) and not isinstance(node, bool) and str(node) != "":
            line = got[2].get(id(parent), {}).get(m.group(1).split(".")[-1]) if got and isinstance(parent, dict) else None
            chain.append(origin(got[1], line, f".Values.{m.group(1)} from values.yaml", sc))
            return str(node)
        if m.group(2):
            return m.group(2)[1:-1]
        missing = True
        return m.group(0)

    out = HELM_RE.sub(sub, text)
    if missing or "{{" in out:
        return []
    return [Resolved(out, tuple(chain))]
