"""The standard two-host testbed (a bot server and a storage node), its inventory and playbook runs."""

from __future__ import annotations

import json
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import netns
from .fake_max import FakeMax, Server
from .hosts import CTL_NS, MAX_ADDR, OUTSIDER_ADDR, Host, Testbed, UpDown, Volume
from .pki import TestPKI

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOKS = ROOT / "playbooks"
VENV_BIN = Path(sys.executable).parent
FILES = Path(__file__).resolve().parent / "files"
BOT_ADDR, STOR_ADDR = "10.213.47.11", "10.213.47.21"
FOREIGN_NET = "127.66.0"          # foreign messenger names resolve here inside the test hosts
OUTSIDER_PORT = 8080
LISTENER = "/usr/local/lib/sovstack-testbed/listener.py"
MAX_HOSTS = ("platform-api2.max.ru", "platform-api.max.ru", "botapi.max.ru")
CHAT_ID = "4242"
RECAP = re.compile(r"^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


def deny_hosts() -> dict[str, list[str]]:
    """The egress_guard role's default deny list (messenger -> host names)."""
    data = yaml.safe_load((PLAYBOOKS / "roles/egress_guard/defaults/main.yml").read_text())
    return data["egress_guard_deny_hosts"]


def foreign_addresses() -> dict[str, str]:
    names = sorted({h for hosts in deny_hosts().values() for h in hosts})
    return {name: f"{FOREIGN_NET}.{i}" for i, name in enumerate(names, start=1)}


@dataclass
class Run:
    playbook: str
    rc: int
    seconds: float
    output: str
    recap: dict[str, dict[str, int]] = field(default_factory=dict)

    def changed(self) -> dict[str, int]:
        return {h: r["changed"] for h, r in self.recap.items()}


@dataclass
class Secrets:
    max_token: str = field(default_factory=lambda: "tbtoken-" + secrets.token_hex(16))
    webhook_secret: str = field(default_factory=lambda: "tbsecret_" + secrets.token_hex(12))
    db_password: str = field(default_factory=lambda: "tbpw-" + secrets.token_hex(12))

    def all(self) -> list[str]:
        return [self.max_token, self.webhook_secret, self.db_password]


class Scenario(UpDown):
    """Two hosts, the fake MAX API and listeners; `converge`/`verify` run the real playbooks over SSH."""

    def __init__(self, log=print) -> None:
        self.log = log
        self.foreign = foreign_addresses()
        hosts_file = dict(self.foreign) | {name: MAX_ADDR for name in MAX_HOSTS}
        self.tb = Testbed([
            Host("bot1", "bot_servers", BOT_ADDR),
            Host("stor1", "storage", STOR_ADDR, [Volume("/srv/pgdata", 512), Volume("/srv/backup", 256)]),
        ], hosts_file, log=log)
        self.secrets = Secrets()
        self.fake_max = FakeMax(token=self.secrets.max_token)
        self.runs: list[Run] = []
        self._servers: list = []

    # ---- lifecycle -------------------------------------------------------------------------------
    def up(self) -> Scenario:
        self.tb.up()
        self.run_dir = self.tb.run
        self.pki = TestPKI(self.run_dir / "pki")
        self.max_cert = self.pki.server("max-api", list(MAX_HOSTS))
        self.bot_cert = self.pki.server("bot1-webhook", ["bot1", BOT_ADDR])
        self.inventory = self.run_dir / "inventory.yml"
        self.inventory.write_text(yaml.safe_dump(self.inventory_data(), sort_keys=False))
        self._start_servers()
        for name in self.tb.hosts:
            self.start_foreign_listener(name)
        return self

    def down(self) -> None:
        for srv in self._servers:
            try:
                srv.shutdown()
                srv.server_close()
            except Exception:  # noqa: BLE001 - best effort during teardown
                pass
        self.tb.down()

    # ---- inventory -------------------------------------------------------------------------------
    def inventory_data(self) -> dict:
        s = self.secrets
        return {"all": {
            "vars": {
                "ansible_user": "root",
                "ansible_ssh_private_key_file": str(self.tb.key),
                "ansible_ssh_common_args": f"-o UserKnownHostsFile={self.tb.known_hosts} "
                                           "-o StrictHostKeyChecking=yes "
                                           "-o ServerAliveInterval=10 -o ServerAliveCountMax=3",
                "ansible_python_interpreter": "/usr/bin/python3",
                "sovstack_region": "testbed",
                "sovstack_site": "netns",
                # The test hosts have no route to any mirror: every package is preinstalled in their rootfs.
                "common_apt_update_cache": False,
                # They share the machine's kernel, whose clock is not theirs to set.
                "common_ntp_set_clock": False,
                "common_ca_certificates": [{"name": "testbed_root_ca", "src": str(self.pki.root_pem)},
                                           {"name": "testbed_sub_ca", "src": str(self.pki.sub_pem)}],
            },
            "children": {
                "bot_servers": {
                    "hosts": {"bot1": {"ansible_host": BOT_ADDR}},
                    "vars": {
                        "egress_guard_mode": "strict",
                        "egress_guard_allow_networks": [f"{STOR_ADDR}/32"],
                        "bot_runtime_app_src": str(FILES / "echo_bot"),
                        "bot_runtime_command": "/usr/bin/python3 /opt/sovstack-bot/app/echo_bot.py",
                        "bot_runtime_max_token": s.max_token,
                        "bot_runtime_webhook_secret": s.webhook_secret,
                        "bot_runtime_tls_certificate_src": str(self.bot_cert.chain),
                        "bot_runtime_tls_key_src": str(self.bot_cert.key),
                        # 127.66.0.0/24:443 belongs to the foreign-messenger stand-ins on this host.
                        "bot_runtime_listen_addresses": [BOT_ADDR],
                        "bot_runtime_database_url":
                            f"postgresql://bot:{s.db_password}@{STOR_ADDR}:5432/bot?sslmode=require",
                        "max_alerting_token": s.max_token,
                        "max_alerting_chat_id": CHAT_ID,
                    },
                },
                "storage": {
                    "hosts": {"stor1": {"ansible_host": STOR_ADDR}},
                    "vars": {
                        "egress_guard_mode": "deny",
                        "postgresql_app_password": s.db_password,
                        "postgresql_backup_dir": "/srv/backup/postgresql",
                    },
                },
            },
        }}

    # ---- servers around the hosts ----------------------------------------------------------------
    def _start_servers(self) -> None:
        def start_max() -> None:
            srv = Server(self.fake_max, MAX_ADDR, 443, str(self.max_cert.chain), str(self.max_cert.key))
            self._servers.append(srv.httpd)
            srv.serve_forever()

        def start_outsider() -> None:
            sock = socket.create_server((OUTSIDER_ADDR, OUTSIDER_PORT))
            self._servers.append(_SocketCloser(sock))
            while True:
                try:
                    conn, _ = sock.accept()
                except OSError:
                    return
                conn.sendall(b"OUTSIDER\n")
                conn.close()

        netns.start_thread(CTL_NS, start_max, "fake-max")
        netns.start_thread(CTL_NS, start_outsider, "outsider")
        deadline = time.monotonic() + 10
        while len(self._servers) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)

    def start_foreign_listener(self, host: str) -> None:
        """Inside `host`, something answers on every foreign messenger name's stand-in address, port 443."""
        self.tb.exec(host, f"mkdir -p {Path(LISTENER).parent}")
        dest = self.tb.run / "hosts" / host / "upper" / LISTENER.lstrip("/")
        dest.write_text((FILES / "listener.py").read_text())
        addrs = " ".join(sorted(self.foreign.values()))
        self.tb.spawn(host, f"/usr/bin/python3 {LISTENER} 443 {addrs}")
        first = sorted(self.foreign.values())[0]
        for _ in range(50):
            if self.tb.exec(host, f"/usr/bin/python3 {LISTENER} --probe {first} 443", check=False).returncode == 0:
                return
            time.sleep(0.1)
        raise RuntimeError(f"{host}: the foreign-messenger stand-in listener did not start")

    # ---- playbooks -------------------------------------------------------------------------------
    def ansible(self, playbook: str, *extra: str, name: str | None = None) -> Run:
        env = dict(os.environ, ANSIBLE_CONFIG=str(PLAYBOOKS / "ansible.cfg"), ANSIBLE_NOCOLOR="1",
                   ANSIBLE_FORCE_COLOR="0", ANSIBLE_HOME=str(self.run_dir / "ansible-home"),
                   ANSIBLE_SSH_CONTROL_PATH_DIR=str(self.run_dir / "cp"))
        cmd = ["ip", "netns", "exec", CTL_NS, str(VENV_BIN / "ansible-playbook"), "-i", str(self.inventory),
               str(PLAYBOOKS / playbook), *extra]
        t0 = time.monotonic()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=str(self.run_dir), timeout=1200)
        run = Run(playbook, proc.returncode, time.monotonic() - t0, proc.stdout + proc.stderr)
        run.recap = {m[0]: {"ok": int(m[1]), "changed": int(m[2]), "unreachable": int(m[3]), "failed": int(m[4])}
                     for m in RECAP.findall(proc.stdout)}
        self.runs.append(run)
        log = self.run_dir / f"{name or playbook}-{len(self.runs)}.log"
        log.write_text(run.output)
        keep = ROOT / "tests" / "playbooks" / ".logs"
        keep.mkdir(exist_ok=True)
        (keep / log.name).write_text(run.output)
        self.log(f"testbed: {playbook} rc={run.rc} in {run.seconds:.1f}s changed={run.changed()}")
        return run

    def converge(self) -> Run:
        return self.ansible("site.yml", name="converge")

    def verify(self, evidence: Path) -> tuple[Run, dict | None]:
        run = self.ansible("verify.yml", "-e", f"verify_evidence_file={evidence}", name="verify")
        data = json.loads(evidence.read_text()) if evidence.exists() else None
        return run, data

    # ---- reaching the hosts from the controller side ---------------------------------------------
    def ctl(self, fn):
        return netns.call(CTL_NS, fn)


class _SocketCloser:
    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock

    def shutdown(self) -> None:
        self.sock.close()

    def server_close(self) -> None:
        pass


def wait_until(predicate, timeout: float = 10.0, step: float = 0.2) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


_ = threading  # re-exported for helpers that start their own threads
