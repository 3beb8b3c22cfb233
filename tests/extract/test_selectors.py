"""Notifier selectors, messenger destinations and messenger addresses held in unresolved variables
(sovstack.extract.selectors), reported by SOV-MSG-011; look-alikes that stay clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovstack import runner
from sovstack.catalogue import load
from sovstack.extract import selectors
from sovstack.models import Status

POLICIES = Path(__file__).resolve().parents[2] / "policies"


@pytest.mark.parametrize("name,value,parent,mid", [
    ("WATCHTOWER_NOTIFICATIONS", "slack", None, "slack"),
    ("WATCHTOWER_NOTIFICATIONS", "email,slack", None, "slack"),
    ("WATCHTOWER_NOTIFICATIONS", "email msteams", None, "msteams"),
    ("notification_type", "telegram", None, "telegram"),
    ("NOTIFY_PROVIDER", "Discord", None, "discord"),
    ("alertSinks", ["email", "googlechat"], None, "googlechat"),
    ("provider", "teams", "alerting", "msteams"),
    ("type", "whatsapp", "notifier", "whatsapp"),
])
def test_selector_names_the_messenger(name, value, parent, mid):
    assert selectors.selector(name, value, parent) == mid


@pytest.mark.parametrize("name,value,parent", [
    ("NOTIFICATIONS", "email", None),
    ("notification_type", "mattermost", None),
    ("alert_channel", "max", None),
    ("ALERTS", "true", None),
    ("ALERTS", True, None),
    ("provider", "teams", "auth"),  # a generic key outside a notification block
    ("team_provider", "slack", None),  # no notification word in the name
    ("notification_slack", "Slack", None),  # a label naming the messenger of its own key
    ("description", "notifications go to slack", None),
    ("notify", "send the report to slack please now ok", None),  # prose, not a list of type names
    ("notify_url", "https://chat.example.ru/slack", None),
])
def test_not_a_selector(name, value, parent):
    assert selectors.selector(name, value, parent) is None


def test_destination_needs_messenger_destination_word_and_value():
    assert selectors.destination("TELEGRAM_ROOM", "-100200") == "telegram"
    assert selectors.destination("WATCHTOWER_NOTIFICATION_SLACK_CHANNEL", "#ops") == "slack"
    assert selectors.destination("discord_chat", "") is None
    assert selectors.destination("slack_channel_enabled", False) is None
    assert selectors.destination("slack_icon", "x") is None
    assert selectors.only_destination("slack_channel") and not selectors.only_destination("slack_hook")


@pytest.mark.parametrize("value,ref", [
    ("{{ GRAFANA_ALERT_DISCORD_URL }}", "GRAFANA_ALERT_DISCORD_URL"),
    ("${SLACK_WEBHOOK}", "SLACK_WEBHOOK"),
    ("${SLACK_WEBHOOK:-}", "SLACK_WEBHOOK"),
    ("$TEAMS_HOOK", "TEAMS_HOOK"),
    ("{{ .Values.telegramUrl }}", "telegramUrl"),
    ("'{{ tg_url | default(\"\") }}'", "tg_url"),
    ("https://{{ host }}/x", None),
    ("${A}${B}", None),
])
def test_reference_name_only_for_a_whole_reference(value, ref):
    assert selectors.reference_name(value) == ref


def test_variable_names_after_messenger_and_address():
    assert selectors.variable_messenger("GRAFANA_ALERT_DISCORD_URL") == "discord"
    assert selectors.variable_messenger("TEAMS_HOOK") == "msteams"
    assert selectors.variable_messenger("telegramUrl") == "telegram"
    assert selectors.variable_messenger("SLACK_TOKEN") is None  # a credential, not an address
    assert selectors.variable_messenger("MAX_BOT_URL") is None
    assert selectors.variable_messenger("MATTERMOST_HOOK") is None
    assert selectors.variable_messenger("webhook_url") is None
    assert selectors.is_address_key("webhook_url") and selectors.is_address_key("endpoint")
    assert not selectors.is_address_key("slack_channel_name")


FAILING = {
    "wt.env": ("WATCHTOWER_NOTIFICATIONS=email,slack\n", 1),
    "run.sh": ("docker run -d \\\n  -e WATCHTOWER_NOTIFICATIONS=msteams \\\n  containrrr/watchtower\n", 2),
    "env-eq.sh": ("podman run --env=NOTIFY_PROVIDER=discord img:1\n", 1),
    "env-sp.sh": ("docker run --env TELEGRAM_ROOM=-1002003 img:1\n", 1),
    "export.sh": ("export NOTIFICATION_TYPE=telegram\n", 1),
    "compose.yml": ("services:\n  w:\n    image: containrrr/watchtower:1.7.1\n    environment:\n"
                    "      - WATCHTOWER_NOTIFICATIONS=slack\n", 5),
    "compose-map.yml": ("services:\n  w:\n    image: containrrr/watchtower:1.7.1\n    environment:\n"
                        "      WATCHTOWER_NOTIFICATIONS: \"email slack\"\n", 5),
    "block.yaml": "monitor:\n  alerting:\n    provider: teams\n",
    "k8s.yaml": ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n"
                 "      image: registry.example.org/c:1\n      env:\n        - name: ALERT_SINK\n          value: slack\n"),
    "grafana.yaml": ("apiVersion: 1\ncontactPoints:\n  - orgId: 1\n    name: cp\n    receivers:\n      - uid: a\n"
                     "        type: webhook\n        settings:\n          url: \"{{ GRAFANA_ALERT_DISCORD_URL }}\"\n"),
    "am.yml": ("route:\n  receiver: hook\nreceivers:\n  - name: hook\n    webhook_configs:\n"
               "      - url: ${SLACK_WEBHOOK}\n"),
    "values.yaml": "notifier:\n  endpoint: '{{ .Values.telegramUrl }}'\n",
}
FAILING = {k: v if isinstance(v, tuple) else (v, None) for k, v in FAILING.items()}

CLEAN = {
    "wt.env": "WATCHTOWER_NOTIFICATIONS=email\nALERTS=true\n# WATCHTOWER_NOTIFICATIONS=slack\n",
    "notes.sh": "echo \"set notifications to slack in the UI\"\n",
    "settings.yaml": ("notification_type: mattermost\nalert_channel: max\nurl: \"{{ MAX_BOT_URL }}\"\n"
                      "hook: ${MATTERMOST_HOOK}\nwebhook_url: \"{{ webhook_url }}\"\n"
                      "description: notifications are sent to slack\n"),
    "teams.yaml": ("teams:\n  - name: a\n    slack_channel: \"#a\"\n    discord_room: a\n"
                   "  - name: b\n    slack_channel: \"#b\"\n    discord_room: b\n"),
    "i18n.json": '{"notification_slack": "Slack", "notification_telegram": "Telegram"}\n',
    "resolved.yaml": "notifier:\n  url: \"{{ alert_hook_target }}\"\n",
    "group_vars/all.yml": "alert_hook_target: https://chat.example.ru/hooks/abc\n",
}


@pytest.fixture(scope="module")
def catalogue():
    return load(POLICIES)


def _run(tmp: Path, files: dict[str, str], catalogue) -> dict[str, set[int | None]]:
    for name, text in files.items():
        (tmp / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp / name).write_text(text, encoding="utf-8")
    res = runner.run(runner.Options(paths=[tmp]), catalogue)
    out: dict[str, set[int | None]] = {}
    for f in res.findings:
        if f.status is Status.FAILED and f.policy_id == "SOV-MSG-011":
            out.setdefault(f.file, set()).add(f.line)
    return out


def test_selectors_fail_on_their_line(tmp_path, catalogue):
    found = _run(tmp_path, {k: v[0] for k, v in FAILING.items()}, catalogue)
    missed = sorted(k for k in FAILING if k not in found)
    assert not missed, f"missed: {missed}"
    wrong = {k: found[k] for k, (_t, line) in FAILING.items() if line is not None and line not in found[k]}
    assert not wrong, f"reported on other lines: {wrong}"


def test_selector_look_alikes_stay_clean(tmp_path, catalogue):
    assert _run(tmp_path, CLEAN, catalogue) == {}


def test_resolved_reference_left_to_resolved_channels(tmp_path, catalogue):
    """A reference the resolver resolves is judged by its value (resolved_channels), not by its name."""
    files = {"n.yaml": "notifier:\n  url: \"{{ alert_discord_url }}\"\n",
             "group_vars/all.yml": "alert_discord_url: https://chat.example.ru/hooks/abc\n"}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    res = runner.run(runner.Options(paths=[tmp_path]), catalogue)
    assert not [f for f in res.findings if f.status is Status.FAILED and f.policy_id == "SOV-MSG-011"
                and f.file == "n.yaml"]


def test_destination_word_is_not_part_of_the_messenger_name():
    assert selectors.destination("GoogleChat", "GoogleChat") is None  # "chat" of Google Chat
    assert selectors.destination("google_chat_room", "spaces/AAA") == "googlechat"
    assert selectors.destination("telegramChatID", "Chat ID") is None  # a label with spaces is prose


def test_notifier_option_on_a_command_line(tmp_path, catalogue):
    files = {"w.sh": "watchtower --notifications slack --interval 30\n",
             "c.yml": "services:\n  w:\n    image: containrrr/watchtower:1.7.1\n    command: --notifications=msteams --cleanup\n",
             "ok.sh": "watchtower --notifications email --notifications-level info\n"}
    found = _run(tmp_path, files, catalogue)
    assert found == {"w.sh": {1}, "c.yml": {4}}
