"""The Alertmanager-to-MAX bridge against a local server that behaves like the documented MAX endpoints."""

from __future__ import annotations

import http.client
import importlib.util
import json
import logging
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))
from testbed.fake_max import FakeMax, Server  # noqa: E402

BRIDGE = TESTS.parent / "playbooks/roles/max_alerting/files/max_alert_bridge.py"
TOKEN = "f9LHodD0cOLmAxz8mZ-secret-token"
spec = importlib.util.spec_from_file_location("max_alert_bridge", BRIDGE)
bridge = importlib.util.module_from_spec(spec)
sys.modules["max_alert_bridge"] = bridge
spec.loader.exec_module(bridge)


def alert(name: str, status: str = "firing", **ann) -> dict:
    return {"status": status, "labels": {"alertname": name, "instance": "bot1:9100", "severity": "warning"},
            "annotations": ann, "startsAt": "2026-05-20T10:00:00Z"}


def payload(*alerts: dict) -> dict:
    return {"version": "4", "status": "firing", "receiver": "max", "groupLabels": {"alertname": "X"},
            "alerts": list(alerts)}


class Sleeps(list):
    def __call__(self, seconds: float) -> None:
        self.append(round(seconds, 3))


@pytest.fixture()
def max_api():
    fake = FakeMax(token=TOKEN, retry_after="2")
    srv = Server(fake).start()
    yield fake, srv
    srv.stop()


@pytest.fixture()
def run_bridge(max_api):
    fake, srv = max_api
    servers = []

    def start(**env):
        cfg = bridge.Config.from_env({"MAX_BOT_TOKEN": TOKEN, "MAX_CHAT_ID": "-1001234", "MAX_API_URL": srv.url,
                                      "BRIDGE_LISTEN": "127.0.0.1:0", **env})
        sleeps = Sleeps()
        client = bridge.MaxClient(cfg, sleep=sleeps)
        httpd = bridge.make_server(cfg, client)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        servers.append(httpd)
        return f"http://127.0.0.1:{httpd.server_address[1]}", sleeps

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


def post(url: str, body: bytes | dict, headers: dict | None = None) -> tuple[int, str]:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    req = urllib.request.Request(url + "/alertmanager", data=data, method="POST",
                                 headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status, resp.read().decode()
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode()


def test_alert_is_posted_to_the_chat_with_the_token_header(run_bridge, max_api):
    fake, _ = max_api
    url, sleeps = run_bridge()
    status, text = post(url, payload(alert("DiskFull", summary="95% full")))
    assert (status, text.strip()) == (200, "delivered 1")
    [msg] = fake.received
    assert msg.path == "/messages" and msg.query == {"chat_id": ["-1001234"]}
    assert msg.headers["Authorization"] == TOKEN           # the token itself, no "Bearer"
    assert msg.headers["Content-Type"].startswith("application/json")
    assert "[FIRING] DiskFull (warning) on bot1:9100" in msg.body["text"] and "95% full" in msg.body["text"]


def test_rate_limited_message_is_retried_after_retry_after(run_bridge, max_api):
    fake, _ = max_api
    fake.rate_limit_next = 2
    url, sleeps = run_bridge()
    status, _ = post(url, payload(alert("A")))
    assert status == 200
    assert [r.status for r in fake.received] == [429, 429, 200]
    assert sleeps.count(2.0) == 2                            # honoured Retry-After: 2


def test_persistent_rate_limit_gives_alertmanager_a_502_to_retry(run_bridge, max_api):
    fake, _ = max_api
    fake.rate_limit_next = 100
    url, _ = run_bridge(BRIDGE_MAX_ATTEMPTS="3")
    status, text = post(url, payload(alert("A")))
    assert status == 502 and "429" in text
    assert len(fake.received) == 3


def test_wrong_token_is_not_retried(run_bridge, max_api):
    fake, _ = max_api
    url, _ = run_bridge(MAX_BOT_TOKEN="not-the-token")
    status, text = post(url, payload(alert("A")))
    assert status == 502 and "401" in text
    assert [r.status for r in fake.received] == [401]


def test_unreachable_api_gives_502(run_bridge):
    url, sleeps = run_bridge(MAX_API_URL="http://127.0.0.1:9", BRIDGE_MAX_ATTEMPTS="2")
    status, text = post(url, payload(alert("A")))
    assert status == 502 and "no response" in text and len(sleeps) >= 1


def test_bearer_token_is_required_when_configured(run_bridge, max_api):
    fake, _ = max_api
    url, _ = run_bridge(BRIDGE_AUTH_TOKEN="am-secret")
    assert post(url, payload(alert("A")))[0] == 401
    assert post(url, payload(alert("A")), {"Authorization": "Bearer wrong"})[0] == 401
    assert post(url, payload(alert("A")), {"Authorization": "Bearer am-secret"})[0] == 200
    assert len(fake.received) == 1


def test_malformed_and_oversized_payloads_are_rejected(run_bridge, max_api):
    fake, _ = max_api
    url, _ = run_bridge()
    assert post(url, b"not json")[0] == 400
    assert post(url, {"status": "firing"})[0] == 400
    assert oversized(url) == 413
    assert fake.received == []


def oversized(url: str) -> int:
    """Announces a body larger than the bridge accepts; the bridge answers before reading it."""
    conn = http.client.HTTPConnection(url.removeprefix("http://"), timeout=10)
    conn.putrequest("POST", "/alertmanager")
    conn.putheader("Content-Length", str(bridge.MAX_BODY + 1))
    conn.endheaders()
    status = conn.getresponse().status
    conn.close()
    return status


def test_many_alerts_are_split_into_messages_within_the_limit(run_bridge, max_api):
    fake, _ = max_api
    url, sleeps = run_bridge()
    alerts = [alert(f"Alert{i}", description="d" * 300) for i in range(40)]
    status, text = post(url, payload(*alerts))
    texts = [r.body["text"] for r in fake.received]
    assert status == 200 and len(texts) > 1 and text.strip() == f"delivered {len(texts)}"
    assert all(len(t) <= bridge.MAX_TEXT for t in texts)
    assert all(f"Alert{i}" in "".join(texts) for i in range(40))


def test_messages_to_one_chat_are_spaced_by_half_a_second():
    now = [100.0]
    sleeps = Sleeps()

    def sleep(s):
        sleeps(s)
        now[0] += s

    cfg = bridge.Config(token=TOKEN, chat_id="1", api_url="http://127.0.0.1:9")
    client = bridge.MaxClient(cfg, sleep=sleep, clock=lambda: now[0])
    client._post = lambda text: (200, None, "ok")
    client.send("one")
    client.send("two")
    assert sleeps == [0.5]


def test_one_huge_alert_is_truncated():
    [text] = bridge.format_messages(payload(alert("Big", description="x" * 10000)))
    assert len(text) <= bridge.MAX_TEXT and text.endswith("…")


def test_resolved_alerts_are_marked():
    [text] = bridge.format_messages(payload(alert("A", status="resolved"), alert("B")))
    assert "1 firing, 1 resolved" in text and "[RESOLVED] A" in text and "[FIRING] B" in text


def test_token_never_appears_in_logs_or_repr(run_bridge, max_api, caplog):
    fake, _ = max_api
    fake.rate_limit_next = 1
    caplog.set_level(logging.DEBUG, logger="max-alert-bridge")
    url, _ = run_bridge()
    assert post(url, payload(alert("A")))[0] == 200
    cfg = bridge.Config.from_env({"MAX_BOT_TOKEN": TOKEN, "MAX_CHAT_ID": "5"})
    assert TOKEN not in caplog.text and TOKEN not in repr(cfg) and "retrying" in caplog.text


@pytest.mark.parametrize("env, problem", [
    ({"MAX_CHAT_ID": "1"}, "MAX_BOT_TOKEN"),
    ({"MAX_BOT_TOKEN": "t", "MAX_CHAT_ID": "general"}, "MAX_CHAT_ID"),
    ({"MAX_BOT_TOKEN": "t", "MAX_CHAT_ID": "1", "MAX_API_URL": "ftp://x"}, "MAX_API_URL"),
])
def test_bad_configuration_is_explained(env, problem):
    with pytest.raises(bridge.ConfigError, match=problem):
        bridge.Config.from_env(env)


def test_token_can_come_from_a_file(tmp_path):
    f = tmp_path / "token"
    f.write_text(TOKEN + "\n")
    cfg = bridge.Config.from_env({"MAX_BOT_TOKEN_FILE": str(f), "MAX_CHAT_ID": "7"})
    assert cfg.token == TOKEN and cfg.api_url == "https://platform-api2.max.ru"


def test_bridge_uses_the_standard_library_only():
    import ast
    tree = ast.parse(BRIDGE.read_text())
    names = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    names |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
    assert names <= set(sys.stdlib_module_names) | {"__future__"}, names
