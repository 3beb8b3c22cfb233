"""Paired fixtures for every policy (policies/<ID>/fixtures/): fail/ fails exactly where expected.yaml says, pass/ is
evaluated and clean."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from sovstack import runner
from sovstack.catalogue import FIXTURES as FIXTURE_FOLDER, homes, load
from sovstack.models import InputStatus, Result, Status

POLICIES = Path(__file__).resolve().parents[2] / "policies"
POLICY_IDS = [home.name for home in homes(POLICIES)]


def fixtures(pid: str) -> Path:
    return POLICIES / pid / FIXTURE_FOLDER

# Known policy bugs the fixtures expose, by (policy, test). Each is strict: the test fails once the bug is
# fixed, so the entry is removed together with the fix.
# (policy, test) -> reason, for a fixture that shows a detection bug not yet fixed (strict xfail).
KNOWN_BUGS: dict[tuple[str, str], str] = {}


def _params(test: str) -> list:
    return [pytest.param(pid, id=pid, marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[pid, test])]
                         if (pid, test) in KNOWN_BUGS else []) for pid in POLICY_IDS]


@pytest.fixture(scope="module")
def policy_catalogue():
    return load(POLICIES)


@pytest.fixture(scope="module")
def scan(policy_catalogue):
    """Runs the engine in-process on one fixture folder (once per folder), checking it ran cleanly."""
    cache: dict[Path, Result] = {}

    def _scan(folder: Path) -> Result:
        if folder not in cache:
            cache[folder] = runner.run(runner.Options(paths=[folder]), policy_catalogue)
        res = cache[folder]
        errors = [(r.path, r.error) for r in res.inputs if r.status is InputStatus.ERROR]
        assert not errors, f"input errors in {folder}: {errors}"
        assert not res.policy_errors, f"policy errors in {folder}: {res.policy_errors}"
        assert res.inputs, f"nothing was evaluated in {folder}"
        return res
    return _scan


def _findings(res: Result, pid: str, status: Status) -> list[tuple[str, int | None]]:
    return sorted((f.file, f.line) for f in res.findings if f.policy_id == pid and f.status is status)


def _expected(pid: str) -> set[tuple[str, int]]:
    data = yaml.safe_load((fixtures(pid) / "expected.yaml").read_text(encoding="utf-8"))
    assert data["policy"] == pid, f"expected.yaml of {pid} names {data['policy']}"
    return {(item["file"], item["line"]) for item in data["fail"]}


@pytest.mark.parametrize("pid", POLICY_IDS)
def test_fixture_folder_is_complete(pid):
    folder = fixtures(pid)
    for part in ("pass", "fail"):
        assert (folder / part).is_dir(), f"{pid} has no {part}/ fixture folder"
        assert any(p.is_file() for p in (folder / part).rglob("*")), f"{pid}/{part}/ is empty"
    assert (folder / "expected.yaml").is_file(), f"{pid} has no expected.yaml"
    expected = _expected(pid)
    assert expected, f"{pid}/expected.yaml lists no failure"
    for file, line in expected:
        assert isinstance(line, int) and line > 0, f"{pid}: bad line {line!r} for {file}"
        assert (folder / "fail" / file).is_file(), f"{pid}/expected.yaml names a missing file {file}"


@pytest.mark.parametrize("pid", _params("fail"))
def test_fail_fixture_fails_exactly_where_expected(pid, scan):
    res = scan(fixtures(pid) / "fail")
    assert set(_findings(res, pid, Status.FAILED)) == _expected(pid)


@pytest.mark.parametrize("pid", _params("clean"))
def test_pass_fixture_has_no_failure(pid, scan):
    res = scan(fixtures(pid) / "pass")
    assert _findings(res, pid, Status.FAILED) == []


@pytest.mark.parametrize("pid", _params("evaluated"))
def test_pass_fixture_is_evaluated(pid, scan):
    res = scan(fixtures(pid) / "pass")
    assert _findings(res, pid, Status.PASSED), f"{pid} reported nothing on its pass/ fixture"


def test_every_policy_folder_is_a_known_policy(policy_catalogue):
    """A folder named like a policy is one: the catalogue loads its metadata, so fixtures cannot be orphaned."""
    assert POLICY_IDS and POLICY_IDS == sorted(policy_catalogue.policies)
