"""Test hosts: a Debian rootfs (overlay on the cached one), its own network, PID, mount and UTS namespaces,
sysvinit as PID 1 and sshd, on a private bridge that only the controller namespace sees."""

from __future__ import annotations

import fcntl
import os
import shlex
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from . import netns, rootfs

PREFIX = "ssb-"                      # every namespace and link the testbed creates starts with this
CTL_NS = f"{PREFIX}ctl"              # the controller side: the bridge, Ansible, the fake MAX API
BRIDGE = "ssbbr0"
SUBNET = "10.213.47"                 # private addresses that exist only on the testbed's own bridge
CTL_ADDR = f"{SUBNET}.1"
MAX_ADDR = f"{SUBNET}.2"             # where the testbed resolves platform-api2.max.ru
OUTSIDER_ADDR = f"{SUBNET}.250"      # an address on no allow-list (strict-mode proof)
BASE = Path(os.environ.get("SOVSTACK_TESTBED_DIR", "/var/tmp/sovstack-testbed"))
LOCK = Path("/run/lock/sovstack-testbed.lock")


@dataclass
class Volume:
    mountpoint: str          # inside the host
    size_mb: int


@dataclass
class Host:
    name: str
    group: str
    addr: str
    volumes: list[Volume] = field(default_factory=list)
    proc: subprocess.Popen | None = None

    @property
    def ns(self) -> str:
        return f"{PREFIX}{self.name}"

    @property
    def veth(self) -> str:
        return f"{PREFIX}{self.name}"[:15]


def sh(cmd: list[str] | str, check: bool = True, **kw) -> subprocess.CompletedProcess:
    if isinstance(cmd, str):
        cmd = ["sh", "-c", cmd]
    return subprocess.run(cmd, check=check, capture_output=True, text=True, **kw)


def _pids_in_ns(ns: str) -> list[int]:
    out = sh(["ip", "netns", "pids", ns], check=False).stdout
    return [int(p) for p in out.split()]


def _our_mounts() -> list[str]:
    out = sh(["findmnt", "-rn", "-o", "TARGET"], check=False).stdout.splitlines()
    return sorted((m for m in out if m.startswith(str(BASE))), key=len, reverse=True)


def cleanup_everything(log=print) -> None:
    """Removes whatever a testbed run left behind: processes, namespaces, links, mounts, files."""
    names = sh(["ip", "netns", "list"], check=False).stdout.split("\n")
    spaces = [n.split()[0] for n in names if n.strip().startswith(PREFIX)]
    for ns in spaces:
        for pid in _pids_in_ns(ns):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + 10
    while any(_pids_in_ns(ns) for ns in spaces) and time.monotonic() < deadline:
        time.sleep(0.1)
    for ns in spaces:
        sh(["ip", "netns", "delete", ns], check=False)
    for link in sh(["ip", "-o", "link"], check=False).stdout.splitlines():
        dev = link.split(":")[1].strip().split("@")[0] if ":" in link else ""
        if dev.startswith(PREFIX) or dev == BRIDGE:
            sh(["ip", "link", "delete", dev], check=False)
    for m in _our_mounts():
        sh(["umount", "-l", m], check=False)
    if BASE.exists():
        for child in BASE.iterdir():
            # --one-file-system: never descend into anything still mounted below (a /dev, a volume)
            sh(["rm", "-rf", "--one-file-system", "--", str(child)], check=False)
    if spaces:
        log(f"testbed: cleaned up {', '.join(spaces)}")


BOOT = r"""
set -eu
R={root}
mount -t overlay overlay -o lowerdir={lower},upperdir={upper},workdir={work} "$R"
mount -t proc proc "$R/proc"
mount -t sysfs -o ro sysfs "$R/sys"
mount -t tmpfs -o mode=0755,size=8m tmpfs "$R/dev"
mknod -m 666 "$R/dev/null" c 1 3; mknod -m 666 "$R/dev/zero" c 1 5; mknod -m 666 "$R/dev/full" c 1 7
mknod -m 666 "$R/dev/random" c 1 8; mknod -m 666 "$R/dev/urandom" c 1 9; mknod -m 666 "$R/dev/tty" c 5 0
mkdir -p "$R/dev/pts" "$R/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5 devpts "$R/dev/pts"
ln -s pts/ptmx "$R/dev/ptmx"; ln -s /proc/self/fd "$R/dev/fd"
mount -t tmpfs -o mode=1777 tmpfs "$R/dev/shm"
touch "$R/dev/console"; mount --bind {console} "$R/dev/console"
mount -t tmpfs -o mode=0755,size=64m tmpfs "$R/run"
{volumes}
hostname {name}
exec chroot "$R" /sbin/init
"""


class UpDown:
    """`with X() as x:` runs x.up(), and x.down() however the block ends (also when up() fails)."""

    def up(self):
        raise NotImplementedError

    def down(self) -> None:
        raise NotImplementedError

    def __enter__(self):
        try:
            return self.up()
        except BaseException:
            self.down()
            raise

    def __exit__(self, *exc) -> None:
        self.down()


class Testbed(UpDown):
    """Brings test hosts up (`up`) and down (`down`); `down` is safe to call at any point and twice."""

    def __init__(self, hosts: list[Host], hosts_file: dict[str, str], log=print) -> None:
        self.hosts = {h.name: h for h in hosts}
        self.hosts_file = hosts_file        # name -> address, appended to every host's /etc/hosts
        self.log = log
        self.run = BASE / "run"
        self.key = self.run / "ssh" / "id_ed25519"
        self.known_hosts = self.run / "ssh" / "known_hosts"
        self._lock_fd: int | None = None
        self.timings: dict[str, float] = {}

    # ---- lifecycle -------------------------------------------------------------------------------
    def up(self) -> Testbed:
        LOCK.parent.mkdir(parents=True, exist_ok=True)
        self._lock_fd = os.open(LOCK, os.O_CREAT | os.O_RDWR, 0o600)
        fcntl.flock(self._lock_fd, fcntl.LOCK_EX)
        cleanup_everything(self.log)
        self.run.mkdir(parents=True, exist_ok=True)
        t0 = time.monotonic()
        tarball, built = rootfs.ensure(rootfs.Recipe(), BASE, self.log)
        self.timings["rootfs_build_s" if built else "rootfs_cached_s"] = time.monotonic() - t0
        t1 = time.monotonic()
        rootfs.unpack(tarball, self.run / "lower")
        self.timings["rootfs_unpack_s"] = time.monotonic() - t1
        self._ssh_key()
        self._network()
        for h in self.hosts.values():
            self._start(h)
        for h in self.hosts.values():
            self._wait_ssh(h)
        self.timings["up_total_s"] = time.monotonic() - t0
        self.log("testbed: up in {:.1f}s ({})".format(
            self.timings["up_total_s"], ", ".join(f"{k}={v:.1f}" for k, v in self.timings.items())))
        return self

    def down(self) -> None:
        for h in self.hosts.values():
            if h.proc and h.proc.poll() is None:
                h.proc.kill()
                try:
                    h.proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    pass
        try:
            cleanup_everything(lambda *_: None)
        finally:
            if self._lock_fd is not None:
                os.close(self._lock_fd)
                self._lock_fd = None

    # ---- set-up steps ----------------------------------------------------------------------------
    def _ssh_key(self) -> None:
        self.key.parent.mkdir(parents=True, exist_ok=True)
        sh(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "sovstack-testbed", "-f", str(self.key)])

    def _network(self) -> None:
        sh(["ip", "netns", "add", CTL_NS])
        ctl = ["ip", "-n", CTL_NS]
        sh([*ctl, "link", "set", "lo", "up"])
        sh([*ctl, "link", "add", BRIDGE, "type", "bridge"])
        for a in (CTL_ADDR, MAX_ADDR, OUTSIDER_ADDR):
            sh([*ctl, "addr", "add", f"{a}/24", "dev", BRIDGE])
        sh([*ctl, "link", "set", BRIDGE, "up"])
        for h in self.hosts.values():
            sh(["ip", "netns", "add", h.ns])
            sh(["ip", "link", "add", h.veth, "netns", CTL_NS, "type", "veth", "peer", "eth0", "netns", h.ns])
            sh([*ctl, "link", "set", h.veth, "master", BRIDGE, "up"])
            sh(["ip", "-n", h.ns, "link", "set", "lo", "up"])
            sh(["ip", "-n", h.ns, "addr", "add", f"{h.addr}/24", "dev", "eth0"])
            sh(["ip", "-n", h.ns, "link", "set", "eth0", "up"])
            routes = sh(["ip", "-n", h.ns, "route"]).stdout
            assert "default" not in routes, f"{h.ns} must have no default route: {routes}"
        assert "default" not in sh([*ctl, "route"]).stdout

    def _prepare_upper(self, h: Host) -> Path:
        hd = self.run / "hosts" / h.name
        upper = hd / "upper"
        for d in ("upper/etc/ssh", "upper/root/.ssh", "work", "root", "volumes"):
            (hd / d).mkdir(parents=True, exist_ok=True)
        (upper / "etc/hostname").write_text(h.name + "\n")
        lines = ["127.0.0.1\tlocalhost", f"127.0.1.1\t{h.name}", "::1\tlocalhost ip6-localhost ip6-loopback"]
        lines += [f"{o.addr}\t{o.name}" for o in self.hosts.values()]
        lines += [f"{addr}\t{name}" for name, addr in self.hosts_file.items()]
        (upper / "etc/hosts").write_text("\n".join(lines) + "\n")
        (upper / "root/.ssh").chmod(0o700)
        shutil.copy(self.key.with_suffix(".pub"), upper / "root/.ssh/authorized_keys")
        hostkey = upper / "etc/ssh/ssh_host_ed25519_key"
        sh(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", f"root@{h.name}", "-f", str(hostkey)])
        pub = hostkey.with_suffix(".pub").read_text().split()
        with open(self.known_hosts, "a") as kh:
            kh.write(f"{h.addr} {pub[0]} {pub[1]}\n")
        (hd / "console.log").touch()
        return hd

    def _start(self, h: Host) -> None:
        hd = self._prepare_upper(h)
        mounts = []
        for i, v in enumerate(h.volumes):
            img = hd / "volumes" / f"vol{i}.img"
            with open(img, "wb") as f:
                f.truncate(v.size_mb * 1024 * 1024)
            sh(["mkfs.ext4", "-q", "-F", "-L", f"vol{i}", str(img)])
            (hd / "upper" / v.mountpoint.lstrip("/")).mkdir(parents=True, exist_ok=True)
            mounts.append(f'mount -o loop {shlex.quote(str(img))} "$R{v.mountpoint}"')
        script = BOOT.format(root=shlex.quote(str(hd / "root")), lower=self.run / "lower", upper=hd / "upper",
                             work=hd / "work", console=shlex.quote(str(hd / "console.log")),
                             volumes="\n".join(mounts), name=h.name)
        log = open(hd / "boot.log", "w")
        h.proc = subprocess.Popen(
            ["ip", "netns", "exec", h.ns, "unshare", "--pid", "--fork", "--kill-child", "--mount", "--uts",
             "--ipc", "--propagation", "private", "sh", "-c", script],
            stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
        log.close()

    def _wait_ssh(self, h: Host, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout

        def probe() -> bool:
            try:
                with socket.create_connection((h.addr, 22), timeout=1) as s:
                    return s.recv(4).startswith(b"SSH-")
            except OSError:
                return False

        while time.monotonic() < deadline:
            if h.proc and h.proc.poll() is not None:
                raise RuntimeError(f"{h.name} exited while booting: "
                                   f"{(self.run / 'hosts' / h.name / 'boot.log').read_text()}")
            if netns.call(CTL_NS, probe):
                return
            time.sleep(0.2)
        raise TimeoutError(f"{h.name}: sshd did not answer on {h.addr}:22 within {timeout}s")

    # ---- helpers for tests -----------------------------------------------------------------------
    def init_pid(self, name: str) -> int:
        h = self.hosts[name]
        assert h.proc is not None
        children = Path(f"/proc/{h.proc.pid}/task/{h.proc.pid}/children").read_text().split()
        return int(children[0])

    def exec(self, name: str, cmd: str, check: bool = True, timeout: float = 120) -> subprocess.CompletedProcess:
        """Runs a shell command inside host `name` (all its namespaces and its root), as root."""
        pid = self.init_pid(name)
        proc = subprocess.run(["nsenter", "-t", str(pid), "-m", "-u", "-i", "-n", "-p", "-r", "-w",
                               "/bin/sh", "-c", cmd], capture_output=True, text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f"{name}: `{cmd}` exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
        return proc

    def spawn(self, name: str, cmd: str) -> None:
        """Starts a long-running command inside host `name`; it dies with the host."""
        pid = self.init_pid(name)
        subprocess.Popen(["nsenter", "-t", str(pid), "-m", "-u", "-i", "-n", "-p", "-r", "-w",
                          "/bin/sh", "-c", f"exec setsid {cmd} >/dev/null 2>&1 </dev/null"],
                         start_new_session=True)

    def ctl(self, fn):
        """Runs fn() in the controller namespace (sockets reach the hosts' addresses)."""
        return netns.call(CTL_NS, fn)
