"""Program source that names a messenger's address without sending to it: tests of the program, and addresses
only compared with or told in a message; a program that sends stays a path."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovstack.collect.document import Document
from sovstack.collect.schema import docstrings
from sovstack.models import Kind
from sovstack.rules.sourcecode import inert_use, is_test_source


def _doc(rel: str, kind: Kind = Kind.SOURCE) -> Document:
    return Document(Path(rel), rel, kind, "")


@pytest.mark.parametrize("rel,test", [
    ("pkg/alertmanager/amcfg_test.go", True),
    ("tests/test_plugin_telegram.py", True),
    ("bot/tests/conftest.py", True),
    ("tests/utils/slack_utils.py", True),
    ("test/hook.spec.js", True),
    ("test/commplatform/slack_tester.go", False),  # Go leaves out only _test.go files
    ("src/notify.test.ts", True),
    ("web/__tests__/hook.js", True),
    ("src/test/java/org/x/NotifierTest.java", True),
    ("pkg/alertmanager/amcfg.go", False),
    ("scripts/test_alert.py", False),  # a script named test_*, outside a test folder, may well run from cron
    ("bot/main.py", False),
    ("src/main/java/org/x/Notifier.java", False),
])
def test_test_source_by_name_and_place(rel, test):
    assert is_test_source(_doc(rel)) is test


def test_only_program_source_can_be_test_source():
    assert is_test_source(_doc("frontend/test/settings-row.test.tsx", Kind.CONFIG))  # .tsx has no kind of its own
    assert not is_test_source(_doc("tests/test_notify.sh", Kind.SHELL))
    assert not is_test_source(_doc("pkg/alertmanager/testdata/telegram.golden", Kind.YAML))


@pytest.mark.parametrize("line,needle,inert", [
    ('if sc.APIURL != "https://slack.com/api/chat.postMessage" {', "https://slack.com/api/chat.postMessage", True),
    ('if u.Host == "hooks.slack.com" {', "hooks.slack.com", True),
    ('if strings.HasPrefix(raw, "https://api.telegram.org/bot") {', "https://api.telegram.org/bot", True),
    ('return fmt.Errorf(`api_url must be https://slack.com/api/chat.postMessage`)', "https://slack.com/api/chat.postMessage", True),
    ('raise ValueError("expected https://hooks.slack.com/services/...")', "https://hooks.slack.com/services/", True),
    ('expect(hook.url).toBe("https://hooks.slack.com/services/T0/B0/X")', "https://hooks.slack.com/services/", True),
    ('u = os.getenv("TG_API", "https://api.telegram.org")', "https://api.telegram.org", False),
    ('post(API if API != "" else "https://api.telegram.org/bot", data)', "https://api.telegram.org/bot", False),
    ('http.Post("https://api.telegram.org/bot"+tok+"/sendMessage", "application/json", b)', "https://api.telegram.org/bot", False),
    ('log.Printf("start"); http.Post("https://api.telegram.org/bot", t, b)', "https://api.telegram.org/bot", False),
    ('requests.post(f"https://api.telegram.org/bot{TOKEN}/sendMessage", json=p)', "https://api.telegram.org/bot", False),
    ('const apiBase = "https://api.telegram.org"', "https://api.telegram.org", False),
    ('c.Telegram.Host = "https://api.telegram.org"', "https://api.telegram.org", False),
])
def test_inert_use_in_program_source(line, needle, inert):
    assert inert_use(_doc("x.go"), line, needle) is inert


def test_inert_use_is_only_for_program_source():
    assert not inert_use(_doc("send.sh", Kind.SHELL), '[ "$U" != "https://api.telegram.org" ] && exit', "https://api.telegram.org")


def test_python_docstrings_are_documentation():
    text = 'def parse(u):\n    """Syntax:\n      tgram://token/chat\n    """\n    return u\n'
    assert docstrings(text) == [(2, 5)]
    assert docstrings("x = (\n") == []
