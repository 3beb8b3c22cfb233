"""Credential shapes and the places they are written in: shared by the masking property test and its end-to-end run."""

from __future__ import annotations

import html
import json
import string

from hypothesis import strategies as st

ALNUM = string.ascii_letters + string.digits


def _random_enough(s: str) -> bool:
    return len(set(s)) >= 10 and any(c.isdigit() for c in s) and any(c.isalpha() for c in s)


secrets = st.text(alphabet=ALNUM + "-_", min_size=20, max_size=40).filter(_random_enough)
digits = st.text(alphabet=string.digits, min_size=8, max_size=10).filter(lambda d: d[0] != "0")
uuids = st.uuids().map(str)
hosts = st.sampled_from(["api.example.com", "notify.corp.ru", "hooks.internal", "10.0.0.7:8443", "alerts.example.ru"])

QUERY_NAMES = ["key", "token", "secret", "sig", "signature", "password", "access_token", "api_key", "apiKey", "auth",
               "X-Amz-Signature", "sign", "client_secret", "private_token", "pwd", "authToken", "sessionid"]
DECOYS = [("chat_id", "-100123"), ("text", "deploy"), ("timestamp", "1700000000"), ("parse_mode", "HTML"),
          ("v", "2"), ("channel", "ops")]
HEADERS = [("Authorization", "Bearer "), ("Authorization", "Basic "), ("Authorization", "Token "),
           ("Authorization", "Bot "), ("Authorization", ""), ("Proxy-Authorization", "Bearer "), ("X-Api-Key", ""),
           ("Private-Token", ""), ("X-Auth-Token", ""), ("X-Vault-Token", ""), ("apikey", "")]
ENV_WORDS = ["TOKEN", "SECRET", "PASSWORD", "API_KEY", "ACCESS_KEY", "AUTH_TOKEN", "PRIVATE_KEY", "WEBHOOK_SECRET",
             "PASSWD", "CLIENT_SECRET", "BOT_TOKEN"]


@st.composite
def query_url(draw, secret):
    name = draw(st.sampled_from(QUERY_NAMES))
    params = draw(st.lists(st.sampled_from(DECOYS), max_size=3, unique=True)) + [(name, secret)]
    params = draw(st.permutations(params))
    query = "&".join(f"{k}={v}" for k, v in params)
    return f"https://{draw(hosts)}/{draw(st.sampled_from(['send', 'api/v1/notify', 'cgi-bin/webhook/send']))}?{query}"


@st.composite
def header(draw, secret):
    name, scheme = draw(st.sampled_from(HEADERS))
    value = f"{scheme}{secret}"
    style = draw(st.sampled_from(["yaml", "json", "curl", "curl2", "env", "plain", "nginx"]))
    if style == "nginx" and not (name == "Authorization" and scheme):
        style = "plain"
    return {"yaml": f'headers:\n  {name}: "{value}"', "json": json.dumps({"headers": {name: value}}),
            "curl": f"curl -fsS -H '{name}: {value}' https://{draw(hosts)}/x",
            "curl2": f'curl -H "{name}: {value}" -d @msg.json https://{draw(hosts)}/x',
            "env": f'CURL_HEADER="{name}: {value}"', "plain": f"{name}: {value}",
            "nginx": f'proxy_set_header {name} "{value}";'}[style]


@st.composite
def userinfo(draw, secret):
    scheme = draw(st.sampled_from(["https", "http", "postgres", "postgresql", "redis", "amqp", "mongodb+srv", "ftp"]))
    user = draw(st.sampled_from(["app", "admin", "svc-notify", "deploy"]))
    return f"{scheme}://{user}:{secret}@{draw(hosts)}/{draw(st.sampled_from(['', 'db', 'vhost/x']))}"


@st.composite
def assignment(draw, secret):
    word = draw(st.sampled_from(ENV_WORDS))
    prefix = draw(st.sampled_from(["", "NOTIFY_", "SLACK_", "TG_", "MAX_", "APP_DB_"]))
    name = prefix + word
    style = draw(st.sampled_from(["env", "export", "quoted", "yaml", "yaml_lower", "json", "toml", "flag"]))
    return {"env": f"{name}={secret}", "export": f"export {name}={secret}", "quoted": f"{name}='{secret}'",
            "yaml": f"{name}: {secret}", "yaml_lower": f"  {name.lower()}: \"{secret}\"",
            "json": json.dumps({name.lower(): secret}), "toml": f"{name.lower()} = \"{secret}\"",
            "flag": f"bot --{name.lower().replace('_', '-')} {secret} --verbose"}[style]


@st.composite
def messenger(draw, secret):
    """Every messenger credential shape the catalogue (policies/data/messengers.yaml) and DOMAIN.md know."""
    d, u = draw(digits), draw(uuids)
    return draw(st.sampled_from([
        f"https://api.telegram.org/bot{d}:{secret}/sendMessage",
        f"TELEGRAM_BOT_TOKEN={d}:{secret}",
        f"xoxb-{d}-{secret}",
        f"https://hooks.slack.com/services/T{d}/B{d}/{secret}",
        f"https://discord.com/api/webhooks/{d}{d}/{secret}",
        f"https://contoso.webhook.office.com/webhookb2/{u}@{u}/IncomingWebhook/{secret}/{u}",
        f"https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key={secret}",
        f"https://chat.googleapis.com/v1/spaces/AAAA{d}/messages?key={secret}&token=Tk{d}x",
        f"https://chat.googleapis.com/v1/spaces/AAAA{d}/messages?key=AIza{d}&token={secret}",
        f"https://oapi.dingtalk.com/robot/send?access_token={secret}",
        f"https://open.feishu.cn/open-apis/bot/v2/hook/{secret}",
        f"https://open.larksuite.com/open-apis/bot/v2/hook/{secret}",
        f"https://api.pushover.net/1/messages.json?token={secret}&user=u{d}",
        f"https://platform-api.max.ru/messages?access_token={secret}&chat_id={d}",
        f"Authorization: {secret}",
    ]))


SHAPES = [query_url, header, userinfo, assignment, messenger]


@st.composite
def placed(draw, text):
    """The credential-bearing text where a reader meets it: a YAML value, a JSON string, a comment, a message."""
    where = draw(st.sampled_from(["bare", "yaml", "json", "comment", "message", "shell", "list"]))
    one_line = text.replace("\n", " ")
    return {"bare": text, "yaml": f"notify:\n  url: {one_line}", "json": json.dumps({"endpoint": one_line}),
            "comment": f"# see {one_line} (old)", "message": f"Foreign endpoint {one_line} in deploy/x.yml",
            "shell": f"wget -qO- \"{one_line}\"", "list": f"  - {one_line}"}[where]


@st.composite
def secret_texts(draw):
    """(secret, text holding it)."""
    secret = draw(secrets)
    shape = draw(st.sampled_from(SHAPES))
    return secret, draw(placed(draw(shape(secret))))


def normalised(output: str | bytes) -> str:
    """What a reader sees: HTML/XML entities decoded, Markdown escapes dropped, JSON escapes undone."""
    text = output.decode("utf-8", "replace") if isinstance(output, bytes) else output
    text = html.unescape(html.unescape(text))
    return text.replace("\\/", "/").replace('\\"', '"').replace("\\", "")


def leaked(secret: str, output: str | bytes, window: int = 12) -> str | None:
    """Any `window`-long piece of the secret found in the output (a table may fold a value over two lines)."""
    text = normalised(output)
    for i in range(len(secret) - window + 1):
        if secret[i:i + window] in text:
            return secret[i:i + window]
    return None
