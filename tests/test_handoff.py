"""Pulumi -> Ansible hand-off: the inventory `sovstack inventory` writes for a region is what the playbooks take."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from sovstack.cli import app


def test_region_inventory_drives_the_playbooks(root, tmp_path):
    inv = tmp_path / "udmurtia.yml"
    res = CliRunner().invoke(app, ["inventory", "udmurtia", "--project", str(root), "-o", str(inv)])
    assert res.exit_code == 0, res.stderr
    env = {**os.environ, "ANSIBLE_CONFIG": str(root / "playbooks/ansible.cfg"), "ANSIBLE_NOCOLOR": "1"}
    bin_dir = Path(sys.executable).parent
    listed = subprocess.run([str(bin_dir / "ansible-playbook"), "-i", str(inv), str(root / "playbooks/site.yml"),
                             "--list-hosts"], capture_output=True, text=True, env=env, timeout=300)
    assert listed.returncode == 0, listed.stderr[-2000:]
    assert "udmurtia-bot-1" in listed.stdout and "udmurtia-pg" in listed.stdout
    graph = subprocess.run([str(bin_dir / "ansible-inventory"), "-i", str(inv), "--graph"], capture_output=True,
                           text=True, env=env, timeout=120)
    assert "@bot_servers:" in graph.stdout and "@storage:" in graph.stdout and "@site_udmurtia_gov_dc1:" in graph.stdout
