"""The repository's pre-commit hooks, run by pre-commit itself on a temporary git repository, offline.

A user's repository names a hook repository by URL and rev in .pre-commit-config.yaml; here the URL is a local
git repository holding this checkout's .pre-commit-hooks.yaml (committed there, so the test also sees uncommitted
edits), which pre-commit clones without a network. The system hook is the one exercised: it installs nothing, so
no package index is needed; the python hook differs only in pre-commit installing sovstack into a virtual
environment first, which needs the index (validate-manifest checks its definition).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PRE_COMMIT = Path(sys.executable).parent / "pre-commit"
pytestmark = pytest.mark.skipif(not PRE_COMMIT.exists(), reason="pre-commit is a test dependency")
ENV = {**os.environ, "BC_SKIP_MAPPING": "TRUE",
       "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '')}",
       "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
       "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True,
                          env=ENV).stdout.strip()


def _hook_repo(root: Path, tmp_path: Path) -> tuple[Path, str]:
    hooks = tmp_path / "hook-repo"
    hooks.mkdir()
    shutil.copy2(root / ".pre-commit-hooks.yaml", hooks / ".pre-commit-hooks.yaml")
    _git(hooks, "init", "-q")
    _git(hooks, "add", "-A")
    _git(hooks, "commit", "-q", "-m", "hooks")
    return hooks, _git(hooks, "rev-parse", "HEAD")


def _user_repo(tmp_path: Path, source: Path) -> Path:
    repo = tmp_path / "user-repo"
    (repo / "monitoring").mkdir(parents=True)
    shutil.copy2(source, repo / "monitoring" / "alertmanager.yml")
    _git(repo, "init", "-q")
    return repo


def _run_hook(root: Path, repo: Path, tmp_path: Path, hook: str) -> subprocess.CompletedProcess:
    hooks, rev = _hook_repo(root, tmp_path)
    (repo / ".pre-commit-config.yaml").write_text(f"repos:\n- repo: {hooks}\n  rev: {rev}\n  hooks:\n  - id: {hook}\n")
    _git(repo, "add", "-A")
    return subprocess.run([str(PRE_COMMIT), "run", "--all-files", "--color", "never"], cwd=repo,
                          env=ENV | {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")},
                          capture_output=True, text=True, timeout=300)


def test_manifest_is_valid(root):
    proc = subprocess.run([str(PRE_COMMIT), "validate-manifest", str(root / ".pre-commit-hooks.yaml")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_hook_fails_a_commit_with_a_foreign_messenger(root, tmp_path):
    repo = _user_repo(tmp_path, root / "examples/noncompliant/monitoring/alertmanager.yml")
    proc = _run_hook(root, repo, tmp_path, "sovstack-system")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "Failed" in proc.stdout and "SOV-MSG-004" in proc.stdout


def test_hook_passes_a_compliant_commit(root, tmp_path):
    repo = _user_repo(tmp_path, root / "examples/compliant/monitoring/alertmanager.yml")
    proc = _run_hook(root, repo, tmp_path, "sovstack-system")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Passed" in proc.stdout
