"""Property: a credential written in any shape and any place survives in no output format, history, cache or bundle."""

from __future__ import annotations

import random
import shutil
import sqlite3
import subprocess
import tarfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from secret_shapes import ALNUM, leaked, secret_texts

from sovstack import catalogue as cat
from sovstack.models import (
    Category,
    ChainLink,
    Finding,
    InputRecord,
    InputStatus,
    Result,
    Severity,
    Status,
    Summary,
    ToolInfo,
)
from sovstack.redact import redact
from sovstack.report import Format

TEXT_FORMATS = [f for f in Format if not f.binary]
QUICK = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                         HealthCheck.too_slow])


@pytest.fixture(scope="module")
def catalogue(root):
    return cat.load(root / "policies")


def _result(texts: list[str]) -> Result:
    """A result that carries each text unmasked in every field a report prints (as an older run might)."""
    findings = [Finding(policy_id="SOV-MSG-001", category=Category.FOREIGN_MESSENGER, status=status,
                        severity=Severity.HIGH, file="deploy/notify.yml", line=3, resource=text.split("\n")[-1],
                        message=f"Foreign messenger endpoint: {text}", excerpt=text,
                        chain=[ChainLink(file="group_vars/all.yml", line=1, note=text)])
                for text in texts for status in (Status.FAILED, Status.PASSED)]
    inputs = [InputRecord(path="deploy/notify.yml", kind="ansible", status=InputStatus.EVALUATED),
              InputRecord(path="broken.yml", kind="yaml", status=InputStatus.ERROR, error=f"line 2: {texts[0]}")]
    return Result(schema_version="1.0", tool=ToolInfo(version="0.0.0"), inputs=inputs, findings=findings,
                  summary=Summary(failed=len(texts), passed=len(texts), waived=0, errors=1),
                  policy_errors=[f"SOV-MSG-002 raised ValueError: {texts[-1]}"], command=["sovstack", "check", "."])


@QUICK
@given(st.lists(secret_texts(), min_size=1, max_size=3))
def test_no_credential_survives_redact(pairs):
    for secret, text in pairs:
        assert leaked(secret, redact(text) or "") is None, (text, redact(text))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(st.lists(secret_texts(), min_size=1, max_size=4))
def test_no_credential_survives_any_format(catalogue, pairs):
    result = _result([text for _secret, text in pairs])
    for fmt in TEXT_FORMATS:
        out = fmt.render(result, catalogue, fmt.default_lang)
        for secret, text in pairs:
            assert leaked(secret, out) is None, (fmt.value, text)


# ---- end to end: a generated tree, every format, PDF text, history, cache and bundle ---------------------------
def _secret(rng: random.Random) -> str:
    return "".join(rng.choice(ALNUM) for _ in range(28))


def _tree(tmp_path, rng):
    """Files that trip the messenger and residency policies on the very lines that carry credentials."""
    s = {k: _secret(rng) for k in ("tg", "slack", "bearer", "basic", "wecom", "gkey", "gtoken", "ding", "feishu",
                                   "userinfo", "env", "discord", "teams", "max", "apikey", "pw")}
    tree = tmp_path / "tree"
    (tree / "deploy").mkdir(parents=True)
    (tree / "deploy" / "notify.yml").write_text(
        "- hosts: all\n  tasks:\n"
        "    - name: Notify\n      ansible.builtin.uri:\n"
        f"        url: https://api.telegram.org/bot123456789:{s['tg']}/sendMessage\n"
        f"        headers:\n          Authorization: \"Bearer {s['bearer']}\"\n"
        "    - name: WeCom\n      ansible.builtin.uri:\n"
        f"        url: https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={s['wecom']}\n"
        "    - name: Chat\n      ansible.builtin.uri:\n"
        f"        url: \"https://chat.googleapis.com/v1/spaces/AAAA/messages?key={s['gkey']}&token={s['gtoken']}\"\n")
    (tree / "alert.sh").write_text(
        "#!/bin/sh\n"
        f"curl -fsS -H 'Authorization: Basic {s['basic']}' https://hooks.slack.com/services/T1/B2/{s['slack']}\n"
        f"curl -X POST 'https://oapi.dingtalk.com/robot/send?access_token={s['ding']}'\n"
        f"curl -X POST https://open.feishu.cn/open-apis/bot/v2/hook/{s['feishu']}\n"
        f"curl https://discord.com/api/webhooks/123456789012345678/{s['discord']}\n")
    (tree / "app.env").write_text(
        f"TELEGRAM_BOT_TOKEN=123456789:{s['env']}\nDATABASE_URL=postgres://app:{s['userinfo']}@db.s3.amazonaws.com/x\n"
        f"TEAMS_WEBHOOK=https://contoso.webhook.office.com/webhookb2/{s['teams']}/IncomingWebhook/{s['teams']}/x\n"
        f"MAX_BOT_TOKEN={s['max']}\nSLACK_API_KEY={s['apikey']}\n")
    (tree / "compose.json").write_text(
        '{"services": {"bot": {"environment": {"SLACK_WEBHOOK": "https://hooks.slack.com/services/T1/B2/'
        f'{s["slack"]}", "DB_PASSWORD": "{s["pw"]}"}}}}}}\n')
    (tree / "broken.yml").write_text(f"a: [\npassword: {s['pw']}\n  : x: {s['apikey']}\n")
    return tree, list(s.values())


def _blobs(out) -> list[bytes]:
    blobs = [p.read_bytes() for p in out.rglob("*") if p.is_file()]
    with tarfile.open(out / "b.tar.gz") as tar:
        blobs += [tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()]
    with sqlite3.connect(out / "history.db") as conn:
        for (table,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            blobs += [repr(row).encode() for row in conn.execute(f"SELECT * FROM {table}")]  # noqa: S608
    if shutil.which("pdftotext"):
        blobs.append(subprocess.run(["pdftotext", str(out / "r.pdf"), "-"], capture_output=True, check=True).stdout)
    return blobs


def test_generated_tree_end_to_end(sovstack, tmp_path):
    tree, secrets = _tree(tmp_path, random.Random(11))
    out = tmp_path / "out"
    out.mkdir()
    args = ["check", tree, "--history", out / "history.db", "--cache-dir", out / "cache"]
    for fmt in Format:
        args += ["-f", fmt.value, "-o", out / f"r.{fmt.value}"]
    code, stdout, err = sovstack(*args)
    assert code in (1, 2), err
    code, table, err2 = sovstack("check", tree, "--cache-dir", out / "cache")  # the second run reads the cache
    code, _, err3 = sovstack("bundle", "create", "--result", out / "r.json", "--output", out / "b.tar.gz")
    assert code == 0, err3
    assert (out / "r.json").stat().st_size and any((out / "cache").rglob("*.json"))
    blobs = [*_blobs(out), stdout.encode(), err.encode(), table.encode(), err2.encode()]
    assert b"hooks.slack.com/services/" in b"".join(blobs)  # the reports do show the findings
    for secret in secrets:
        hits = [leaked(secret, blob) for blob in blobs]
        assert not any(hits), (secret, hits)
