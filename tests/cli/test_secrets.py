"""Secrets planted in inputs never appear verbatim in any output format."""

from __future__ import annotations

import pytest

from sovstack.report import Format

TG = "987654321:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"
SLACK = "xoxb-2222222222-3333333333-abcdefghijklmnopqrstuvwx"
PASSWORD = "S3cr3t-Pa55w0rd-xyz"


@pytest.mark.parametrize("fmt", list(Format))
def test_no_secret_in_any_format(sovstack, tmp_path, fmt):
    (tmp_path / "bot.env").write_text(f"TELEGRAM_BOT_TOKEN={TG}\nSLACK_TOKEN={SLACK}\n")
    (tmp_path / "vars.yml").write_text(f"db_password: {PASSWORD}\nnotify_slack_token: {SLACK}\n"
                                       f"url: https://api.telegram.org/bot{TG}/sendMessage\n")
    code, out, err = sovstack("check", tmp_path, "-f", fmt.value)
    assert code == 1
    for secret in (TG, SLACK, PASSWORD, TG.split(":")[1]):
        assert secret not in out and secret not in err
