"""Masks secrets (bot tokens, webhook secrets, passwords) in any text that leaves the tool."""

from __future__ import annotations

import re

from sovstack.rules import messengers

ASSIGNED_SECRET = re.compile(
    r"(?i)(?P<key>[\w.-]*(?:token|password|passwd|secret|api[_-]?key|apikey|private[_-]?key|webhook[_-]?url|"
    r"access[_-]?key|auth)[\w.-]*[\"']?\s*[:=]\s*[\"']?)(?P<val>[^\s\"',}{]{4,})"
)
URL_CREDENTIALS = re.compile(r"(?P<pre>[a-z][a-z0-9+.-]*://[^/\s:@]+:)(?P<pw>[^@\s/]+)(?P<at>@)", re.I)
URL_USERINFO = re.compile(r"(?P<pre>[a-z][a-z0-9+.-]*://)(?P<user>[^/\s:@'\"]{4,})(?P<at>@)", re.I)  # telegram://TOKEN@
MAX_BOT_PATH = re.compile(r"(?P<pre>/bot)(?P<tok>[0-9]{6,}:[A-Za-z0-9_-]{20,})")
TEMPLATE_VALUE = re.compile(r"^(\{\{.*\}\}|\$\{?[A-Za-z_][\w.]*\}?|%[A-Za-z_]\w*%|<[^>]*>)$")
MASK = "****"


def _mask_value(value: str) -> str:
    if TEMPLATE_VALUE.match(value) or value.lower() in {"true", "false", "null", "none", "yes", "no"}:
        return value
    return value[:2] + MASK if len(value) > 8 else MASK


def redact(text: str | None) -> str | None:
    if not text:
        return text
    for _mid, m in list(messengers.find_tokens(text)):
        text = text.replace(m.group(0), m.group(0)[:6] + MASK)
    text = MAX_BOT_PATH.sub(lambda m: m.group("pre") + MASK, text)
    text = URL_CREDENTIALS.sub(lambda m: m.group("pre") + MASK + m.group("at"), text)
    text = URL_USERINFO.sub(lambda m: m.group("pre") + _mask_value(m.group("user")) + m.group("at"), text)
    return ASSIGNED_SECRET.sub(lambda m: m.group("key") + _mask_value(m.group("val")), text)
