"""Playbook test fixtures: the two-host testbed (brought up and converged once per session) and helpers."""

from __future__ import annotations

import json
import os
import shutil
import signal
import stat
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS) not in sys.path:
    sys.path.insert(0, str(TESTS))

from testbed.scenario import Run, Scenario  # noqa: E402

TIMINGS = Path(__file__).with_name(".last-timings.json")
TOOLS = ("debootstrap", "ssh", "ssh-keygen", "nsenter", "unshare", "ip", "mkfs.ext4", "zstd", "findmnt")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "testbed: runs the playbooks over SSH against Debian test hosts in their own namespaces "
                   "(root on Linux; first run debootstraps the rootfs)")


@dataclass
class Converged:
    """The session's testbed after converging twice and verifying once."""

    sc: Scenario
    first: Run
    second: Run
    verify: Run
    evidence: dict | None
    evidence_path: Path


def _skip_reason() -> str | None:
    if sys.platform != "linux":
        return "the playbook testbed needs Linux namespaces"
    if os.geteuid() != 0:
        return "the playbook testbed needs root (network/PID/mount namespaces, loop mounts, debootstrap)"
    return None


def _raise_on_sigterm(signum, frame):  # teardown must run when CI or a user terminates the run
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture(scope="session")
def converged(tmp_path_factory) -> Converged:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    missing = [t for t in TOOLS if not shutil.which(t)]
    assert not missing, f"missing host tools {missing}: run scripts/system-deps as root"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode), "/dev/null of this machine is not a device"
    old = signal.signal(signal.SIGTERM, _raise_on_sigterm)
    sc = Scenario(log=lambda msg: print(msg, file=sys.stderr))
    t0 = time.monotonic()
    timings: dict = {}
    try:
        sc.up()
        timings.update(sc.tb.timings)
        first = sc.converge()
        second = sc.converge() if first.rc == 0 else first
        path = tmp_path_factory.mktemp("evidence") / "evidence.json"
        verify, evidence = sc.verify(path)
        timings.update(converge_first_s=first.seconds, converge_second_s=second.seconds,
                       verify_s=verify.seconds)
        yield Converged(sc, first, second, verify, evidence, path)
    finally:
        sc.down()
        signal.signal(signal.SIGTERM, old)
        timings["testbed_session_s"] = time.monotonic() - t0
        rounded = {k: round(v, 1) for k, v in timings.items()}
        TIMINGS.write_text(json.dumps(rounded, indent=2) + "\n")
        print(f"\ntestbed timings: {rounded}", file=sys.stderr)
        # the machine outside the test hosts must be untouched
        assert stat.S_ISCHR(os.stat("/dev/null").st_mode), "the testbed damaged this machine's /dev/null"
