"""Addresses assembled in program source from constant pieces (concatenation, f-strings, template literals,
join, names bound once) are channel facts; what is not constant stays unknown and look-alikes stay clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovstack.collect import parse
from sovstack.collect.discover import Candidate
from sovstack.extract.source import assembled_channels
from sovstack.facts import Workspace

FAILING = {
    "concat.py": ('BASE = "https://api." + "telegram" + ".org"\n', "telegram", 1),
    "fstring.py": ('HOST = "hooks.slack.com"\nurl = f"https://{HOST}/services/{team}/{hook}"\n', "slack", 2),
    "join.py": ('u = "".join(["https://discord", ".com/api", "/webhooks/"]) + wid\n', "discord", 1),
    "implicit.py": ('URL = ("https://hooks.sla"\n       "ck.com/services/%s")\n', "slack", 1),
    "bot.js": ("const HOST = 'api.telegram' + '.org';\nfetch(`https://${HOST}/bot${t}/sendMessage`);\n", "telegram", 1),
    "template.ts": ("const SLACK = 'hooks.slack.com';\nconst u = `https://${SLACK}/services/${a}`;\n", "slack", 2),
    "main.go": ('package main\n\nconst host = "hooks." + "slack.com"\n', "slack", 3),
    "Notify.java": ('String u = "https://discord" + ".com/api/webhooks/" + id + "/" + tok;\n', "discord", 1),
}

CLEAN = {
    "max.py": 'BASE = "https://platform-api2.max.ru"\nurl = BASE + "/messages?chat_id=" + str(chat)\n',
    "prose.py": 'x = "we left " + "telegram" + " for MAX"\n',
    "rebound.py": 'H = "api.tele"\nH = "example.ru"\nu = H + "gram.org"\n',
    "unknown.js": "const u = 'https://' + host + '/bot' + '/status';\n",
    "plain.py": 'u = "https://" + host + "/hooks"\n',
    "broken.py": 'u = "https://api." + "telegram" + ".org"\nthis is not python(\n',
}


def _facts(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text)
    doc = parse.read(Candidate(path, name, tmp_path))
    return list(assembled_channels(doc, Workspace([doc])))


@pytest.mark.parametrize("name", sorted(FAILING))
def test_assembled_address_is_a_channel(tmp_path, name):
    text, service, line = FAILING[name]
    facts = _facts(tmp_path, name, text)
    assert [(f.service, f.line) for f in facts][:1] == [(service, line)], facts
    assert facts[0].how.startswith("assembled-") and facts[0].chain[0].file == name


@pytest.mark.parametrize("name", sorted(CLEAN))
def test_look_alikes_and_unknowns_stay_clean(tmp_path, name):
    assert _facts(tmp_path, name, CLEAN[name]) == []


def test_a_literal_written_whole_is_left_to_the_plain_checks(tmp_path):
    assert _facts(tmp_path, "whole.py", 'u = "https://api.telegram.org/bot" + tok + "/sendMessage"\n') == []


def test_jenkins_steps_and_plugin_classes_are_channels(tmp_path):
    from sovstack.extract.pipelines import pipeline_channels

    def facts(name, text):
        path = tmp_path / name
        path.write_text(text)
        doc = parse.read(Candidate(path, name, tmp_path))
        return [(f.service, f.line, f.how) for f in pipeline_channels(doc, Workspace([doc]))]

    assert facts("Jenkinsfile", "post {\n  always { slackSend channel: '#x', message: 'm' }\n}\n") == [("slack", 2, "ci-step")]
    assert facts("notify.groovy", "def call() {\n  telegramSend(message: 'x')\n}\n") == [("telegram", 2, "ci-step")]
    xml = "<project>\n<publishers>\n<jenkins.plugins.slack.SlackNotifier plugin='slack@2'>\n</jenkins.plugins.slack.SlackNotifier>\n"
    assert facts("config.xml", xml + "</publishers>\n</project>\n") == [("slack", 3, "ci-plugin")]
    # prose and comments are not calls; a self-hosted Mattermost step is not a foreign messenger
    assert facts("Jenkinsfile", "// we dropped slackSend in 2025\nmattermostSend message: 'x'\necho 'slackSend is gone'\n") == []
