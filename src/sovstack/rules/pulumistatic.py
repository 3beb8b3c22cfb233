"""Pulumi programs in TypeScript/JavaScript, Go, C# and Java read statically (never run): the provider packages
they import, the region and endpoint literals they write, and the stack configuration values (Pulumi.<stack>.yaml,
Pulumi.yaml defaults) their `config.require("region")` reads take."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

IMPORT_RES = (
    re.compile(r"""(?:from\s+|require\s*\(\s*|import\s*\(\s*)["']@pulumi/(?P<pkg>[\w-]+)(?:/[\w/-]*)?["']"""),  # TS/JS
    re.compile(r'"github\.com/pulumi/pulumi-(?P<pkg>[\w-]+)/sdk(?:/v\d+)?/go/'),  # Go
    re.compile(r"^\s*using\s+(?:[\w]+\s*=\s*)?Pulumi\.(?P<pkg>[A-Z][\w]*)\b", re.M),  # C#
    re.compile(r"^\s*import\s+com\.pulumi\.(?P<pkg>[a-z][\w]*)\.", re.M),  # Java
)
PULUMI_MARK = re.compile(r"@pulumi/pulumi|github\.com/pulumi/pulumi/sdk|^\s*using\s+Pulumi\s*;|com\.pulumi\.Pulumi|"
                         r"pulumi\.Run\(", re.M)
STRING_RE = re.compile(r"""(?P<q>["'`])(?P<s>[A-Za-z][A-Za-z0-9._:/-]{1,120})(?P=q)""")
CORE = {"pulumi", "random", "tls", "command", "std", "Utilities", "Deployment", "Config", "Output", "Serialization"}
LANG_EXT = (".ts", ".tsx", ".js", ".mjs", ".cjs", ".go", ".cs", ".java", ".kt", ".fs", ".vb")


@dataclass(frozen=True)
class Import:
    package: str  # Pulumi package name (aws, azure-native, gcp, yandex, openstack...)
    line: int
    text: str


def is_program(rel: str, text: str) -> bool:
    return rel.lower().endswith(LANG_EXT) and bool(PULUMI_MARK.search(text))


def _package(raw: str) -> str:
    """C#/Java names to package names: AzureNative -> azure-native, Aws -> aws, Gcp -> gcp."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "-", raw).lower()


def imports(text: str) -> Iterator[Import]:
    seen = set()
    for rx in IMPORT_RES:
        for m in rx.finditer(text):
            pkg = _package(m.group("pkg"))
            if pkg in CORE or m.group("pkg") in CORE or pkg in seen:
                continue
            seen.add(pkg)
            yield Import(pkg, text.count("\n", 0, m.start()) + 1, m.group(0).strip())


def literals(text: str) -> Iterator[tuple[int, str]]:
    """(line, value) of string literals outside // comments."""
    for n, line in enumerate(text.splitlines(), 1):
        code = line.split("//", 1)[0] if "://" not in line else re.sub(r"(?<!:)//.*$", "", line)
        if code.lstrip().startswith(("*", "/*")):
            continue
        for m in STRING_RE.finditer(code):
            yield n, m.group("s")


# ---- stack configuration read by a program (config.require("region") -> Pulumi.<stack>.yaml) ------------------

# `new pulumi.Config("ns")` (TS/JS), `config.New(ctx, "ns")` (Go), `new Config("ns")` (C#), `ctx.config("ns")` (Java)
CONFIG_OBJ_RES = (
    re.compile(r"""\b(?P<var>\w+)\s*(?::\s*[\w.]+\s*)?=\s*new\s+(?:pulumi\.)?Config\(\s*(?:["'`](?P<ns>[\w-]+)["'`])?\s*\)"""),
    re.compile(r"""\b(?P<var>\w+)\s*:?=\s*config\.New\(\s*ctx\s*,\s*"(?P<ns>[\w-]*)"\s*\)"""),
    re.compile(r"""\b(?P<var>\w+)\s*=\s*ctx\.config\(\s*(?:"(?P<ns>[\w-]+)")?\s*\)"""),
)
GET_METHODS = r"(?:require|get|try|Require|Get|Try)(?:Secret|Number|Int|Float64|Bool|Object|Boolean|Double)?"
CONFIG_USE_RE = re.compile(rf"""\b(?P<var>\w+)\s*\.\s*{GET_METHODS}\s*(?:<[^>()]*>)?\(\s*(?:ctx\s*,\s*)?["'`](?P<key>[\w:.-]+)["'`]""")
INLINE_USE_RE = re.compile(rf"""new\s+(?:pulumi\.)?Config\(\s*(?:["'`](?P<ns>[\w-]+)["'`])?\s*\)\s*\.\s*{GET_METHODS}\s*(?:<[^>()]*>)?\(\s*["'`](?P<key>[\w:.-]+)["'`]""")
HINT_RE = re.compile(r"""["']?(?P<name>[A-Za-z_]\w*)["']?\s*(?::=|[:=])\s*(?:await\s+)?(?:[\w.]+\(\s*)*$""")


@dataclass(frozen=True)
class ConfigRef:
    """A program's read of a stack config value."""

    line: int
    key: str  # as written: "region", "aws:region"
    namespace: str | None  # the Config object's namespace (None: the project's)
    hint: str | None  # the property or variable the value goes into (region, authUrl ...)


def config_refs(text: str) -> Iterator[ConfigRef]:
    """Every `cfg.require("k")` / `cfg.get("k")` / `config.Require(ctx, "k")` of a program, outside // comments."""
    objects: dict[str, str | None] = {}
    for rx in CONFIG_OBJ_RES:
        for m in rx.finditer(text):
            objects[m.group("var")] = m.group("ns") or None
    for n, line in enumerate(text.splitlines(), 1):
        code = re.sub(r"(?<!:)//.*$", "", line)
        if code.lstrip().startswith(("*", "/*")):
            continue
        found = [(m, m.group("ns") or None) for m in INLINE_USE_RE.finditer(code)]
        for m in CONFIG_USE_RE.finditer(code):
            var = m.group("var")
            if var in objects:
                found.append((m, objects[var]))
            elif var == "config" and "ctx" in m.group(0):  # Go: config.Require(ctx, "aws:region")
                found.append((m, None))
        for m, ns in found:
            hint = HINT_RE.search(code[:m.start()])
            yield ConfigRef(n, m.group("key"), ns, hint.group("name") if hint else None)


def _load_yaml(text: str | None) -> dict:
    import yaml

    try:
        data = yaml.safe_load(text) if text else None
    except yaml.YAMLError:
        return {}
    return data if isinstance(data, dict) else {}


def project_of(sc, folder) -> tuple[Any, str | None, dict] | None:
    """(folder of Pulumi.yaml, project name, its parsed content) for a program in folder (or up to three levels up)."""
    from pathlib import Path

    here = Path(folder)
    for _ in range(4):
        for name in ("Pulumi.yaml", "Pulumi.yml"):
            text = sc.read_text(here / name)
            if text is not None:
                data = _load_yaml(text)
                return here, str(data.get("name") or "") or None, data
        if not sc.within(here.parent) or here.parent == here:
            return None
        here = here.parent
    return None


def stack_values(sc, folder) -> dict[str, list[tuple[str, Any]]]:
    """Full config key ("ns:name") -> [(value, Origin)] from every Pulumi.<stack>.yaml beside Pulumi.yaml and the
    project's own config defaults in Pulumi.yaml. Secure (encrypted) values are skipped."""
    from sovstack import resolve

    key = ("pulumi-stack-values", str(folder))
    if key in sc.memo:
        return sc.memo[key]
    out: dict[str, list[tuple[str, Any]]] = {}
    found = project_of(sc, folder)
    if found is None:
        sc.memo[key] = out
        return out
    root, project, data = found
    proj_file = root / "Pulumi.yaml"
    for name, spec in (data.get("config") or {}).items() if isinstance(data.get("config"), dict) else []:
        value = spec.get("default", spec.get("value")) if isinstance(spec, dict) else spec
        full = name if ":" in str(name) else f"{project}:{name}"
        if isinstance(value, (str, int, float)) and not isinstance(value, bool):
            text = sc.read_text(proj_file) or ""
            out.setdefault(full, []).append((str(value), resolve.origin(
                proj_file, resolve.line_of(text, str(name)), f"{name} = {value!r} in Pulumi.yaml (project default)", sc)))
    for path in sc.listdir(root):
        if not re.fullmatch(r"Pulumi\.[^.]+\.ya?ml", path.name):
            continue
        text = sc.read_text(path)
        conf = _load_yaml(text).get("config")
        for name, value in conf.items() if isinstance(conf, dict) else []:
            if isinstance(value, dict):
                if "secure" in value:
                    continue
                value = value.get("value")
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                full = str(name) if ":" in str(name) else f"{project}:{name}"
                out.setdefault(full, []).append((str(value), resolve.origin(
                    path, resolve.line_of(text or "", str(name)), f"{name} = {value!r} in {path.name}", sc)))
    sc.memo[key] = out
    return out


def ref_values(sc, folder, ref: ConfigRef) -> list[tuple[str, Any]]:
    """The values a config read can take across the stacks, with where each is set."""
    found = project_of(sc, folder)
    project = found[1] if found else None
    full = ref.key if ":" in ref.key else f"{ref.namespace or project}:{ref.key}"
    return stack_values(sc, folder).get(full, [])


def stack_names(sc, folder) -> list[tuple[str, Any]]:
    """Stack names (Pulumi.<stack>.yaml beside Pulumi.yaml), for ${pulumi.stack} in Pulumi YAML programs."""
    from sovstack import resolve

    found = project_of(sc, folder)
    if found is None:
        return []
    return [(m.group(1), resolve.origin(p, None, f"stack {m.group(1)} ({p.name})", sc)) for p in sc.listdir(found[0])
            if (m := re.fullmatch(r"Pulumi\.([^.]+)\.ya?ml", p.name))]
