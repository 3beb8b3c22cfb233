"""Walks the scanned paths: ignore rules, size limits, symlinks (never followed), unreadable files."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pathspec

DEFAULT_IGNORES = [".git/", ".venv/", "venv/", "node_modules/", "__pycache__/", ".terraform/", ".pytest_cache/",
                   ".mypy_cache/", ".tox/", ".hypothesis/", "*.egg-info/", ".ruff_cache/"]
IGNORE_FILE = ".sovstackignore"


@dataclass(frozen=True)
class Candidate:
    path: Path  # absolute
    rel: str  # relative to the scanned root, POSIX separators
    root: Path


@dataclass(frozen=True)
class DiscoveryError:
    rel: str
    reason: str


def _spec(root: Path, extra: list[str]) -> pathspec.PathSpec:
    lines = list(DEFAULT_IGNORES) + list(extra)
    ignore = root / IGNORE_FILE
    if ignore.is_file():
        lines += ignore.read_text(encoding="utf-8", errors="replace").splitlines()
    return pathspec.PathSpec.from_lines("gitignore", lines)


def _link_problem(path: Path, root: Path) -> str | None:
    """Why a symlink is not followed; None when its target is a file inside the tree (scanned there)."""
    try:
        target = path.resolve(strict=True)
    except RuntimeError:
        return "symlink loop; not followed"
    except OSError:
        return "dangling symlink; not followed"
    if not target.is_relative_to(root):
        return f"symlink to {target} outside the scanned tree; not followed"
    return None


def walk(root_arg: Path, excludes: list[str] | None = None) -> Iterator[Candidate | DiscoveryError]:
    root = root_arg.resolve()
    if root_arg.is_symlink() and root_arg.is_file():
        root = root_arg.absolute()
    if root.is_file():
        yield Candidate(root, root.name, root.parent)
        return
    if not root.exists():
        yield DiscoveryError(str(root_arg), "no such file or directory")
        return
    spec = _spec(root, excludes or [])
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=None):
        base = Path(dirpath)
        rel_dir = base.relative_to(root).as_posix()
        prefix = "" if rel_dir == "." else rel_dir + "/"
        keep = []
        for d in sorted(dirnames):
            rel = prefix + d
            if spec.match_file(rel + "/"):
                continue
            full = base / d
            if full.is_symlink():
                problem = _link_problem(full, root)
                if problem:
                    yield DiscoveryError(rel, problem)
                continue
            if not os.access(full, os.R_OK | os.X_OK):
                yield DiscoveryError(rel, "directory is not readable")
                continue
            keep.append(d)
        dirnames[:] = keep
        for f in sorted(filenames):
            rel = prefix + f
            if spec.match_file(rel):
                continue
            full = base / f
            if full.is_symlink():
                problem = _link_problem(full, root)
                if problem:
                    yield DiscoveryError(rel, problem)
                continue
            yield Candidate(full, rel, root)
