"""The commands as named: `hub region add/list/rotate-token/remove`, `hub user add`, `hub serve` as a real process
on loopback, and `bundle push` retrying until the hub is up."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time

from sovstack.cli import app

from hub_helpers import finding, result

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
SOVSTACK = os.path.join(os.path.dirname(sys.executable), "sovstack")


def _port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_region_commands(sovstack, keys, tmp_path):
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    code, token, err = sovstack("hub", "region", "add", "tyumen", "--public-key", keys["tyumen"][1], "--database", url)
    assert code == 0 and token.strip().startswith("shub_") and "shown once" in err
    assert sovstack("hub", "region", "add", "tyumen", "--public-key", keys["tyumen"][1], "--database", url)[0] == 2
    code, new, _ = sovstack("hub", "region", "rotate-token", "tyumen", "--database", url)
    assert code == 0 and new.strip() != token.strip()
    assert sovstack("hub", "region", "remove", "tyumen", "--database", url)[0] == 0
    code, out, _ = sovstack("hub", "region", "list", "--database", url)
    assert "tyumen\ted25519" in out and "removed" in out
    code, _, err = sovstack("hub", "region", "add", "omsk", "--public-key", tmp_path / "none.pub", "--database", url)
    assert code == 2 and "none.pub" in err


def test_serve_and_push_with_retries(sovstack, bundles, keys, tmp_path):
    """The push starts before the hub listens: it retries with back-off and succeeds; a second push is a no-op."""
    url, port = f"sqlite:///{tmp_path / 'hub.db'}", _port()
    token = sovstack("hub", "region", "add", "chelyabinsk", "--public-key", keys["chelyabinsk"][1],
                     "--database", url)[1].strip()
    path = bundles.make(result(finding("SOV-MSG-001", "failed")), keys["chelyabinsk"][0], NOW)
    push = [SOVSTACK, "bundle", "push", str(path), "--hub", f"http://127.0.0.1:{port}",
            "--region", "chelyabinsk", "--retries", "10"]
    env = {**os.environ, "SOVSTACK_HUB_TOKEN": token}
    pusher = subprocess.Popen(push, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(1.5)
    serve = subprocess.Popen([SOVSTACK, "hub", "serve", "--database", url,
                              "--listen", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        out, err = pusher.communicate(timeout=120)
        assert pusher.returncode == 0, err
        assert "stored as upload 1 of chelyabinsk; status violated" in out and "retrying in" in err
        assert token not in out + err
        again = subprocess.run(push, env=env, capture_output=True, text=True, timeout=60)
        assert again.returncode == 0 and "already stored" in again.stdout
        wrong = subprocess.run(push[:-4] + ["--region", "tyumen"], env=env, capture_output=True, text=True,
                               timeout=60)
        assert wrong.returncode == 1 and "HTTP 403" in wrong.stderr and "uploads for region 'chelyabinsk'" in wrong.stderr
    finally:
        serve.terminate()
        serve.wait(timeout=20)


def test_user_add_hashes_the_password(sovstack, tmp_path):
    url = f"sqlite:///{tmp_path / 'hub.db'}"
    done = sovstack.runner.invoke(app, ["hub", "user", "add", "inspector", "--password-stdin", "--database", url],
                                  input="a long enough password\n")
    assert done.exit_code == 0, done.stderr
    short = sovstack.runner.invoke(app, ["hub", "user", "add", "x", "--password-stdin", "--database", url],
                                   input="short\n")
    assert short.exit_code == 2 and "at least 12 characters" in short.stderr
    from sovstack.hub import db
    from sovstack.hub.models import User

    with db.sessions(db.engine_for(url))() as session:
        user = session.query(User).one()
    assert user.password_hash.startswith("$argon2id$") and "a long enough" not in user.password_hash

