"""The test hosts' Debian rootfs: built once with debootstrap, cached as a tarball keyed by its recipe."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SUITE = "bookworm"
MIRROR = os.environ.get("SOVSTACK_TESTBED_MIRROR", "http://deb.debian.org/debian")
CACHE = Path(os.environ.get("SOVSTACK_TESTBED_CACHE", Path.home() / ".cache" / "sovstack" / "testbed"))

# Everything the roles install is preinstalled: the test hosts have no route to any mirror, so the roles'
# package tasks find the packages present. sysvinit-core is the hosts' service manager (see README.md).
PACKAGES = (
    "sysvinit-core", "openssh-server", "python3", "python3-apt", "procps", "iproute2", "nftables",
    "nginx", "postgresql", "postgresql-client", "chrony", "ca-certificates", "cron", "tzdata", "openssl",
    "netbase",
)

# Runlevel 2 only: the rcS scripts (hwclock, fsck, mounts, sysctl, console set-up) belong to the real
# machine, not to a host that shares its kernel. No gettys: the hosts have no terminals.
INITTAB = """\
# sovstack testbed: sysvinit as PID 1 of the host's own PID namespace.
id:2:initdefault:
l2:2:wait:/etc/init.d/rc 2
z6:6:respawn:/sbin/sulogin --force
"""

SSHD_CONF = """\
# sovstack testbed: key-only root login for the Ansible controller.
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UseDNS no
"""

# The hosts never change the machine's clock: chronyd runs with -x (see the common role's
# common_ntp_set_clock); the role rewrites this file on converge.
CHRONY_DEFAULT = 'DAEMON_OPTS="-F 1 -x"\n'


@dataclass(frozen=True)
class Recipe:
    suite: str = SUITE
    packages: tuple[str, ...] = PACKAGES

    def key(self) -> str:
        text = "\n".join([self.suite, *sorted(self.packages), INITTAB, SSHD_CONF, CHRONY_DEFAULT, "v3"])
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def tarball(self) -> Path:
        return CACHE / f"rootfs-{self.suite}-{self.key()}.tar.zst"


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, **kw)


def remove_tree(path: Path) -> None:
    """Unmounts whatever debootstrap left mounted below `path` (proc, sys, a bound /dev), then deletes it
    without ever crossing into another file system."""
    mounts = subprocess.run(["findmnt", "-rn", "-o", "TARGET"], capture_output=True, text=True).stdout.split()
    for m in sorted((m for m in mounts if m.startswith(str(path) + "/")), key=len, reverse=True):
        subprocess.run(["umount", "-l", m], check=False)
    subprocess.run(["rm", "-rf", "--one-file-system", "--", str(path)], check=False)


def build(recipe: Recipe, workdir: Path, log) -> Path:
    """Debootstraps the rootfs into workdir/build and stores it as the cached tarball; returns the tarball."""
    target = recipe.tarball()
    target.parent.mkdir(parents=True, exist_ok=True)
    root = workdir / "build"
    remove_tree(root)
    t0 = time.monotonic()
    try:
        with open(workdir / "debootstrap.log", "w") as out:
            _run(["debootstrap", "--variant=minbase", "--include=" + ",".join(recipe.packages),
                  recipe.suite, str(root), MIRROR], stdout=out, stderr=subprocess.STDOUT)
        _customise(root)
        tmp = target.with_suffix(".partial")
        _run(["tar", "--numeric-owner", "--xattrs", "-C", str(root), "-I", "zstd -T0 -3", "-cf", str(tmp), "."])
        tmp.rename(target)
    finally:
        remove_tree(root)
    log(f"testbed: debootstrap + rootfs tarball took {time.monotonic() - t0:.1f}s -> {target}")
    return target


def _customise(root: Path) -> None:
    (root / "etc/inittab").write_text(INITTAB)
    (root / "etc/ssh/sshd_config.d").mkdir(parents=True, exist_ok=True)
    (root / "etc/ssh/sshd_config.d/testbed.conf").write_text(SSHD_CONF)
    (root / "etc/default/chrony").write_text(CHRONY_DEFAULT)
    (root / "etc/resolv.conf").write_text("# sovstack testbed: no resolver; names come from /etc/hosts\n")
    for rel in ("var/cache/apt/archives", "usr/share/doc", "usr/share/man", "usr/share/locale"):
        for child in (root / rel).glob("*"):
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child, ignore_errors=True)
            elif child.name != "lock":
                child.unlink(missing_ok=True)
    for name in ("pkgcache.bin", "srcpkgcache.bin"):
        (root / "var/cache/apt" / name).unlink(missing_ok=True)


def ensure(recipe: Recipe, workdir: Path, log) -> tuple[Path, bool]:
    """Returns (tarball, built_now)."""
    if recipe.tarball().exists():
        return recipe.tarball(), False
    return build(recipe, workdir, log), True


def unpack(tarball: Path, dest: Path) -> None:
    dest.mkdir(parents=True, exist_ok=True)
    _run(["tar", "--numeric-owner", "--xattrs", "-C", str(dest), "-I", "zstd -T0", "-xf", str(tarball)])
