"""Masks credentials by their shape in any text that leaves the tool, in time linear in the text's length."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any, TypeVar

from pydantic import BaseModel

from sovstack.rules import messengers

MASK = "****"
# Every quantifier below is bounded and every pattern that can start anywhere is anchored by a look-behind, so a
# megabyte line costs one pass, never a pass per position (an unbounded `[\w.-]*token` once hung on long lines).

# scheme://user:password@host, scheme://token@host. The password may hold an unencoded '@': the last one wins.
USERINFO = re.compile(
    r"(?i)(?<![a-z0-9+.-])(?P<pre>[a-z][a-z0-9+.-]{0,30}://)(?P<user>[^\s/?#@:\"'<>`\\]{0,256})"
    r"(?::(?P<pw>[^\s/?#\"'<>`\\]{0,256}))?@"
)
# A URL; its path segments that look like keys (webhook ids, bot tokens) are masked, host and words kept.
URL = re.compile(r"(?i)(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{0,30}://[^\s\"'<>`\\|]{1,4096}")
# name <sep> value: YAML, JSON, env, shell, query strings, HTTP headers, CLI flags. Only names holding a credential
# word match at all (the full decision is _is_credential); the value is read only after the name qualifies.
_SCHEMES = r"(?i:bearer|basic|digest|token|bot|oauth|apikey|api-key|ssws|negotiate|aws4-hmac-sha256)"
_WORD = r"(?i:token|secret|pass|pwd|key|sig|auth|credential|cookie|session)"
ASSIGNMENT = re.compile(
    rf"(?<![\w.$-])(?:(?P<name>[A-Za-z_]?[\w.-]{{0,60}}?{_WORD}[\w.-]{{0,60}})"
    r"(?P<sep>\\?[\"']?[ \t]{0,8}(?:(?P<colon>:)|=>|=)[ \t]{0,8})"
    rf"|(?P<flag>--?[A-Za-z]?[\w-]{{0,60}}?{_WORD}[\w-]{{0,60}})(?P<fsep>[ \t]{{1,4}}|=)"
    r"|(?P<hdr>(?i:proxy-)?(?i:authorization))(?P<hsep>\\?[\"']?[ \t]{1,8})(?=\\?[\"']?"
    rf"{_SCHEMES}[ \t]))"
)
VALUE = re.compile(
    rf"(?P<scheme>{_SCHEMES}[ \t]{{1,8}})?"
    r"(?P<val>\$\{[^}\s]{1,256}\}|\\[\"'](?:[^\"'\\\n]|\\[^\"'\n]){0,4096}(?:\\[\"'])?"
    r"|\"(?:[^\"\\\n]|\\.){0,4096}\"?|'[^'\n]{0,4096}'?|[^\s\"'`,}{\]\[<>&]{1,4096})"
)
COLON_VALUE = re.compile(VALUE.pattern.replace("<>&]", "<>]"))
# <password>…</password>, <authToken>…</authToken> (XML configs: Jenkins, Maven settings, .NET).
XML_ELEMENT = re.compile(
    rf"<(?P<tag>[\w:.-]{{0,60}}?{_WORD}[\w:.-]{{0,60}})(?P<attrs>[^<>]{{0,256}})>(?P<val>[^<]{{1,4096}})</")
# `Bearer <token>` wherever it is written (curl -H, nginx proxy_set_header, a script).
BEARER = re.compile(r"(?i)(?<![\w-])(?P<pre>bearer[ \t]{1,8})(?P<tok>[A-Za-z0-9._~+/=:-]{6,4096})")
# curl -u user:password
CURL_USER = re.compile(r"(?<!\S)(?P<pre>(?:-u|--user)[ \t=]{1,4}[\"']?[^\s:\"']{1,256}:)(?P<pw>[^\s\"']{1,256})")
# Bot tokens after /bot (Telegram and the Telegram-compatible APIs) and bare Telegram-shaped tokens.
BOT_TOKEN = re.compile(r"(?<![\w-])(?P<pre>(?:bot)?[0-9]{5,12}:)(?P<tok>[A-Za-z0-9_-]{20,64})(?![\w-])")
# Well-known credential prefixes (GitHub, GitLab, AWS access key ids, Slack app tokens).
PREFIXED = re.compile(
    r"(?<![\w-])(?P<pre>ghp_|gho_|ghu_|ghs_|ghr_|github_pat_|glpat-|xapp-|xox[abposre]-|AKIA|ASIA)"
    r"(?P<tok>[A-Za-z0-9_-]{12,255})(?![\w-])"
)
# Whitespace-separated secrets: .netrc (`machine h login u password p`, any order, one or many lines) and
# configuration directives whose whole line is `<directive> <secret>` (Redis requirepass/masterauth, pgbouncer,
# OpenVPN/strongSwan `PSK`, sshpass/`--password x` is a flag and handled by ASSIGNMENT).
NETRC = re.compile(r"(?i)(?<![\w.-])(?P<pre>(?:password|passwd|account)[ \t]{1,8})(?P<tok>[^\s\"'#]{1,256})"
                   r"(?=[^\n]{0,512}?(?:\bmachine\b|\blogin\b|$))")
NETRC_LINE = re.compile(r"(?i)\bmachine[ \t]|\bdefault[ \t]|^[ \t]*login[ \t]")
DIRECTIVE = re.compile(r"(?im)^(?P<pre>[ \t]{0,16}(?:[#;][ \t]{0,4})?(?:requirepass|masterauth|masterpass|password|passwd|psk|secret)"
                       r"[ \t]{1,8})(?P<tok>[^\s\"'#=:][^\s\"'#]{0,255})[ \t]*$")
AUTH_SCHEME = re.compile(rf"(?P<scheme>{_SCHEMES})[ \t]{{1,8}}")
TEMPLATE_VALUE = re.compile(r"^(\{\{.*\}\}|\$\{?[A-Za-z_][\w.]*\}?|%[A-Za-z_]\w*%|<[^>]*>|!vault\b.*|\*{3,})$")
PLAIN_VALUES = {"true", "false", "null", "none", "yes", "no", "~", "|", ">", "|-", ">-", "''", '""'}

# Name parts that make a name a credential (split on separators and camelCase). `key` alone counts only in
# `key=value` (query strings, env); in YAML `key:` is an ordinary field (Kubernetes selectors, tolerations).
CREDENTIAL_PARTS = frozenset({
    "token", "secret", "password", "passwd", "passphrase", "pwd", "pass", "apikey", "signature", "sig", "sign",
    "credential", "credentials", "auth", "authorization", "authtoken", "cookie", "session", "sessionid", "privatekey",
})
CREDENTIAL_ENDINGS = ("token", "secret", "password", "passwd", "apikey", "signature", "privatekey", "accesskey")
# A last part naming where the secret is or how it is used, not the secret itself (a URL under such a name is
# still masked by the URL pass).
REFERENCE_ENDINGS = frozenset({"file", "path", "name", "type", "ref", "length", "size", "ttl", "mode", "format",
                               "env", "var", "method", "source", "provider", "version", "policy", "rotation", "url",
                               "uri", "endpoint", "host", "port", "user", "username", "timeout", "lifetime", "expiry",
                               "expires", "enabled", "count"})
_NAME_PARTS = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")
# Long random-looking strings: hex of 32+ (UUIDs, hook ids) or letters and digits mixed at random (keys).
_HEX = re.compile(r"^[0-9a-fA-F-]{32,}$")
_KEYLIKE = re.compile(r"^[A-Za-z0-9_@.=%+-]{16,}$")
_CLASS = re.compile(r"[0-9]+|[a-z]+|[A-Z]+")
_HOOK_WORDS = frozenset({"hook", "hooks", "webhook", "webhooks", "webhookb2", "services", "workflows",
                         "triggers", "bot", "bots", "robot"})


def redact(text: str | None) -> str | None:
    """The text with every credential it holds replaced by ****, keeping host, path shape and names."""
    if not text or not _triggered(text.lower()):
        return text  # most strings a result holds (ids, paths, legal references) have no credential's marks
    return _redact(text) if len(text) > 4096 else _redact_cached(text)


@lru_cache(maxsize=16384)
def _redact_cached(text: str) -> str:
    return _redact(text)


def _keep_pre(m: re.Match[str]) -> str:
    return m.group("pre") + MASK


# Each pass with the plain substrings (of the lower-cased text) without which it cannot match: most passes are
# skipped on most strings. A test checks every catalogue shape trips the catalogue pass's gate.
CATALOGUE_GATE = (":", "xox", "hook")
PASSES: tuple[tuple[tuple[str, ...], Callable[[str], str]], ...] = (
    (("ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "glpat-", "xox", "xapp-", "akia", "asia"),
     lambda t: PREFIXED.sub(_keep_pre, t)),
    (CATALOGUE_GATE, lambda t: _catalogue_tokens(t)),
    (("@",), lambda t: USERINFO.sub(_userinfo, t)),
    (("://",), lambda t: URL.sub(lambda m: _url(m.group(0)), t)),
    ((":",), lambda t: BOT_TOKEN.sub(_keep_pre, t)),
    (("-u", "--user"), lambda t: CURL_USER.sub(_keep_pre, t)),
    (("bearer",), lambda t: BEARER.sub(_keep_pre, t)),
    (("<",), lambda t: XML_ELEMENT.sub(_xml_element, t)),
    (("password", "passwd", "requirepass", "masterauth", "masterpass", "psk", "secret"), lambda t: _directives(t)),
    (("token", "secret", "pass", "pwd", "key", "sig", "auth", "credential", "cookie", "session"),
     lambda t: _assignments(t)),
)


_GATES = re.compile("|".join(sorted({re.escape(g) for gate, _apply in PASSES for g in gate}, key=len, reverse=True)))


def _triggered(low: str) -> bool:
    return _GATES.search(low) is not None  # one scan for every pass's marks


def _redact(text: str) -> str:
    for gate, apply in PASSES:
        low = text.lower()
        if any(g in low for g in gate):
            text = apply(text)
    return text


def _catalogue_tokens(text: str) -> str:
    for rx in _catalogue_patterns():
        text = rx.sub(lambda m: _mask_token(m.group(0)), text)
    return text


@lru_cache(maxsize=1)
def _catalogue_patterns() -> list[re.Pattern[str]]:
    """The catalogue's shapes, each run on to the end of its token: a key with an extra '_' is masked whole."""
    return [re.compile(f"(?:{rx.pattern})[A-Za-z0-9_-]{{0,256}}") for _mid, rx in messengers.token_patterns()]


def _mask_token(token: str) -> str:
    """A messenger credential: words of its path kept (hooks.slack.com/services/…), keys and ids masked."""
    if "/" in token:
        return "/".join(s if _is_word(s) else MASK for s in token.split("/"))
    if ":" in token:
        return token.split(":", 1)[0] + ":" + MASK
    head = token.split("-", 1)[0]
    return (head + "-" + MASK) if "-" in token and len(head) <= 5 else MASK


def _looks_random(value: str) -> bool:
    """A key, not a name: words and dates change between digits and letters rarely (cons_doc_LAW_61798), random
    keys every few characters."""
    if _HEX.match(value):
        return True
    if not _KEYLIKE.match(value):
        return False
    runs = _CLASS.findall(value)
    alnum = sum(len(r) for r in runs)
    return any(r[0].isdigit() for r in runs) and any(r[0].isalpha() for r in runs) and len(runs) >= max(6, 0.4 * alnum)


def _is_word(segment: str) -> bool:
    """A path word or a host name (services, webhookb2, hooks.slack.com), not an id or a key."""
    lower = segment.lower()
    return lower in _HOOK_WORDS or (segment.isalpha() and len(segment) < 16) or (
        "." in segment and not any(c.isdigit() for c in segment))


def _userinfo(m: re.Match[str]) -> str:
    user, pw = m.group("user"), m.group("pw")
    if pw is not None:
        return f"{m.group('pre')}{user}:{MASK}@"
    return f"{m.group('pre')}{MASK if _looks_random(user) or len(user) >= 20 else user}@"


def _url(url: str) -> str:
    """Masks path segments that are keys; the query is left to the assignment pass (it keeps parameter names)."""
    scheme, _, rest = url.partition("://")
    path, q, query = rest.partition("?")
    segments = path.split("/")
    after_hook = False
    for i, seg in enumerate(segments[1:], start=1):
        if seg and (_looks_random(seg) or (after_hook and len(seg) >= 8 and not seg.isalpha())):
            segments[i] = MASK
        after_hook = after_hook or seg.lower() in _HOOK_WORDS
    params = [_masked_param(p) for p in query.split("&")] if query else []
    return f"{scheme}://{'/'.join(segments)}{q}{'&'.join(params)}"


def _masked_param(param: str) -> str:
    """Any query value that looks random is masked whatever its name (Pushover's user=, a signed URL's nonce)."""
    name, eq, value = param.partition("=")
    return f"{name}={MASK}" if eq and _looks_random(value) else param


def _xml_element(m: re.Match[str]) -> str:
    if not _is_credential(m.group("tag").rpartition(":")[2], False) or _is_template(m.group("val").strip()):
        return m.group(0)
    return f"<{m.group('tag')}{m.group('attrs')}>{MASK}</"


def _directives(text: str) -> str:
    """`password x` as .netrc writes it (on a line with machine/default/login) and `requirepass x` as the whole
    line of a configuration file; prose ("the password is set by ...") has more words on its line and is kept."""
    text = DIRECTIVE.sub(lambda m: m.group(0) if _is_template(m.group("tok")) else m.group("pre") + MASK, text)
    if not NETRC_LINE.search(text):
        return text
    return "\n".join(NETRC.sub(lambda m: m.group(0) if _is_template(m.group("tok")) else m.group("pre") + MASK, ln)
                     if NETRC_LINE.search(ln) or ln.strip().lower().startswith(("password", "passwd", "account"))
                     else ln for ln in text.split("\n"))


def _assignments(text: str) -> str:
    """One left-to-right pass: after a credential's name its value is masked; other text is copied as it is."""
    out: list[str] = []
    pos = 0
    while (m := ASSIGNMENT.search(text, pos)) is not None:
        out.append(text[pos:m.end()])
        pos = m.end()
        name = m.group("name") or m.group("flag")
        if name is not None and not _is_credential(name, m.group("colon") is None):
            continue
        v = (COLON_VALUE if m.group("colon") else VALUE).match(text, pos)
        if v is not None:
            out.append(_masked_value(v))
            pos = v.end()
    out.append(text[pos:])
    return "".join(out)


def _masked_value(v: re.Match[str]) -> str:
    """The value with its quotes and authorization scheme kept, the rest masked (templates and booleans kept)."""
    scheme, val = v.group("scheme") or "", v.group("val")
    quote = next((q for q in ('\\"', "\\'", '"', "'") if val.startswith(q)), "")
    closed = bool(quote) and len(val) >= 2 * len(quote) and val.endswith(quote)
    inner = val[len(quote):len(val) - len(quote) * closed]
    return f"{scheme}{quote}{_mask_value(inner)}{quote if closed else ''}"


@lru_cache(maxsize=4096)
def _is_credential(name: str, equals: bool) -> bool:
    parts = [p.lower() for p in _NAME_PARTS.findall(name)]
    if not parts or parts[-1] in REFERENCE_ENDINGS:
        return False
    if any(p in CREDENTIAL_PARTS or p.endswith(CREDENTIAL_ENDINGS) for p in parts):
        return True
    return "key" in parts and (equals or len(parts) > 1)


def _is_template(value: str) -> bool:
    return bool(TEMPLATE_VALUE.match(value)) or value.lower() in PLAIN_VALUES


def _mask_value(value: str) -> str:
    if not value or _is_template(value.strip()):
        return value
    scheme = AUTH_SCHEME.match(value)
    if scheme and scheme.end() < len(value):
        return value[:scheme.end()] + MASK
    return MASK


M = TypeVar("M", bound=BaseModel)


# Fields whose values come from the catalogue or the tool, never from a scanned file.
TOOL_FIELDS = frozenset({"policy_id", "category", "status", "severity", "legal_basis", "kind", "schema_version",
                         "sha256", "started_at", "recorded_at", "identity", "region", "tool", "fingerprint"})


def redact_model(model: M) -> M:
    """A copy of a pydantic model (a Result, a Finding) with every string in it masked."""
    return type(model).model_validate(redact_data(model.model_dump(mode="python")))


def redact_data(value: Any) -> Any:
    """Plain data (a finding read from a result.json) with every string in it masked."""
    return _walk(value, redact)


def _walk(value: Any, fn: Callable[[str], str | None]) -> Any:
    if isinstance(value, str):
        return fn(value)
    if isinstance(value, dict):
        return {k: v if k in TOOL_FIELDS else _walk(v, fn) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_walk(v, fn) for v in value)
    return value
