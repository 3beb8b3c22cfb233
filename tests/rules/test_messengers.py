"""Messenger recognition: endpoints, identifiers, notifier names; MAX and prose-like names stay clean."""

import pytest

from sovstack.rules import messengers as m


@pytest.mark.parametrize("text,expected", [
    ("https://api.telegram.org/bot123/sendMessage", "telegram"),
    ("https://hooks.slack.com/services/T000/B000/XXX", "slack"),
    ("https://slack.com/api/chat.postMessage", "slack"),
    ("https://discord.com/api/webhooks/1/abc", "discord"),
    ("https://graph.facebook.com/v19.0/123456/messages", "whatsapp"),
    ("https://chatapi.viber.com/pa/send_message", "viber"),
    ("https://contoso.webhook.office.com/webhookb2/abc", "msteams"),
    ("https://qyapi.weixin.qq.com/cgi-bin/webhook/send", "wechat"),
    ("https://webexapis.com/v1/messages", "webex"),
    ("https://platform-api2.max.ru/messages", None),
    ("https://botapi.max.ru/messages", None),
    ("https://slack.com/", None),
    ("https://graph.facebook.com/me", None),
    ("https://discord.com/invite/abc", None),
])
def test_endpoints(text, expected):
    hit = next(m.find_endpoints(text), None)
    assert (hit.messenger if hit else None) == expected


@pytest.mark.parametrize("name,expected", [
    ("TELEGRAM_BOT_TOKEN", "telegram"), ("slack_webhook_url", "slack"), ("discordWebhook", "discord"),
    ("TEAMS_WEBHOOK_URL", "msteams"), ("telegram_enabled", None), ("TELEGRAM_ADMIN", None), ("max_bot_token", None),
])
def test_identifiers(name, expected):
    assert m.messenger_for_identifier(name) == expected


@pytest.mark.parametrize("name,expected", [
    ("notify-discord", "discord"), ("/usr/local/bin/telegram-notification.sh", "telegram"),
    ("slack_alert.service", "slack"), ("org.telegram.desktop", None), ("notify-max.sh", None),
])
def test_notifier_names(name, expected):
    assert m.messenger_for_notifier_name(name) == expected
