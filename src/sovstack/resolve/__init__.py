"""Value resolution across files, without rendering or executing anything, within fixed bounds.

Public API (what checks and extractors call; every function returns candidates, never raises on input):

- ``scope(doc, ws)``: context manager the engine opens around evaluating one document; ``current()`` gives the
  open `Scope` (None outside a run: resolution then stays within the document alone).
- ``terraform(text, line=None)``: candidates of an HCL value such as ``"${var.zone}"``, ``"${local.a}-b"``,
  ``format(...)``, ``join(...)``, ``lookup(local.m, "k")``: variable defaults, ``terraform.tfvars``,
  ``*.auto.tfvars``, other ``*.tfvars`` (alternatives), locals, one level of module inputs.
- ``jinja(text, task=None)``: candidates of an Ansible/Jinja value (``{{ a ~ '-' ~ b }}``, ``join``, ``format``,
  ``default('x')``) with variables from role defaults/vars, group_vars/host_vars, play vars, vars_files,
  include_vars and set_fact constants.
- ``shell(text, env)`` / ``env_of(doc)``: ``$VAR``/``${VAR:-x}`` against compose ``environment``/``env_file``,
  a ``.env`` next to it, systemd ``Environment=``/``EnvironmentFile=``.
- ``helm(text)``: ``{{ .Values.a.b }}`` (with ``| default "x"``) from the chart's ``values.yaml``.

A `Resolved` is one possible value with its chain of `Origin`s ("zone from variables.tf:12 default", "used in
main.tf:40"). Several candidates mean several possible values (tfvars files, inventory groups, a conditional):
callers judge each, so a value abroad in any of them is found. An empty list means unresolved: fail closed.
Every file a resolution read is recorded in the scope (``deps``/``folders``) so the incremental cache can
invalidate a result when one of them changes; a lookup that cannot be bounded that way clears ``cacheable``.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from sovstack.facts import Origin

if TYPE_CHECKING:
    from sovstack.collect.document import Document
    from sovstack.facts import Workspace

MAX_DEPTH = 8  # nested references followed (var -> local -> var ...)
MAX_CANDIDATES = 8  # possible values kept per expression
MAX_FILES = 64  # other files one document's resolution may read
MAX_CHARS = 4096  # longest value or expression handled
MAX_FILE_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Resolved:
    """One possible value of an expression and how it was reached (the defining place first)."""

    value: Any
    chain: tuple[Origin, ...] = ()

    def text(self) -> str | None:
        return self.value if isinstance(self.value, str) else None


class Unresolved(Exception):
    """Raised inside evaluators for what cannot be known statically; never escapes the public functions."""


@dataclass
class Scope:
    """What one document's resolution may read and what it did read."""

    doc: Document
    ws: Workspace | None = None
    deps: set[str] = field(default_factory=set)  # absolute paths of files read
    folders: set[str] = field(default_factory=set)  # folders listed (a new tfvars file changes the result)
    cacheable: bool = True
    memo: dict[Any, Any] = field(default_factory=dict)

    @property
    def root(self) -> Path:
        """The scanned root the document's relative path starts from."""
        path = self.doc.path
        for _ in Path(self.doc.rel).parts:
            path = path.parent
        return path

    def within(self, path: Path) -> bool:
        key = ("within", str(self.root), str(path))  # run-wide: the same files are asked about for every document
        if key not in self.shared:
            rkey = ("root-resolved", str(self.root))
            if rkey not in self.shared:
                self.shared[rkey] = self.root.resolve()
            try:
                self.shared[key] = path.resolve().is_relative_to(self.shared[rkey])
            except OSError:
                self.shared[key] = False
        return self.shared[key]

    @property
    def shared(self) -> dict[Any, Any]:
        """Run-wide cache (on the Workspace) for what does not depend on the document: parsed files, summaries."""
        return self.ws.memo if self.ws is not None and hasattr(self.ws, "memo") else self.memo

    def depend(self, path: Path | str) -> None:
        if str(path) != str(self.doc.path):
            self.deps.add(str(path))

    def read_text(self, path: Path, record: bool = True) -> str | None:
        """Text of another file in the scanned tree (recorded as a dependency unless record is False), or None."""
        if not self.within(path) or (record and len(self.deps) >= MAX_FILES):
            return None
        key = ("text", str(path))
        if key not in self.shared:
            doc = self.ws.by_path.get(path) if self.ws is not None and hasattr(self.ws, "by_path") else None
            text = doc.text if doc is not None else None
            if text is None and path.is_file() and not path.is_symlink():
                try:
                    if path.stat().st_size <= MAX_FILE_BYTES:
                        text = path.read_bytes().decode("utf-8", errors="replace")
                except OSError:
                    text = None
            self.shared[key] = text
        if self.shared[key] is not None and record:
            self.depend(path)
        return self.shared[key]

    def listdir(self, folder: Path) -> list[Path]:
        if not self.within(folder):
            return []
        key = ("listdir", str(folder))
        if key not in self.shared:
            try:
                self.shared[key] = sorted(p for p in folder.iterdir() if not p.is_symlink()) if folder.is_dir() else None
            except OSError:
                self.shared[key] = None
        if self.shared[key] is None:
            return []
        self.folders.add(str(folder))
        return self.shared[key]


_CURRENT: ContextVar[Scope | None] = ContextVar("sovstack_resolve_scope", default=None)


@contextmanager
def scope(doc: Document, ws: Workspace | None = None) -> Iterator[Scope]:
    """Opens the resolution scope of one document for the checks that run inside."""
    sc = Scope(doc, ws)
    token = _CURRENT.set(sc)
    try:
        yield sc
    finally:
        _CURRENT.reset(token)


def current() -> Scope | None:
    return _CURRENT.get()


def origin(path: Path | str, line: int | None, note: str, sc: Scope | None = None) -> Origin:
    """An Origin with the file shown relative to the scanned root (as findings show files)."""
    sc = sc or current()
    p = Path(path)
    if sc is not None:
        key = ("origin-rel", str(sc.root), str(p))  # run-wide: the same files are named for many documents
        memo = sc.shared
        if key not in memo:
            rkey = ("root-resolved", str(sc.root))
            if rkey not in memo:
                memo[rkey] = sc.root.resolve()
            try:
                memo[key] = p.resolve().relative_to(memo[rkey]).as_posix()
            except (ValueError, OSError):
                memo[key] = None
        if memo[key] is not None:
            return Origin(memo[key], line, note)
    return Origin(p.name if p.is_absolute() else str(p), line, note)


def line_of(text: str, needle: str, start: int = 1) -> int | None:
    """First line at or after start that defines needle (``needle =`` or ``needle:``)."""
    import re

    rx = re.compile(rf"^\s*[\"']?{re.escape(needle)}[\"']?\s*[=:]")
    for n, line in enumerate(text.splitlines()[max(start - 1, 0):], start=max(start, 1)):
        if rx.match(line):
            return n
    return None


def terraform(text: Any, line: int | None = None) -> list[Resolved]:
    from sovstack.resolve import hcl

    return hcl.resolve(text, line)


def jinja(text: Any, task: dict | None = None, holes: bool = False) -> list[Resolved]:
    from sovstack.resolve import ansible

    return ansible.resolve(text, task, holes)


def shell(text: str, env: dict[str, Resolved] | None = None) -> list[Resolved]:
    from sovstack.resolve import env as _env

    return _env.substitute(text, env)


def env_of(doc: Document | None = None) -> dict[str, Resolved]:
    from sovstack.resolve import env as _env

    return _env.env_of(doc)


def helm(text: str) -> list[Resolved]:
    from sovstack.resolve import env as _env

    return _env.helm(text)


def any_value(text: Any, doc: Document | None = None) -> list[Resolved]:
    """Candidates of a value in whatever syntax the document's kind uses (HCL, Jinja, Go template, shell)."""
    sc = current()
    doc = doc or (sc.doc if sc else None)
    if not isinstance(text, str) or doc is None:
        return [Resolved(text)]
    kind = doc.kind.value
    if kind == "terraform":
        return terraform(text)
    if "{{" in text and ".Values" in text:
        return helm(text)
    if "{{" in text:
        return jinja(text)
    if "$" in text:
        return shell(text)
    return [Resolved(text)]
