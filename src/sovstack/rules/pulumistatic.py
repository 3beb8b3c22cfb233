"""Pulumi programs in TypeScript/JavaScript, Go, C# and Java read statically (never run): the provider packages
they import and the region and endpoint literals they write."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

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
