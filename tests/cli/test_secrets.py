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


def test_no_secret_in_pdf_text_history_cache_or_bundle(sovstack, tmp_path):
    import gzip
    import shutil
    import subprocess
    import tarfile

    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "bot.env").write_text(f"TELEGRAM_BOT_TOKEN={TG}\nSLACK_TOKEN={SLACK}\n")
    (tree / "vars.yml").write_text(f"db_password: {PASSWORD}\nurl: https://api.telegram.org/bot{TG}/sendMessage\n")
    out = tmp_path / "out"
    out.mkdir()
    code, _, err = sovstack("check", tree, "--history", out / "history.db", "--cache-dir", out / "cache",
                            "-f", "json", "-o", out / "r.json", "-f", "pdf", "-o", out / "r.pdf")
    assert code == 1, err
    code, _, err = sovstack("bundle", "create", "--result", out / "r.json", "--output", out / "b.tar.gz")
    assert code == 0, err
    blobs = [p.read_bytes() for p in out.rglob("*") if p.is_file()]
    with tarfile.open(out / "b.tar.gz") as tar:
        blobs += [tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()]
    blobs.append(gzip.decompress((out / "b.tar.gz").read_bytes()))
    if shutil.which("pdftotext"):
        blobs.append(subprocess.run(["pdftotext", str(out / "r.pdf"), "-"], capture_output=True).stdout)
    for secret in (TG, SLACK, PASSWORD, TG.split(":")[1]):
        assert not any(secret.encode() in blob for blob in blobs), secret
