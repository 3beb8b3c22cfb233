"""The verify probe's disk scan: what it reports as a foreign-messenger notifier, and what it leaves alone."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PROBE = ROOT / "playbooks/files/sovstack_verify_probe.py"
spec = importlib.util.spec_from_file_location("sovstack_verify_probe", PROBE)
probe = importlib.util.module_from_spec(spec)
sys.modules["sovstack_verify_probe"] = probe
spec.loader.exec_module(probe)
FOREIGN = yaml.safe_load((ROOT / "policies/data/messengers.yaml").read_text())


def scan(tmp_path: Path, files: dict[str, str], exclude=()) -> tuple[list[dict], dict]:
    for name, text in files.items():
        p = tmp_path / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text)
    found, chk, _ = probe.foreign_scan({"scan_paths": [str(tmp_path)], "scan_exclude": list(exclude),
                                        "foreign": FOREIGN})
    return found, chk


def test_planted_notifiers_are_found_and_named(tmp_path):
    found, chk = scan(tmp_path, {
        "bin/notify.sh": "curl https://api.telegram.org/bot$T/sendMessage\n",
        "etc/alertmanager.yml": "receivers:\n  - name: ops\n    slack_configs:\n      - channel: '#ops'\n",
        "etc/app.env": "TELEGRAM_BOT_TOKEN=123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq\n",
        "etc/teams.cfg": "url = https://contoso.webhook.office.com/webhookb2/x\n",
    })
    assert not chk["passed"]
    by_file = {Path(f["path"]).name: (f["messenger"], f["kind"]) for f in found}
    assert by_file == {"notify.sh": ("Telegram", "endpoint"), "alertmanager.yml": ("Slack", "receiver"),
                       "app.env": ("Telegram", "token"), "teams.cfg": ("Microsoft Teams", "endpoint")}
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq" not in str(found)      # masked
    assert "notify.sh:1 (Telegram endpoint)" in chk["message"]


def test_deny_lists_name_resolution_and_max_are_not_notifiers(tmp_path):
    found, chk = scan(tmp_path, {
        "etc/hosts": "127.66.0.1\tapi.telegram.org\n",
        "etc/sovstack/egress-guard.json": '{"deny_hosts": ["api.telegram.org", "hooks.slack.com"]}\n',
        "etc/bridge.env": "MAX_API_URL='https://platform-api2.max.ru'\nMAX_BOT_TOKEN='abc'\n",
        "bin/blob": "\0\0https://api.telegram.org/bot",
    })
    assert chk["passed"] and found == []


def test_excluded_folders_are_skipped(tmp_path):
    found, chk = scan(tmp_path, {"keep/x.sh": "https://hooks.slack.com/services/T0/B0/xyz\n"},
                      exclude=[str(tmp_path / "keep")])
    assert chk["passed"] and found == []
