"""The built wheel works on its own: installed into a fresh virtual environment outside the repository, it finds
its catalogue and templates and runs `policies list`, `check`, `report` and `bundle` from a folder of its own.

Offline by design: the wheel is built with the test environment's setuptools (--no-build-isolation, --no-index),
and the fresh environment gets its dependencies through a .pth line naming the test environment's
site-packages. A .pth line only appends that folder to sys.path: the .pth files inside it (such as an editable
install of sovstack pointing back at src/) are not processed, and the fresh environment's own site-packages,
holding the wheel, comes first. So the code under test is the wheel's, the dependencies are the locked ones
already installed, and nothing is downloaded. (--system-site-packages would also see the system's packages.)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
from pathlib import Path

import pytest

BUILD_INPUTS = ("pyproject.toml", "setup.py", "README.md", "src", "policies")


def _run(cmd: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def scratch() -> Path:
    """Its own temporary folder: pytest's numbered ones are pruned by any concurrent pytest run of the same user."""
    with tempfile.TemporaryDirectory(prefix="sovstack-wheel-") as tmp:
        yield Path(tmp)


@pytest.fixture(scope="module")
def installed(scratch, root) -> tuple[Path, dict[str, str]]:
    base = scratch / "build"
    base.mkdir()
    # No PYTHONPATH: pip would see the checkout's sovstack as installed, and the commands would run its code.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "SOVSTACK_POLICIES", "VIRTUAL_ENV")}
    tree = base / "tree"  # a copy, so the build leaves no build/ or egg-info in the checkout
    for name in BUILD_INPUTS:
        src = root / name
        if src.is_dir():
            shutil.copytree(src, tree / name, ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
        else:
            tree.mkdir(exist_ok=True)
            shutil.copy2(src, tree / name)
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
                  "-w", str(base / "dist"), str(tree)], cwd=base, env=env)
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next((base / "dist").glob("sovstack-*.whl"))
    venv = base / "venv"
    made = _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=base)
    assert made.returncode == 0, made.stderr
    site = Path(_run([str(venv / "bin/python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=base).stdout.strip())
    inst = _run([sys.executable, "-m", "pip", "--python", str(venv / "bin/python"), "install", "--no-deps",
                 "--no-index", str(wheel)], cwd=base, env=env)
    assert inst.returncode == 0, inst.stderr[-2000:]
    # after the install: with it in place pip would take the test environment's sovstack as already installed
    (site / "_sovstack_test_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    env.update(BC_SKIP_MAPPING="TRUE", PATH=f"{venv / 'bin'}:{env.get('PATH', '')}")
    return venv, env


@pytest.fixture()
def workdir(scratch, root, request) -> Path:
    """A folder outside the repository with a few inputs copied in (not a git checkout of sovstack)."""
    inputs = scratch / request.node.name / "inputs"
    inputs.mkdir(parents=True)
    shutil.copy2(root / "examples/noncompliant/monitoring/alertmanager.yml", inputs / "alertmanager.yml")
    shutil.copy2(root / "examples/noncompliant/ansible/roles/notify/tasks/main.yml", inputs / "notify.yml")
    return inputs.parent


def _sovstack(installed, workdir: Path, *args: str) -> subprocess.CompletedProcess:
    venv, env = installed
    return _run([str(venv / "bin/sovstack"), *args], cwd=workdir, env=env)


def test_the_installed_code_and_catalogue_are_the_wheels(installed, workdir):
    venv, env = installed
    code = ("import sovstack, sovstack.paths as p; print(sovstack.__file__); print(p.bundled_policies()); "
            "from sovstack.report import templating; print(templating.labels('ru')['title'] != '')")
    proc = _run([str(venv / "bin/python"), "-c", code], cwd=workdir, env=env)
    assert proc.returncode == 0, proc.stderr
    module, catalogue, labels = proc.stdout.split("\n")[:3]
    assert Path(module).is_relative_to(venv) and Path(catalogue).is_relative_to(venv), proc.stderr
    shipped = Path(catalogue)
    assert shipped.name == "_catalogue" and (shipped / "SOV-MSG-004/metadata.yaml").is_file()
    assert (shipped / "SOV-MSG-004/SOV_MSG_004.py").is_file()
    assert (shipped / "checkov/terraform/SOV_RES_001.py").is_file()
    assert not list(shipped.glob("*/fixtures")) and not (shipped / "fixtures").exists()  # test data stay out
    assert labels == "True"


def test_policies_list_shows_the_shipped_catalogue(installed, workdir, catalogue):
    proc = _sovstack(installed, workdir, "policies", "list")
    assert proc.returncode == 0, proc.stderr
    assert all(pid in proc.stdout for pid in catalogue.policies)


def test_check_report_and_bundle_run_from_the_wheel(installed, workdir):
    checked = _sovstack(installed, workdir, "check", "inputs", "-f", "json", "-o", "result.json")
    assert checked.returncode == 1, checked.stderr  # violations, not a crash
    result = json.loads((workdir / "result.json").read_text())
    failed = {f["policy_id"] for f in result["findings"] if f["status"] == "failed"}
    assert {"SOV-MSG-001", "SOV-MSG-002"} <= failed and not result["policy_errors"]
    reported = _sovstack(installed, workdir, "report", "result.json", "-f", "html", "-o", "report.html")
    assert reported.returncode == 0, reported.stderr
    assert "SOV-MSG-001" in (workdir / "report.html").read_text()
    bundled = _sovstack(installed, workdir, "bundle", "create", "inputs", "--result", "result.json",
                        "-o", "evidence.tar.gz")
    assert bundled.returncode == 0, bundled.stderr
    with tarfile.open(workdir / "evidence.tar.gz") as tar:
        assert any(n.endswith("manifest.json") for n in tar.getnames())


def test_python_dash_m_runs_the_same_command_line(installed, workdir):
    venv, env = installed
    proc = _run([str(venv / "bin/python"), "-m", "sovstack", "policies", "list"], cwd=workdir, env=env)
    assert proc.returncode == 0 and "SOV-MSG-001" in proc.stdout, proc.stderr
