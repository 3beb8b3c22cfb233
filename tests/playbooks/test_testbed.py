"""The playbooks on real SSH test hosts: converge, idempotence, verify, egress, webhook, alerting, database."""

from __future__ import annotations

import http.client
import json
import shlex
import socket
import ssl
import struct

import pytest

from sovstack import evidence as ev
from testbed.hosts import MAX_ADDR, OUTSIDER_ADDR
from testbed.scenario import BOT_ADDR, CHAT_ID, OUTSIDER_PORT, STOR_ADDR, wait_until

pytestmark = pytest.mark.testbed

HOSTS = ("bot1", "stor1")


def connect_from(sc, host: str, target: str, port: int) -> str:
    """Tries a TCP connection from inside `host`; returns connected:<banner>|refused|error:<text>."""
    code = (
        "import socket,sys\n"
        "try:\n"
        f"    s=socket.create_connection(({target!r},{port}),timeout=3); s.settimeout(1)\n"
        "    try: banner=s.recv(64).decode().strip()\n"
        "    except TimeoutError: banner=''\n"
        "    print('connected:'+banner)\n"
        "except ConnectionRefusedError: print('refused')\n"
        "except OSError as e: print('error:'+str(e))\n")
    return sc.tb.exec(host, f"python3 -c {shlex.quote(code)}").stdout.strip()


# ---- converge -------------------------------------------------------------------------------------
def test_converge_succeeds_on_both_hosts_over_ssh(converged):
    first = converged.first
    assert first.rc == 0, first.output[-5000:]
    assert set(first.recap) == set(HOSTS)
    assert all(r["failed"] == 0 and r["unreachable"] == 0 for r in first.recap.values())
    assert all(r["changed"] > 0 for r in first.recap.values())
    inventory = converged.sc.inventory.read_text()
    assert "ansible_connection" not in inventory and "local" not in inventory.split("ansible_user")[0]


def test_second_run_changes_nothing(converged):
    second = converged.second
    assert second.rc == 0, second.output[-5000:]
    assert second.changed() == {"bot1": 0, "stor1": 0}, second.output[-8000:]


def test_hosts_are_separate_debian_machines_with_sysvinit(converged):
    tb = converged.sc.tb
    for name in HOSTS:
        out = tb.exec(name, "cat /proc/1/comm; hostname; . /etc/os-release; echo $ID; ip -4 -o addr show eth0")
        comm, hostname, distro, addr = out.stdout.splitlines()
        assert (comm, hostname, distro) == ("init", name, "debian")
        assert (BOT_ADDR if name == "bot1" else STOR_ADDR) in addr


def test_secrets_are_never_printed(converged):
    runs = converged.sc.runs
    assert runs
    for secret in converged.sc.secrets.all():
        for run in runs:
            assert secret not in run.output, f"a secret leaked into the output of {run.playbook}"


# ---- verify ---------------------------------------------------------------------------------------
def test_verify_passes_and_writes_valid_evidence(converged):
    assert converged.verify.rc == 0, converged.verify.output[-5000:]
    evidence = ev.load(converged.evidence_path)
    assert evidence.passed and {h.name for h in evidence.hosts} == set(HOSTS)
    for host in evidence.hosts:
        assert {c.id for c in host.checks} == {"egress.foreign_refused", "storage.local_volume",
                                              "trust.national_ca", "foreign.none_on_disk", "services.up"}
        assert host.service_mgr == "sysvinit" and host.region == "testbed" and host.hostname == host.name
        assert host.egress_rules_loaded
        assert host.egress and all(p.result == ev.EgressResult.REFUSED for p in host.egress), host.egress
        assert {c.name for c in host.ca_certificates} == {"testbed_root_ca", "testbed_sub_ca"}
        assert all(c.installed for c in host.ca_certificates)
        assert host.files_scanned > 100 and host.foreign_findings == []


def test_evidence_shows_database_on_local_data_volume(converged):
    stor = ev.load(converged.evidence_path).host("stor1")
    data = next(v for v in stor.volumes if v.path == "/srv/pgdata/15/main")
    assert (data.mount, data.fstype, data.local, data.passed) == ("/srv/pgdata", "ext4", True, True)
    assert data.source.startswith("/dev/loop")
    assert {s.name for s in stor.services if s.running} >= {"postgresql", "chrony", "cron", "sovstack-egress"}
    assert any(p.port == 5432 and p.listening for p in stor.listening)
    bot = ev.load(converged.evidence_path).host("bot1")
    assert {s.name for s in bot.services if s.running} >= {"sovstack-bot", "nginx", "max-alert-bridge"}
    assert bot.egress_mode == "strict" and stor.egress_mode == "deny"


# ---- egress ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("host", HOSTS)
def test_foreign_hosts_refused_with_rules_and_reachable_without(converged, host):
    sc = converged.sc
    resolved = sc.tb.exec(host, "getent hosts api.telegram.org").stdout.split()[0]
    assert resolved.startswith("127.66.0."), "the foreign names must point at loopback stand-ins"
    assert connect_from(sc, host, "api.telegram.org", 443) == "refused"
    assert connect_from(sc, host, "chatapi.viber.com", 443) == "refused"
    sc.tb.exec(host, "nft delete table inet sovstack_egress")
    try:
        assert connect_from(sc, host, "api.telegram.org", 443) == "connected:FOREIGN-STAND-IN"
        assert sc.tb.exec(host, "/etc/init.d/sovstack-egress status", check=False).returncode == 3
    finally:
        sc.tb.exec(host, "/etc/init.d/sovstack-egress start")  # what happens at boot and from cron
    assert connect_from(sc, host, "api.telegram.org", 443) == "refused"
    assert sc.tb.exec(host, "/etc/init.d/sovstack-egress status").returncode == 0


def test_strict_mode_allows_max_api_and_private_database_only(converged):
    sc = converged.sc
    assert connect_from(sc, "bot1", OUTSIDER_ADDR, OUTSIDER_PORT) == "refused"
    assert connect_from(sc, "stor1", OUTSIDER_ADDR, OUTSIDER_PORT) == "connected:OUTSIDER"
    assert connect_from(sc, "bot1", "platform-api2.max.ru", 443) == "connected:"
    assert sc.tb.exec("bot1", "getent hosts platform-api2.max.ru").stdout.split()[0] == MAX_ADDR


def verify_broken(sc, host: str, damage: str, repair: str, evidence):
    """Runs verify.yml while `host` is damaged, then repairs it whatever happened."""
    sc.tb.exec(host, damage)
    try:
        return sc.verify(evidence)[0]
    finally:
        sc.tb.exec(host, repair)


def test_verify_fails_naming_the_host_when_rules_are_gone(converged, tmp_path):
    run = verify_broken(converged.sc, "stor1", "nft delete table inet sovstack_egress",
                        "/etc/init.d/sovstack-egress start", tmp_path / "evidence.json")
    assert run.rc != 0
    assert "stor1 does not comply" in run.output and "api.telegram.org:443" in run.output
    evidence = ev.load(tmp_path / "evidence.json")
    assert [h.name for h in evidence.failed_hosts()] == ["stor1"]
    assert any(p.result == ev.EgressResult.CONNECTED for p in evidence.host("stor1").egress)


# ---- bot runtime ----------------------------------------------------------------------------------
def _webhook(converged, headers: dict, method: str = "POST", path: str = "/max/webhook") -> int:
    ctx = ssl.create_default_context(cafile=str(converged.sc.pki.root_pem))

    def call() -> int:
        conn = http.client.HTTPSConnection(BOT_ADDR, 443, context=ctx, timeout=10)
        body = json.dumps({"update_type": "message_created", "timestamp": 1})
        conn.request(method, path, body=body if method == "POST" else None,
                     headers={"Content-Type": "application/json", **headers})
        status = conn.getresponse().status
        conn.close()
        return status

    return converged.sc.ctl(call)


def test_webhook_proxy_requires_the_secret_header(converged):
    secret = converged.sc.secrets.webhook_secret
    assert _webhook(converged, {}) == 403
    assert _webhook(converged, {"X-Max-Bot-Api-Secret": "wrong-secret"}) == 403
    assert _webhook(converged, {"X-Max-Bot-Api-Secret": secret}) == 200
    assert _webhook(converged, {"X-Max-Bot-Api-Secret": secret}, method="GET") == 403
    assert _webhook(converged, {"X-Max-Bot-Api-Secret": secret}, path="/other") == 404
    updates = converged.sc.tb.exec("bot1", "cat /var/lib/sovstack-bot/updates.jsonl").stdout.splitlines()
    assert updates and json.loads(updates[-1]) == {"update": {"update_type": "message_created", "timestamp": 1},
                                                   "secret_header": True}


def test_bot_runs_as_its_own_user_with_a_private_token_file(converged):
    tb = converged.sc.tb
    owner = tb.exec("bot1", "ps -o user= -p $(cat /run/sovstack-bot.pid)").stdout.strip()
    assert owner == "sovstack-bot"
    assert tb.exec("bot1", "stat -c '%U %a' /etc/sovstack-bot/bot.env").stdout.strip() == "root 600"
    env = tb.exec("bot1", "cat /etc/sovstack-bot/bot.env").stdout
    assert f"MAX_BOT_TOKEN='{converged.sc.secrets.max_token}'" in env


# ---- alerting -------------------------------------------------------------------------------------
ALERT = {"version": "4", "status": "firing", "receiver": "max", "groupLabels": {"alertname": "DiskFull"},
         "commonLabels": {}, "commonAnnotations": {}, "externalURL": "http://alertmanager:9093",
         "alerts": [{"status": "firing", "labels": {"alertname": "DiskFull", "instance": "stor1",
                                                    "severity": "critical"},
                     "annotations": {"summary": "Data volume 95% full"}, "startsAt": "2026-05-20T10:00:00Z"}]}


def test_alert_reaches_the_max_chat_through_the_national_ca(converged):
    sc = converged.sc
    before = len(sc.fake_max.messages())
    code = ("import urllib.request,sys\n"
            "r=urllib.request.Request('http://127.0.0.1:9095/alertmanager',data=sys.stdin.buffer.read(),"
            "headers={'Content-Type':'application/json'})\n"
            "print(urllib.request.urlopen(r,timeout=30).status)")
    out = sc.tb.exec("bot1", f"echo {shlex.quote(json.dumps(ALERT))} | python3 -c {shlex.quote(code)}")
    assert out.stdout.strip() == "200"
    assert wait_until(lambda: len(sc.fake_max.messages()) > before)
    msg = sc.fake_max.messages()[-1]
    assert msg.path == "/messages" and msg.query == {"chat_id": [CHAT_ID]}
    assert msg.headers["Authorization"] == sc.secrets.max_token
    assert "DiskFull" in msg.body["text"] and "Data volume 95% full" in msg.body["text"]


# ---- database -------------------------------------------------------------------------------------
def _pg_startup_error(addr: str) -> str:
    params = b"user\0bot\0database\0bot\0\0"
    packet = struct.pack("!ii", 8 + len(params), 196608) + params
    with socket.create_connection((addr, 5432), timeout=5) as s:
        s.sendall(packet)
        return s.recv(1024).decode("utf-8", "replace")


def test_database_listens_privately_and_admits_bot_servers_only(converged):
    sc = converged.sc
    reply = sc.ctl(lambda: _pg_startup_error(STOR_ADDR))
    assert "no pg_hba.conf entry" in reply and "10.213.47.1" in reply
    pw = sc.secrets.db_password
    out = sc.tb.exec("bot1", f"PGPASSWORD={pw} psql -XAt 'host={STOR_ADDR} dbname=bot user=bot sslmode=require' "
                             "-c 'SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()'")
    assert out.stdout.strip() == "t"
    listen = sc.tb.exec("stor1", "runuser -u postgres -- psql -XAtc 'SHOW listen_addresses'").stdout.strip()
    assert listen == f"127.0.0.1,{STOR_ADDR}"
    data_dir = sc.tb.exec("stor1", "runuser -u postgres -- psql -XAtc 'SHOW data_directory'").stdout.strip()
    assert data_dir == "/srv/pgdata/15/main"


def test_dump_restores_and_retention_keeps_the_newest(converged):
    tb = converged.sc.tb
    pw = converged.sc.secrets.db_password
    sql = ("CREATE TABLE appeals (id serial PRIMARY KEY, text text); "
           "INSERT INTO appeals (text) SELECT 'appeal ' || g FROM generate_series(1, 500) g;")
    tb.exec("stor1", f"PGPASSWORD={pw} psql -X -q 'host=127.0.0.1 dbname=bot user=bot' -c {shlex.quote(sql)}")
    old = " ".join(f"/srv/backup/postgresql/bot-2020010{i}T000000Z.dump" for i in range(1, 6))
    tb.exec("stor1", f"for f in {old}; do echo x > $f; touch -d '40 days ago' $f; done")
    out = tb.exec("stor1", "/usr/local/sbin/sovstack-pg-backup").stdout
    assert "restore check passed" in out and "removed" in out
    dumps = tb.exec("stor1", "ls /srv/backup/postgresql/").stdout.split()
    assert len([d for d in dumps if d.endswith(".dump")]) == 3   # the new one and the 2 newest old ones
    status = json.loads(tb.exec("stor1", "cat /srv/backup/postgresql/last-backup.json").stdout)
    assert status["restore_checked"] is True and len(status["dumps"]) == 1
    newest = f"/srv/backup/postgresql/{status['dumps'][0]}"
    tb.exec("stor1", f"PGPASSWORD={pw} psql -X -q 'host=127.0.0.1 dbname=bot user=bot' -c 'DROP TABLE appeals'")
    tb.exec("stor1", f"runuser -u postgres -- pg_restore --dbname=bot --role=bot --exit-on-error {newest}")
    count = tb.exec("stor1", f"PGPASSWORD={pw} psql -XAt 'host=127.0.0.1 dbname=bot user=bot' "
                             "-c 'SELECT count(*) FROM appeals'").stdout.strip()
    assert count == "500"


# ---- a planted foreign notifier makes verify fail (runs last: it changes a host) -------------------
NOTIFIER = """#!/bin/sh
TELEGRAM_BOT_TOKEN=123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq
curl -s "https://api.telegram.org/bot$TELEGRAM_BOT_TOKEN/sendMessage" -d chat_id=-1001 -d text="$1"
"""


def test_verify_fails_on_a_planted_telegram_notifier(converged, tmp_path):
    sc = converged.sc
    plant = (f"printf %s {shlex.quote(NOTIFIER)} > /usr/local/bin/notify-telegram.sh && "
             "chmod 755 /usr/local/bin/notify-telegram.sh")
    run = verify_broken(sc, "stor1", plant, "rm -f /usr/local/bin/notify-telegram.sh", tmp_path / "planted.json")
    assert run.rc != 0
    assert "stor1 does not comply" in run.output and "/usr/local/bin/notify-telegram.sh" in run.output
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawq" not in run.output   # the token is masked
    evidence = ev.load(tmp_path / "planted.json")
    assert not evidence.passed and [h.name for h in evidence.failed_hosts()] == ["stor1"]
    findings = evidence.host("stor1").foreign_findings
    assert {f.path for f in findings} == {"/usr/local/bin/notify-telegram.sh"}
    assert {f.messenger for f in findings} == {"Telegram"} and {f.line for f in findings} == {2, 3}
    failed = evidence.host("stor1").failed_checks()
    assert [c.id for c in failed] == ["foreign.none_on_disk"]
    again, _ = sc.verify(tmp_path / "clean.json")
    assert again.rc == 0, again.output[-3000:]
