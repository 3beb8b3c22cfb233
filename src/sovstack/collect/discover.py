"""Walks the scanned paths and accounts for every file: a candidate to read, an error, or excluded/skipped with
the rule that decided it (built-in default, --exclude, a .sovstackignore at a named path and line)."""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from sovstack.collect import archives

if TYPE_CHECKING:
    import pathspec

DEFAULT_IGNORES = [".git/", ".venv/", "venv/", "node_modules/", "__pycache__/", ".terraform/", ".pytest_cache/",
                   ".mypy_cache/", ".tox/", ".hypothesis/", "*.egg-info/", ".ruff_cache/"]
IGNORE_FILE = ".sovstackignore"
COUNT_LIMIT = 100_000  # files counted inside one excluded folder


@dataclass(frozen=True)
class Candidate:
    path: Path  # absolute (for an archive member: the archive file)
    rel: str  # relative to the scanned root, POSIX separators; "a.tgz!/templates/x.yaml" inside an archive
    root: Path
    data: bytes | None = None  # an archive member's content, read in memory


@dataclass(frozen=True)
class DiscoveryError:
    rel: str
    reason: str


@dataclass(frozen=True)
class NotEvaluated:
    """A file or folder left out, with why and by which rule."""

    rel: str  # a folder ends in "/"
    status: str  # excluded | skipped
    reason: str
    rule: str
    files: int | None = None  # a folder: files inside


@dataclass
class IgnoreFile:
    """One .sovstackignore found in the tree: applied (or, under --audit, only recorded) with what it excluded."""

    rel: str
    applied: bool
    excluded: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class _Layer:
    base: str  # folder the patterns are relative to ("" for the scanned root)
    spec: pathspec.GitIgnoreSpec
    labels: list[str]  # per pattern line: "built-in default 'x'", "--exclude 'x'", ".sovstackignore:3 'x'"
    file: IgnoreFile | None = None

    def decide(self, rel: str) -> tuple[bool, str] | None:
        if self.base and not rel.startswith(self.base):
            return None
        res = self.spec.check_file(rel[len(self.base):])
        return None if res.index is None else (bool(res.include), self.labels[res.index])


class PatternError(ValueError):
    """An --exclude pattern that is not valid gitignore syntax."""


def _layer(base: str, sources: list[tuple[str, str]], file: IgnoreFile | None = None) -> _Layer:
    """sources: (pattern, label) pairs in order; comments and blank lines are dropped (they never match). An
    invalid line of an ignore file is left out and recorded on the file (it excludes nothing: fail closed); an
    invalid --exclude is a usage error."""
    import pathspec  # noqa: PLC0415 - its import probes optional backends; a one-file check need not pay it

    kept = []
    for pattern, label in sources:
        if not pattern.strip() or pattern.lstrip().startswith("#"):
            continue
        try:
            pathspec.GitIgnoreSpec.from_lines([pattern])
        except ValueError as exc:
            if file is None:
                raise PatternError(f"invalid pattern {label}: {exc}") from exc
            file.problems.append(f"{label}: invalid pattern, ignored ({exc})")
            continue
        kept.append((pattern, label))
    return _Layer(base, pathspec.GitIgnoreSpec.from_lines([p for p, _ in kept]), [lab for _, lab in kept], file)


def _ignore_file_layer(folder: Path, base: str, applied: bool) -> _Layer | None:
    path = folder / IGNORE_FILE
    if not path.is_file() or path.is_symlink():
        return None
    text = path.read_text(encoding="utf-8", errors="replace")
    rel = base + IGNORE_FILE
    lines = [(ln, f"{rel}:{n} {ln.strip()!r}") for n, ln in enumerate(text.splitlines(), 1)]
    file = IgnoreFile(rel, applied)
    return _layer(base, lines, file)


class Walker:
    """One scanned path. Iterate for candidates and records; `ignore_files` then lists every .sovstackignore
    found. With audit=True the ones inside the tree are not applied, only recorded with what they would exclude."""

    def __init__(self, root_arg: Path, excludes: list[str] | None = None, audit: bool = False):
        self.root_arg = root_arg
        self.audit = audit
        self.ignore_files: list[IgnoreFile] = []
        self.excludes = list(excludes or [])
        if self.excludes:
            self._base  # noqa: B018 - an invalid --exclude is a usage error even when only a file is scanned

    @functools.cached_property
    def _base(self) -> _Layer:
        """Built on the first folder walked (or at once to check --exclude): a one-file check (a pre-commit hook's)
        never loads pathspec."""
        return _layer("", [(p, f"built-in default {p!r}") for p in DEFAULT_IGNORES] +
                      [(p, f"--exclude {p!r}") for p in self.excludes])

    def __iter__(self) -> Iterator[Candidate | DiscoveryError | NotEvaluated]:
        root = self.root_arg.resolve()
        if self.root_arg.is_symlink() and self.root_arg.is_file():
            root = self.root_arg.absolute()
        if root.is_file():
            yield from _file(Candidate(root, root.name, root.parent))
            return
        if not root.exists():
            yield DiscoveryError(str(self.root_arg), "no such file or directory")
            return
        yield from self._walk(root)

    def _walk(self, root: Path) -> Iterator[Candidate | DiscoveryError | NotEvaluated]:
        layers_at: dict[str, list[_Layer]] = {"": [self._base]}
        for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
            base = Path(dirpath)
            rel_dir = base.relative_to(root).as_posix()
            prefix = "" if rel_dir == "." else rel_dir + "/"
            layers = layers_at.pop(prefix, [self._base])
            own = _ignore_file_layer(base, prefix, applied=not self.audit)
            if own is not None:
                self.ignore_files.append(own.file)
                layers = layers + [own]
            keep = []
            for d in sorted(dirnames):
                item = self._entry(root, base / d, prefix + d + "/", layers)
                if item is None:
                    keep.append(d)
                    layers_at[prefix + d + "/"] = layers
                else:
                    yield item
            dirnames[:] = keep
            for f in sorted(filenames):
                item = self._entry(root, base / f, prefix + f, layers)
                if item is None:
                    yield from _file(Candidate(base / f, prefix + f, root))
                else:
                    yield item

    def _entry(self, root: Path, full: Path, rel: str, layers: list[_Layer]) -> DiscoveryError | NotEvaluated | None:
        """None when the entry is to be scanned (a folder walked, a file read)."""
        rule = self._excluded(rel, layers)
        if rule is not None:
            files = _count_files(full) if rel.endswith("/") and not full.is_symlink() else None
            return NotEvaluated(rel, "excluded", "matches an ignore pattern", rule, files)
        if full.is_symlink():
            return _link(full, rel, root)
        if rel.endswith("/") and not os.access(full, os.R_OK | os.X_OK):
            return DiscoveryError(rel.rstrip("/"), "directory is not readable")
        return None

    def _excluded(self, rel: str, layers: list[_Layer]) -> str | None:
        """The rule that excludes rel, or None. Deeper ignore files override shallower ones (as in git); under
        --audit an in-tree file's decision is only recorded on that file."""
        decision: tuple[bool, str] | None = None
        for layer in layers:
            got = layer.decide(rel)
            if got is None:
                continue
            if layer.file is not None and not layer.file.applied:
                if got[0]:
                    layer.file.excluded.append(rel)
                continue
            decision = got
            if layer.file is not None and got[0]:
                layer.file.excluded.append(rel)
        return decision[1] if decision and decision[0] else None


def walk(root_arg: Path, excludes: list[str] | None = None, audit: bool = False
         ) -> Iterator[Candidate | DiscoveryError | NotEvaluated]:
    """Every entry under one scanned path (see Walker)."""
    return iter(Walker(root_arg, excludes, audit))


def _link(path: Path, rel: str, root: Path) -> DiscoveryError | NotEvaluated | None:
    """Symlinks are never followed out of the tree or into loops. A link to a file inside the tree is read (its
    content is checked under the link's name); a link to a folder inside the tree is listed as skipped."""
    try:
        target = path.resolve(strict=True)
    except RuntimeError:
        return DiscoveryError(rel.rstrip("/"), "symlink loop; not followed")
    except OSError:
        return DiscoveryError(rel.rstrip("/"), "dangling symlink; not followed")
    if not target.is_relative_to(root):
        return DiscoveryError(rel.rstrip("/"), f"symlink to {target} outside the scanned tree; not followed")
    if target.is_dir():
        where = target.relative_to(root).as_posix()
        return NotEvaluated(rel, "skipped", f"symbolic link to the folder {where or '.'}/ inside the tree: not "
                            "followed; that folder is checked (or listed as excluded) at its own path",
                            "symbolic links to folders are not followed")
    return None


def _file(c: Candidate) -> Iterator[Candidate | DiscoveryError | NotEvaluated]:
    """The file itself, or, for an archive, its members (opened in memory)."""
    if archives.is_package(c.rel):
        yield c
        return
    try:
        with open(c.path, "rb") as fh:
            head = fh.read(512)
            if not archives.format_of(head):
                yield c
                return
            fh.seek(0)
            data = fh.read(archives.Limits.archive_bytes + 1)
    except OSError:
        yield c  # reading it again reports why it cannot be read
        return
    members = list(archives.walk_members(c.rel, data, lambda rel, content: Candidate(c.path, rel, c.root, content),
                                         DiscoveryError))
    yield from members or [NotEvaluated(c.rel, "skipped", "empty archive: no member to check",
                                        "archives are opened in memory")]


def _count_files(folder: Path) -> int:
    count = 0
    for _, _, files in os.walk(folder, followlinks=False):
        count += len(files)
        if count >= COUNT_LIMIT:
            break
    return count
