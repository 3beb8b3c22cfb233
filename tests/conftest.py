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

