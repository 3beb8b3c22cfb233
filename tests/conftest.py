"""Shared fixtures: the catalogue, the repository root, and an in-process `sovstack` runner."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sovstack.catalogue import load
from sovstack.cli import app

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def catalogue():
    return load(ROOT / "policies")


class Sovstack:
    """Runs the CLI in-process and returns (exit code, stdout, stderr)."""

    def __init__(self) -> None:
        self.runner = CliRunner()

    def __call__(self, *args: str) -> tuple[int, str, str]:
        res = self.runner.invoke(app, [str(a) for a in args], catch_exceptions=False)
        return res.exit_code, res.stdout, res.stderr

    def json(self, *args: str) -> tuple[int, dict]:
        code, out, err = self("check", *args, "--format", "json")
        assert out.strip(), err
        return code, json.loads(out)


@pytest.fixture()
def sovstack() -> Sovstack:
    return Sovstack()


def failed_by_file(tmp: Path, files: dict[str, str], catalogue, keep, what) -> dict[str, set]:
    """Writes files under tmp, checks the tree in-process and returns {file: {what(finding)}} of the failed
    findings keep(finding) selects."""
    from sovstack import runner
    from sovstack.models import Status

    for name, text in files.items():
        (tmp / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp / name).write_text(text, encoding="utf-8")
    out: dict[str, set] = {}
    for f in runner.run(runner.Options(paths=[tmp]), catalogue).findings:
        if f.status is Status.FAILED and keep(f):
            out.setdefault(f.file, set()).add(what(f))
    return out
