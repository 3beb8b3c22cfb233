"""Exit codes as documented: a crash is exit 2 in one line (traceback only with --debug); Ctrl-C stops the plans
within a second, writes nothing, says what it interrupted and exits 130."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

CRASH = """
import sys
from sovstack import cli, runner
def boom(*a, **k):
    raise RuntimeError("disk on fire\\nsecond line")
runner.run = boom
sys.argv = ["sovstack", "check", sys.argv[1]] + sys.argv[2:]
cli.main()
"""


def _crash(tmp_path: Path, *extra: str) -> subprocess.CompletedProcess:
    (tmp_path / "a.yml").write_text("x: 1\n")
    return subprocess.run([sys.executable, "-c", CRASH, str(tmp_path), *extra], capture_output=True, text=True,
                          timeout=120)


def test_crash_exits_2_in_one_line(tmp_path):
    proc = _crash(tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        "sovstack: error: internal error: RuntimeError: disk on fire (run with --debug for the traceback)"]


def test_crash_with_debug_prints_the_traceback(tmp_path):
    proc = _crash(tmp_path, "--debug")
    assert proc.returncode == 2 and "Traceback (most recent call last)" in proc.stderr


def test_version_flag():
    proc = subprocess.run([str(Path(sys.executable).parent / "sovstack"), "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.startswith("sovstack ")


def _plan_processes(group: int, folder: Path) -> set[int]:
    """This run's plan processes: the zygote (in the run's process group) and the plans it forked (their own
    session, working in the program's folder). Other runs on the machine are not counted."""
    found = set()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmd = (entry / "cmdline").read_bytes()
            cwd = os.readlink(entry / "cwd")
            pgid = os.getpgid(int(entry.name))
        except OSError:
            continue
        if b"pulumiplan/child.py" in cmd and (pgid == group or cwd.startswith(str(folder))):
            found.add(int(entry.name))
    return found


def test_ctrl_c_stops_plans_and_exits_130(tmp_path):
    stack = tmp_path / "stack"
    stack.mkdir()
    (stack / "Pulumi.yaml").write_text("name: slow\nruntime: python\n")
    (stack / "Pulumi.prod.yaml").write_text("config: {}\n")
    (stack / "__main__.py").write_text("while True:\n    pass\n")
    out = tmp_path / "result.json"
    proc = subprocess.Popen([str(Path(sys.executable).parent / "sovstack"), "check", str(tmp_path), "-f", "json",
                             "-o", str(out), "--plan-timeout", "120"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not _plan_processes(proc.pid, tmp_path):
        time.sleep(0.2)
    time.sleep(1.0)  # the plan is running now
    sent = time.monotonic()
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=30)
    took = time.monotonic() - sent
    assert proc.returncode == 130, err
    assert took < 1.5, f"took {took:.2f} s to stop"
    assert "interrupted while" in err and "Traceback" not in err
    assert not out.exists() and not [p for p in os.listdir(tmp_path) if p.startswith(".result.json")]
    time.sleep(0.5)
    assert not _plan_processes(proc.pid, tmp_path), "a plan process outlived the run"


def test_output_to_a_device_writes_in_place(sovstack, tmp_path):
    (tmp_path / "a.yml").write_text("route:\n  receiver: x\nreceivers:\n- name: x\n")
    before = os.stat("/dev/null")
    code, _, _ = sovstack("check", str(tmp_path), "-f", "json", "-o", "/dev/null")
    after = os.stat("/dev/null")
    assert code in (0, 1) and after.st_rdev == before.st_rdev and not Path("/dev/null").is_file()
