"""An untouched bundle verifies; one changed byte, one added file or one removed file fails, naming the file."""

from __future__ import annotations

import json
import shutil

import pytest

from bundle_helpers import SECRET, read_members, top, write_members


def test_untouched_bundle_verifies(made, sovstack):
    for kind in ("tar", "zip"):
        code, out, err = sovstack("bundle", "verify", made[kind])
        assert code == 0, (kind, out, err)
        assert ": intact" in out and "manifest.json sha256" in out and "manifest.json streebog256" in out


@pytest.mark.parametrize("kind", ["tar", "zip"])
@pytest.mark.parametrize("name", ["reports/report.html", "reports/report.pdf", "result.json", "reports/summary.md"])
def test_one_changed_byte_is_named(made, sovstack, tmp_path, kind, name):
    copy = tmp_path / made[kind].name
    shutil.copy(made[kind], copy)
    members = read_members(copy)
    full = f"{top(members)}/{name}"
    data = bytearray(members[full])
    data[len(data) // 2] ^= 0x01
    members[full] = bytes(data)
    write_members(copy, members)
    code, out, _ = sovstack("bundle", "verify", copy)
    assert code == 1 and "TAMPERED" in out
    assert f"changed: {name}" in out and out.count("changed:") == 1


def test_one_added_file_is_named(bundle_copy, sovstack):
    members = read_members(bundle_copy)
    members[f"{top(members)}/reports/extra-note.txt"] = b"all good, trust me\n"
    write_members(bundle_copy, members)
    code, out, _ = sovstack("bundle", "verify", bundle_copy)
    assert code == 1 and "added: reports/extra-note.txt" in out


def test_one_removed_file_is_named(bundle_copy, sovstack):
    members = read_members(bundle_copy)
    del members[f"{top(members)}/reports/summary.md"]
    write_members(bundle_copy, members)
    code, out, _ = sovstack("bundle", "verify", bundle_copy)
    assert code == 1 and "removed: reports/summary.md" in out


def test_a_rewritten_manifest_is_caught_by_the_signature(made, sovstack, tmp_path):
    copy = tmp_path / "audit.zip"
    shutil.copy(made["zip"], copy)
    members = read_members(copy)
    name = f"{top(members)}/manifest.json"
    manifest = json.loads(members[name])
    manifest["run"]["summary"]["failed"] = 0  # an edit that keeps every file's digest
    members[name] = (json.dumps(manifest, sort_keys=True, ensure_ascii=False, indent=2) + "\n").encode()
    write_members(copy, members)
    code, out, _ = sovstack("bundle", "verify", copy, "--public-key", made["pub"])
    assert code == 1 and "changed: manifest.json" in out and "does not match manifest.json" in out


def test_a_broken_manifest_is_tampering(bundle_copy, sovstack):
    members = read_members(bundle_copy)
    name = f"{top(members)}/manifest.json"
    members[name] = members[name][:-40]
    write_members(bundle_copy, members)
    code, out, _ = sovstack("bundle", "verify", bundle_copy)
    assert code == 1 and "changed: manifest.json" in out


def test_bundle_contents(made):
    members = read_members(made["tar"])
    names = sorted(n.split("/", 1)[1] for n in members)
    assert names == ["evidence/evidence-sample.json", "manifest.json", "reports/report.html", "reports/report.pdf",
                     "reports/summary.md", "result.json", "waivers/sovstack-waivers.yaml"]
    assert not any(n.endswith(("site.yml", "app.env", "alertmanager.yml")) for n in names)  # no raw inputs
    blob = b"".join(members.values())
    assert SECRET.encode() not in blob and b"AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1" not in blob
    manifest = json.loads(members[f"{top(members)}/manifest.json"])
    assert manifest["format"] == "sovstack-evidence-bundle" and manifest["manifest_version"] == 1
    assert set(manifest["inputs"]) == {"deploy/site.yml", "monitoring/alertmanager.yml", "app.env",
                                       "sovstack-waivers.yaml"}
    for entry in [*manifest["inputs"].values(), *manifest["files"].values()]:
        assert len(entry["sha256"]) == 64 and len(entry["streebog256"]) == 64 and entry["size"] > 0
    assert set(manifest["files"]) == set(names) - {"manifest.json"}
    versions = manifest["versions"]
    for tool in ("sovstack", "checkov", "pulumi", "ansible-core", "python"):
        assert versions[tool], tool
    assert versions["policies"]["count"] >= 20 and len(versions["policies"]["sha256"]) == 64
    run = manifest["run"]
    assert run["started_at"] and "bundle_command" in run and "check_command" in run  # None in-process
    assert manifest["evidence_sources"]["evidence/evidence-sample.json"]["bundled"] == "masked or re-serialised"
    result = json.loads(members[f"{top(members)}/result.json"])
    assert result["summary"]["failed"] == 1 and result["summary"]["waived"] == 1
    assert result["evidence"][0]["masked"] is True


def test_input_files_against_the_tree(made, sovstack, tmp_path):
    tree = tmp_path / "tree"
    shutil.copytree(made["tree"], tree)
    code, out, _ = sovstack("bundle", "verify", made["tar"], "--against", tree)
    assert code == 0, out
    (tree / "deploy" / "site.yml").write_text((tree / "deploy" / "site.yml").read_text() + "# edited\n")
    (tree / "monitoring" / "alertmanager.yml").unlink()
    (tree / "extra.tf").write_text('provider "aws" {\n  region = "eu-west-1"\n}\n')
    code, out, _ = sovstack("bundle", "verify", made["tar"], "--against", tree)
    assert code == 1
    assert "changed: input deploy/site.yml" in out
    assert "removed: input monitoring/alertmanager.yml" in out
    assert "added: input extra.tf" in out
