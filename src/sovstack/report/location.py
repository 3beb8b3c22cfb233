"""Finding paths for forges: relative to the repository root (found from .git) instead of the scanned folder."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sovstack.models import Result


def find_repo_root(start: Path) -> Path | None:
    """The nearest folder at or above start holding .git (a folder, or a file in worktrees and submodules).
    Read from the file system: no git binary, no network, and the same answer `git rev-parse --show-toplevel`
    gives for a checkout."""
    here = start.resolve()
    for folder in (here, *here.parents) if here.is_dir() else here.parents:
        if (folder / ".git").exists():
            return folder
    return None


@dataclass(frozen=True)
class Locator:
    """Maps a finding's path (relative to the scanned path, or prefixed by its name when several were scanned)
    to a path relative to root: the repository's, else the one scanned folder's, else None (paths unchanged)."""

    root: Path | None
    scan_roots: tuple[Path, ...] = ()

    @classmethod
    def of(cls, result: Result, repo_root: Path | None = None) -> Locator:
        """repo_root given (--repo-root) or found above the first scanned path; relative scanned paths are taken
        from the current folder, where the check ran in CI."""
        scanned = [Path(p).absolute() for p in result.scanned_paths]
        roots = tuple(p.parent if p.is_file() else p for p in scanned)
        roots = tuple(Path(os.path.normpath(r)) for r in roots)
        root = Path(repo_root).resolve() if repo_root else (find_repo_root(scanned[0]) if scanned else None)
        if root is None and len(roots) == 1:
            root = roots[0]  # no repository: the scanned folder is the base, and paths stay as they are
        return cls(root, roots)

    def path(self, file: str) -> str:
        """The repository-relative POSIX path of a finding's file; unchanged when it cannot be placed."""
        absolute = self._absolute(file)
        if self.root is None or absolute is None:
            return file
        try:
            return PurePosixPath(absolute.relative_to(self.root)).as_posix()
        except ValueError:  # scanned outside the repository
            return file

    def _absolute(self, file: str) -> Path | None:
        posix = file.replace("\\", "/")
        if posix.startswith("/"):
            return Path(os.path.normpath(posix))
        if len(self.scan_roots) == 1:
            return Path(os.path.normpath(self.scan_roots[0] / posix))
        head, _, rest = posix.partition("/")
        matches = [r for r in self.scan_roots if r.name == head]
        return Path(os.path.normpath(matches[0] / rest)) if len(matches) == 1 and rest else None

    def base_uri(self) -> str | None:
        """The file: URI of the repository root, with the trailing slash SARIF requires of a base."""
        return self.root.as_uri().rstrip("/") + "/" if self.root is not None else None
