"""Bundle fixtures: a small checked tree (one violation, one waived finding) and one bundle made from it."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from bundle_helpers import SECRET, TODAY
from typer.testing import CliRunner

from sovstack.cli import app


class Sovstack:
    """The CLI in-process: (exit code, stdout, stderr)."""

    def __call__(self, *args: object) -> tuple[int, str, str]:
        res = CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=False)
        return res.exit_code, res.stdout, res.stderr


DATA = Path(__file__).resolve().parents[1] / "report" / "data"

PLAYBOOK = """---
- name: Deploy the bot
  hosts: bot_servers
  tasks:
    - name: Tell the duty chat in Telegram
      community.general.telegram:
        token: "{{ telegram_token }}"
        api_args:
          chat_id: "-100123"
          text: deployed
"""
ALERTMANAGER = """route:
  receiver: duty
receivers:
  - name: duty
    telegram_configs:
      - bot_token_file: /etc/alertmanager/telegram_token
        chat_id: -100123456
"""
WAIVERS = """waivers:
  - id: W-1
    policy_id: SOV-MSG-004
    target: "monitoring/*.yml"
    reason: Alertmanager moves to the MAX bridge in the next release
    owner: ops@example.gov
    approved_by: ciso@example.gov
    ticket: SEC-77
    expires: 2026-03-01
"""


def make_tree(root: Path) -> Path:
    (root / "deploy").mkdir(parents=True)
    (root / "monitoring").mkdir()
    (root / "deploy" / "site.yml").write_text(PLAYBOOK)
    (root / "monitoring" / "alertmanager.yml").write_text(ALERTMANAGER)
    (root / "app.env").write_text(f"DB_PASSWORD={SECRET}\nLOG_LEVEL=info\n")
    (root / "sovstack-waivers.yaml").write_text(WAIVERS)
    return root


@pytest.fixture(scope="session")
def made(tmp_path_factory) -> dict[str, Path]:
    """One tree, a .tar.gz bundle and a .zip bundle of it (the zip signed with Ed25519)."""
    base = tmp_path_factory.mktemp("bundle")
    tree = make_tree(base / "tree")
    sov = Sovstack()
    code, out, err = sov("bundle", "keygen", "--output", base / "signer")
    assert code == 0, err
    evidence = DATA / "evidence-sample.json"
    tar = base / "audit.tar.gz"
    code, out, err = sov("bundle", "create", "--output", tar, tree, "--evidence", evidence, "--today", TODAY)
    assert code == 0, err
    zipped = base / "audit.zip"
    code, out, err = sov("bundle", "create", "--output", zipped, tree, "--today", TODAY,
                         "--sign-key", base / "signer.key")
    assert code == 0, err
    return {"tree": tree, "tar": tar, "zip": zipped, "key": base / "signer.key", "pub": base / "signer.pub",
            "base": base}


@pytest.fixture
def bundle_copy(made, tmp_path) -> Path:
    copy = tmp_path / "audit.tar.gz"
    shutil.copy(made["tar"], copy)
    return copy
