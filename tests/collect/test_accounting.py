"""Every file under a scanned path ends in one state (evaluated, error, excluded, skipped) with its reason and rule;
archives are read in memory; nothing evaluated is not compliant; in-tree control files are recorded and --audit
refuses them."""

from __future__ import annotations

import io
import os
import tarfile
import zipfile
from pathlib import Path

import pytest

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
ALERTMANAGER = ("route:\n  receiver: tg\nreceivers:\n- name: tg\n  telegram_configs:\n"
                f"  - bot_token: \"{TOKEN}\"\n    chat_id: 42\n")
CLEAN = "route:\n  receiver: ops\nreceivers:\n- name: ops\n  webhook_configs:\n  - url: http://max-bridge.local:9095/\n"


def _tgz(members: dict[str, bytes], links: dict[str, str] | None = None) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name, target in (links or {}).items():
            info = tarfile.TarInfo(name)
            info.type, info.linkname = tarfile.SYMTYPE, target
            tar.addfile(info)
    return buf.getvalue()


def _zip(members: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return buf.getvalue()


def _tree(root: Path) -> None:
    files = {
        "monitoring/alertmanager.yml": CLEAN,
        "monitoring/notes.md": "# notes\n",
        "img/logo.png": b"\x89PNG\r\n\x1a\n" + bytes(64),
        "node_modules/pkg/alertmanager.yml": ALERTMANAGER,
        "venv/lib/x.yml": ALERTMANAGER,
        ".terraform/modules/m/main.tf": 'provider "aws" {\n  region = "us-east-1"\n}\n',
        "charts/notify-0.1.0.tgz": _tgz({"notify/Chart.yaml": b"name: notify\nversion: 0.1.0\n",
                                          "notify/templates/alertmanager.yaml": ALERTMANAGER.encode()}),
        "bundle.zip": _zip({"cfg/alertmanager.yml": ALERTMANAGER.encode()}),
    }
    for rel, data in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data if isinstance(data, bytes) else data.encode())
    os.symlink("node_modules/pkg", root / "linked")


def _accounted(result: dict) -> dict[str, str]:
    return {i["path"]: i["status"] for i in result["inputs"]}


def test_every_file_ends_in_one_state(sovstack, tmp_path):
    _tree(tmp_path)
    code, result = sovstack.json(tmp_path)
    states = _accounted(result)
    on_disk = {p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file() and not p.is_symlink()}
    excluded_dirs = [p for p, s in states.items() if s == "excluded" and p.endswith("/")]
    for rel in on_disk:
        member_of = [p for p in states if p.startswith(rel + "!/")]
        under = [d for d in excluded_dirs if rel.startswith(d)]
        assert rel in states or member_of or under, f"{rel} is not accounted for"
    assert states["node_modules/"] == states["venv/"] == states[".terraform/"] == "excluded"
    folder = {i["path"]: i for i in result["inputs"]}["node_modules/"]
    assert folder["files"] == 1 and "built-in default" in folder["rule"]
    assert states["linked/"] == "skipped" and "not followed" in {i["path"]: i for i in result["inputs"]}["linked/"]["reason"]
    assert states["img/logo.png"] == "skipped"
    assert states["charts/notify-0.1.0.tgz!/notify/templates/alertmanager.yaml"] == "evaluated"
    assert states["bundle.zip!/cfg/alertmanager.yml"] == "evaluated"
    failed = {f["file"] for f in result["findings"] if f["status"] == "failed"}
    assert {"charts/notify-0.1.0.tgz!/notify/templates/alertmanager.yaml", "bundle.zip!/cfg/alertmanager.yml"} <= failed
    s = result["summary"]
    assert s["evaluated"] == sum(v == "evaluated" for v in states.values()) and s["excluded"] >= 3
    assert code == 1 and result["verdict"]["status"] == "violations"


def test_unreadable_archives_and_refused_members_are_errors(sovstack, tmp_path):
    (tmp_path / "ok.yml").write_text(CLEAN)
    (tmp_path / "broken.tgz").write_bytes(b"\x1f\x8b" + os.urandom(200))
    (tmp_path / "evil.tgz").write_bytes(_tgz({"a/values.yaml": b"x: 1\n", "../escape.yml": ALERTMANAGER.encode()},
                                             links={"a/link.yml": "/etc/passwd"}))
    deep = _zip({"x.yml": ALERTMANAGER.encode()})
    for level in range(4):
        deep = _zip({f"l{level}.zip": deep})
    (tmp_path / "deep.zip").write_bytes(deep)
    code, result = sovstack.json(tmp_path)
    errors = {i["path"]: i["error"] for i in result["inputs"] if i["status"] == "error"}
    assert "cannot be opened" in errors["broken.tgz"]
    assert any(p.startswith("evil.tgz!/") and "'..'" in e for p, e in errors.items())
    assert any(p.startswith("evil.tgz!/a/link.yml") and "symbolic link" in e for p, e in errors.items())
    assert any(p.startswith("deep.zip!/") and "nested" in e for p, e in errors.items())
    assert _accounted(result)["evil.tgz!/a/values.yaml"] == "evaluated"
    assert code == 2 and result["verdict"]["status"] == "not-evaluated"


@pytest.mark.parametrize("content", [None, {"README.md": "# docs only\n", "logo.png": b"\x89PNG\r\n\x1a\n"}])
def test_nothing_evaluated_is_not_compliant(sovstack, tmp_path, content):
    for name, data in (content or {}).items():
        (tmp_path / name).write_bytes(data if isinstance(data, bytes) else data.encode())
    code, out, _ = sovstack("check", str(tmp_path))
    assert code == 2
    assert out.strip().splitlines()[-1].startswith("NOT COMPLIANT: not evaluated - nothing was evaluated")
    code, result = sovstack.json(tmp_path)
    assert code == 2 and result["verdict"] == {**result["verdict"], "status": "not-evaluated", "exit_code": 2}
    html = tmp_path.parent / f"{tmp_path.name}.html"
    code, _, _ = sovstack("check", str(tmp_path), "-f", "html", "-o", str(html), "--lang", "en")
    assert code == 2 and 'data-verdict="not-evaluated"' in html.read_text()


def test_planted_ignore_file_is_recorded_and_audit_refuses_it(sovstack, tmp_path):
    (tmp_path / "ops").mkdir()
    (tmp_path / "ops" / "alertmanager.yml").write_text(ALERTMANAGER)
    (tmp_path / "ops" / ".sovstackignore").write_text("# looks harmless\nalertmanager.yml\n")
    (tmp_path / "clean.yml").write_text(CLEAN)
    code, result = sovstack.json(tmp_path)
    rec = {i["path"]: i for i in result["inputs"]}["ops/alertmanager.yml"]
    assert rec["status"] == "excluded" and rec["rule"] == "ops/.sovstackignore:2 'alertmanager.yml'"
    (control,) = [c for c in result["control_files"] if c["type"] == "ignore"]
    assert control == {**control, "path": "ops/.sovstackignore", "source": "in-tree", "applied": True,
                       "excluded": ["ops/alertmanager.yml"]}
    assert code == 0
    code, result = sovstack.json(tmp_path, "--audit")
    assert result["audit"] is True and code == 1
    assert {i["path"]: i["status"] for i in result["inputs"]}["ops/alertmanager.yml"] == "evaluated"
    (control,) = [c for c in result["control_files"] if c["type"] == "ignore"]
    assert control["applied"] is False and control["excluded"] == ["ops/alertmanager.yml"]
    code, out, _ = sovstack("check", str(tmp_path), "--audit")
    assert "NOT applied" in out and "would have excluded 1" in out


def test_in_tree_waivers_are_recorded_and_audit_refuses_them(sovstack, tmp_path):
    (tmp_path / "alertmanager.yml").write_text(ALERTMANAGER)
    (tmp_path / "sovstack-waivers.yaml").write_text(
        "waivers:\n- id: W-1\n  policy_id: SOV-MSG-004\n  target: alertmanager.yml\n  reason: migration to MAX in "
        "progress\n  owner: ivanov\n  approved_by: petrov\n  ticket: OPS-1\n  expires: 2027-01-15\n")
    code, result = sovstack.json(tmp_path, "--today", "2026-12-02")
    (control,) = [c for c in result["control_files"] if c["type"] == "waivers"]
    assert control["source"] == "in-tree" and control["applied"] and control["waived"]
    assert code == 0
    code, result = sovstack.json(tmp_path, "--today", "2026-12-02", "--audit")
    (control,) = [c for c in result["control_files"] if c["type"] == "waivers"]
    assert not control["applied"] and control["waived"] and code == 1
    assert not [f for f in result["findings"] if f["status"] == "waived"]


def test_command_line_excludes_name_their_rule(sovstack, tmp_path):
    (tmp_path / "a.yml").write_text(CLEAN)
    (tmp_path / "legacy").mkdir()
    (tmp_path / "legacy" / "am.yml").write_text(ALERTMANAGER)
    code, result = sovstack.json(tmp_path, "--exclude", "legacy/")
    rec = {i["path"]: i for i in result["inputs"]}["legacy/"]
    assert rec["status"] == "excluded" and rec["rule"] == "--exclude 'legacy/'" and rec["files"] == 1
    assert code == 0


def test_invalid_ignore_lines_exclude_nothing_and_are_recorded(sovstack, tmp_path):
    (tmp_path / "am.yml").write_text(ALERTMANAGER)
    (tmp_path / ".sovstackignore").write_text("\\\nam.yml\n")
    code, result = sovstack.json(tmp_path)
    (control,) = result["control_files"]
    assert control["problems"] and "invalid pattern" in control["problems"][0]
    assert control["excluded"] == ["am.yml"] and code == 0
    code, _, err = sovstack("check", str(tmp_path), "--exclude", "\\")
    assert code == 2 and "invalid pattern --exclude" in err


def test_invalid_in_tree_waivers_stop_the_run_and_are_listed_under_audit(sovstack, tmp_path):
    (tmp_path / "alertmanager.yml").write_text(ALERTMANAGER)
    (tmp_path / "sovstack-waivers.yaml").write_text(
        "waivers:\n- id: W-1\n  policy_id: SOV-MSG-004\n  target: '*'\n  reason: migration to MAX in progress\n"
        "  owner: ivanov\n  approved_by: Ivanov\n  ticket: OPS-1\n  expires: 2027-01-15\n")
    code, _, err = sovstack("check", str(tmp_path), "--today", "2026-12-02")
    assert code == 2 and "sovstack-waivers.yaml" in err and "owner" in err
    code, result = sovstack.json(tmp_path, "--today", "2026-12-02", "--audit")
    (control,) = [c for c in result["control_files"] if c["type"] == "waivers"]
    assert code == 1 and not control["applied"] and control["problems"]
    assert control["path"].endswith("sovstack-waivers.yaml")
