"""--policies DIR and SOVSTACK_POLICIES replace the whole catalogue, its data/ included, for the rules too."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

ALERTMANAGER = """route:
  receiver: duty
receivers:
  - name: duty
    webhook_configs:
      - url: https://tg-relay.example.test/hook
"""


@pytest.fixture()
def custom(tmp_path, root):
    """A copy of the catalogue whose data knows one more Telegram endpoint."""
    pol = tmp_path / "pol"
    shutil.copytree(root / "policies", pol, ignore=shutil.ignore_patterns("fixtures", "__pycache__"))
    data = pol / "data" / "messengers.yaml"
    text = data.read_text(encoding="utf-8")
    assert "      - {host: api.telegram.org}\n" in text
    data.write_text(text.replace("      - {host: api.telegram.org}\n",
                                 "      - {host: api.telegram.org}\n      - {host: tg-relay.example.test}\n", 1))
    (tmp_path / "alertmanager.yml").write_text(ALERTMANAGER)
    return tmp_path


def _failed(cwd, *args, env=None) -> set[str]:
    proc = subprocess.run([sys.executable, "-m", "sovstack", "check", "alertmanager.yml", "-f", "json", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode in (0, 1), proc.stderr
    return {f["policy_id"] for f in json.loads(proc.stdout)["findings"] if f["status"] == "failed"}


def test_the_rules_read_the_data_of_the_catalogue_given(custom):
    assert "SOV-MSG-004" not in _failed(custom)
    assert "SOV-MSG-004" in _failed(custom, "--policies", str(custom / "pol"))
    env = {**os.environ, "SOVSTACK_POLICIES": str(custom / "pol")}
    assert "SOV-MSG-004" in _failed(custom, env=env)


def test_an_installation_without_its_catalogue_says_so(monkeypatch, tmp_path):
    from sovstack import paths
    from sovstack.catalogue import CatalogueError, load_default

    monkeypatch.delenv("SOVSTACK_POLICIES", raising=False)
    monkeypatch.setattr(paths, "REPO_ROOT", tmp_path)  # no checkout beside the code
    monkeypatch.setattr(paths, "CATALOGUE_FOLDER", "_no_catalogue_here")  # and no package data
    with pytest.raises(CatalogueError, match="catalogue is missing from this installation"):
        load_default()
    assert paths.policies_dir(tmp_path / "given") == (tmp_path / "given").resolve()  # --policies still wins
