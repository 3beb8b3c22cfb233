"""Bad input: a clear error naming the file, exit 2, and every other input still evaluated."""

from __future__ import annotations

import os
import shutil

import pytest

GOOD_TASK = "- name: Notify\n  community.general.telegram:\n    token: x\n"


@pytest.fixture()
def tree(tmp_path):
    (tmp_path / "roles/x/tasks").mkdir(parents=True)
    (tmp_path / "roles/x/tasks/main.yml").write_text(GOOD_TASK)
    return tmp_path


def check(sovstack, tree, *extra):
    code, result = sovstack.json(tree, *extra)
    errors = {i["path"]: i["error"] for i in result["inputs"] if i["status"] == "error"}
    still = any(f["policy_id"] == "SOV-MSG-001" and f["status"] == "failed" for f in result["findings"])
    return code, errors, still


@pytest.mark.parametrize("name,content,needle", [
    ("broken.yml", "a: [1, 2\nb: c\n", "malformed YAML"),
    ("bin.yml", b"\x00\x01\x02key: value", "binary"),
    ("latin.yaml", b"key: \xff\xfe caf\xe9\n", "UTF-8"),
    ("main.tf", 'resource "aws_s3_bucket" "b" {\n  bucket = \n', "malformed HCL"),
    ("state.json", '{"deployment": {"resources": [ }', "malformed JSON"),
    ("bomb.yaml", "a: &a [x,x,x,x,x,x,x,x,x,x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 10) + "]\n" for i in range(7)), "alias"),
])
def test_malformed_inputs(sovstack, tree, name, content, needle):
    path = tree / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    code, errors, still = check(sovstack, tree)
    assert code == 2
    assert name in errors and needle in errors[name], errors
    assert still, "the good file must still be evaluated"


def test_file_over_the_size_limit(sovstack, tree):
    (tree / "big.yaml").write_text("k: " + "x" * 5000 + "\n")
    code, errors, still = check(sovstack, tree, "--max-file-size", "1000")
    assert code == 2 and "limit" in errors["big.yaml"] and still


def test_symlink_loop_and_link_outside(sovstack, tree, tmp_path_factory):
    outside = tmp_path_factory.mktemp("outside") / "secret.yml"
    outside.write_text(GOOD_TASK)
    (tree / "out.yml").symlink_to(outside)
    os.symlink("loop_b", tree / "loop_a")
    os.symlink("loop_a", tree / "loop_b")
    code, errors, still = check(sovstack, tree)
    assert code == 2 and still
    assert "outside the scanned tree" in errors["out.yml"]
    assert "loop" in errors["loop_a"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(sovstack, tree):
    p = tree / "secret.yml"
    p.write_text("a: b\n")
    p.chmod(0)
    code, errors, still = check(sovstack, tree)
    assert code == 2 and "cannot read" in errors["secret.yml"] and still


def test_output_is_all_or_nothing(sovstack, tree, tmp_path):
    out = tmp_path / "existing.json"
    out.write_text("previous report")
    code, _, err = sovstack("check", tree, "-f", "json", "-o", out, "-o", tmp_path / "extra.json")
    assert code == 2 and "more --output" in err
    assert out.read_text() == "previous report"


def test_missing_path_is_a_usage_error(sovstack, tmp_path):
    code, _, err = sovstack("check", tmp_path / "nope")
    assert code == 2 and "nope" in err


def test_template_that_is_not_yaml_is_scanned_as_text(sovstack, tree):
    (tree / "notify.sh.j2").write_text("{% if x %}\ncurl -s https://api.telegram.org/bot{{ tok }}/sendMessage\n{% endif %}\n")
    code, result = sovstack.json(tree)
    assert code == 1
    assert any(f["file"] == "notify.sh.j2" and f["line"] == 2 for f in result["findings"] if f["status"] == "failed")
