"""Knowledge lookups for notification paths: router URL schemes, CI actions, operator resources, notifier
images, bot SDK packages, Bot API paths, messenger address ranges and block-list shapes (policies/data)."""

from __future__ import annotations

import base64
import ipaddress
import re
from functools import lru_cache
from typing import Any, Iterator

from sovstack.rules import knowledge, messengers

SCHEME_RE = re.compile(r"(?<![\w+.-])(?:generic\+)?(?P<scheme>[a-z][a-z0-9]{1,15})://(?P<rest>[^\s'\"<>`]+)", re.I)
IPV4_RE = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.]|/\d)")
# An IPv6 literal in any written form (full, compressed, IPv4-mapped; bare or bracketed as in
# https://[2001:67c:4e8::1]:443/, or a full address with a :port as HAProxy and others write it), not followed
# by a prefix length: candidates, checked by `ipaddress`.
IPV6_RE = re.compile(r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,8}(?:[0-9A-Fa-f]{1,4}|\d{1,3}(?:\.\d{1,3}){3})?(?![\w:.]|/\d)")


@lru_cache(maxsize=1)
def data() -> dict[str, Any]:
    return knowledge.channels()


@lru_cache(maxsize=1)
def _schemes() -> dict[str, tuple[str, str]]:
    """scheme -> (routers that use it, messenger)."""
    out: dict[str, tuple[str, str]] = {}
    for router, table in data()["url_schemes"].items():
        for scheme, mid in table.items():
            out[scheme] = (f"{out[scheme][0]}/{router}" if scheme in out else router, mid)
    return out


def router_scheme(scheme: str) -> bool:
    """A notification-router URL scheme of the catalogue (tgram, discord, teams, ...)."""
    return scheme.lower() in _schemes()


def router_urls(text: str) -> Iterator[tuple[str, str, str]]:
    """(messenger, router, matched) for each notification-router URL (telegram://, tgram://, teams://...)."""
    if "://" not in text:
        return
    for m in SCHEME_RE.finditer(text):
        hit = _schemes().get(m.group("scheme").lower())
        if hit:
            yield hit[1], hit[0], m.group(0)


@lru_cache(maxsize=1)
def _bot_path_re() -> re.Pattern[str]:
    methods = "|".join(data()["telegram_bot_methods"])
    token = r"(?:\d{6,12}:[A-Za-z0-9_-]{30,}|\$\{?[A-Za-z_][\w.]*\}?|\{\{[^}]{1,120}\}\}|<[^>/]{1,40}>|%[A-Za-z_]\w*%|\{[A-Za-z_]\w*\})"
    return re.compile(rf"/bot{token}/(?:{methods})\b")


def bot_api_paths(text: str) -> Iterator[str]:
    """Telegram Bot API call paths (/bot<token>/sendMessage) on any host: a proxy or mirror of the Bot API."""
    if "/bot" in text:
        for m in _bot_path_re().finditer(text):
            host = re.search(r"([\w.-]+)(?::\d+)?$", text[max(0, m.start() - 80):m.start()])
            if not (host and messengers.endpoint_for(host.group(1), "/bot")):  # the API host itself: SOV-MSG-007
                yield m.group(0)


def ci_action(uses: str) -> str | None:
    """Messenger a CI action posts to: listed, or a repository named after a messenger (kerashanog/telegram-actions)."""
    if uses.strip().startswith("docker://"):
        return notifier_image(uses.strip()[len("docker://"):])
    name = uses.split("@", 1)[0].strip()
    table = {k.lower(): v for k, v in data()["ci_actions"].items()}
    if name.lower() in table:
        return table[name.lower()]
    parts = name.split("/")
    if len(parts) < 2 or name.startswith("."):
        return None
    return messengers.messenger_in_words(messengers.words(parts[1]))


def image_name(ref: str) -> str:
    """Repository path of an image reference, without registry host, tag or digest."""
    ref = ref.strip().split("@", 1)[0]
    parts = ref.split("/")
    if len(parts) > 1 and ("." in parts[0] or ":" in parts[0] or parts[0] == "localhost"):
        parts = parts[1:]
    last = parts[-1].split(":", 1)[0]
    return "/".join(parts[:-1] + [last]).lower()


def notifier_image(ref: str) -> str | None:
    """Messenger of a known notifier image, or of one named as a messenger notifier (alertmanager-telegram-bot)."""
    if not ref or "{{" in ref or "${" in ref and ref.index("${") == 0:
        return None
    name = image_name(ref)
    table = {k.lower(): v for k, v in data()["notifier_images"].items()}
    return table.get(name) or messengers.messenger_for_notifier_name(name.split("/")[-1])


def package(ecosystem: str, name: str) -> str | None:
    """Messenger of a bot SDK package (pypi names compared normalised; go modules by path prefix)."""
    table = data()["packages"].get(ecosystem) or {}
    if ecosystem == "pypi":
        norm = re.sub(r"[-_.]+", "-", name.lower())
        return next((mid for k, mid in table.items() if re.sub(r"[-_.]+", "-", k.lower()) == norm), None)
    if ecosystem == "go":
        return next((mid for k, mid in table.items() if name == k or name.startswith(k + "/")), None)
    return table.get(name)


def operator_type(table: str, value: Any) -> str | None:
    return (data()["operators"].get(table) or {}).get(str(value).lower()) if isinstance(value, str) else None


def flow_node(node_type: str) -> str | None:
    return data()["flow_nodes"].get(node_type)


@lru_cache(maxsize=1)
def _networks() -> list[tuple[str, ipaddress.IPv4Network | ipaddress.IPv6Network]]:
    return [(mid, ipaddress.ip_network(n)) for mid, m in messengers._data()["messengers"].items()
            for n in m.get("networks") or []]


def messenger_ips(text: str) -> Iterator[tuple[str, str]]:
    """(messenger, ip) for each IPv4 or IPv6 literal (not a CIDR) inside a messenger's published ranges; an IPv6
    address that carries an IPv4 one (::ffff:149.154.167.220, NAT64 64:ff9b::, 6to4 2002::) counts as that one."""
    spans: list[tuple[int, int]] = []
    if text.count(":") >= 2:
        for m in IPV6_RE.finditer(text):
            ip = _ipv6(m.group(0))
            if ip is None:
                continue
            spans.append(m.span())
            mid = _network_of(ip) or next((_network_of(v4) for v4 in _embedded_ipv4(ip) if _network_of(v4)), None)
            if mid:
                yield mid, m.group(0)
    for m in IPV4_RE.finditer(text):
        if any(a <= m.start() < b for a, b in spans):
            continue  # the tail of an IPv4-mapped IPv6 address, checked above
        try:
            ip = ipaddress.ip_address(m.group(0))
        except ValueError:
            continue
        mid = _network_of(ip)
        if mid:
            yield mid, m.group(0)


def _ipv6(literal: str) -> ipaddress.IPv6Address | None:
    """The address a literal writes, also when a :port follows a full eight-group address."""
    for cand in (literal, literal.rsplit(":", 1)[0] if literal.count(":") == 8 else None):
        try:
            return ipaddress.IPv6Address(cand) if cand else None
        except ValueError:
            continue
    return None


NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # RFC 6052 well-known prefix: NAT64 to the IPv4 address it ends with


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address reaches by translation: IPv4-mapped (::ffff:a.b.c.d), NAT64 through the
    well-known prefix (64:ff9b::a.b.c.d, RFC 6052) and 6to4 (2002:aabb:ccdd::, RFC 3056)."""
    out = [v4 for v4 in (ip.ipv4_mapped, ip.sixtofour) if v4 is not None]
    if ip in NAT64:
        out.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return out


def _network_of(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    return next((mid for mid, net in _networks() if ip.version == net.version and ip in net), None)


@lru_cache(maxsize=1)
def _deny_lines() -> list[re.Pattern[str]]:
    return [re.compile(p, re.I) for p in data()["blocklists"]["deny_line_patterns"]]


def denies(line: str) -> bool:
    """A text line that blocks what it names (iptables DROP, nftables drop, nginx/squid deny)."""
    return any(p.search(line) for p in _deny_lines())


@lru_cache(maxsize=4096)
def is_blocklist_key(key: str) -> bool:
    """A key that names a deny-list: a deny word and a list noun (egress_guard_deny_hosts) or a whole deny key."""
    bl = data()["blocklists"]
    low = str(key).lower()
    if low.replace("-", "_") in bl["whole_keys"]:
        return True
    ws = set(messengers.words(str(key)))
    return bool(ws & set(bl["deny_words"])) and bool(ws & set(bl["list_nouns"]))


@lru_cache(maxsize=1)
def _http_client_re() -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in data()["http_clients"]))


def http_call_to_messenger(line: str) -> str | None:
    """Messenger of an HTTP client call whose target is a variable named after a messenger endpoint or
    credential (curl -X POST "$SLACK_WEBHOOK_URL"); None for any other line."""
    if not _http_client_re().search(line):
        return None
    return messengers.messenger_for_reference(line)


B64_RE = re.compile(r"(?<![A-Za-z0-9+/=_-])[A-Za-z0-9+/_-]{16,}={0,2}(?![A-Za-z0-9+/=_-])")


def decoded(text: str) -> Iterator[str]:
    """Printable texts hidden in a value by encoding: base64 (standard or URL-safe) and %-escapes."""
    if "%" in text and re.search(r"%[0-9A-Fa-f]{2}", text):
        from urllib.parse import unquote

        yield unquote(text)
    for m in B64_RE.finditer(text) if len(text) < 8192 else ():
        token = m.group(0)
        try:
            raw = base64.b64decode(token + "=" * (-len(token) % 4), altchars=b"-_" if "-" in token or "_" in token else None)
            out = raw.decode("ascii")
        except (ValueError, UnicodeDecodeError):
            continue
        if out.isprintable() and ("." in out or "://" in out):
            yield out


# Container run commands (docker/podman/nerdctl/finch `run`/`create`, `container run`, `docker service create`,
# kubectl run/create --image=, kubectl set image <workload> <container>=<image>): the image is the first argument that is not an option or an option's value.
# Options that take no value, from the run references of each CLI
# (https://docs.docker.com/reference/cli/docker/container/run/, https://docs.podman.io/en/latest/markdown/podman-run.1.html,
# https://github.com/containerd/nerdctl/blob/main/docs/command-reference.md#whale-blue_square-nerdctl-run):
# every other option written without `=` takes the next word as its value.
RUN_CMD_RE = re.compile(r"(?<![\w./-])(?:\S*/)?(?P<cli>docker|podman|nerdctl|finch)(?:\s+(?:--?[\w-]+(?:[= ]\S+)?))*?"
                        r"\s+(?:(?:container\s+)?(?:run|create)|service\s+create)\s+(?P<args>.*)")
KUBECTL_IMAGE_RE = re.compile(r"(?<![\w./-])(?:\S*/)?kubectl\b[^\n|;&]*?(?:\s--image(?:=|\s+)|\sset\s+image\s+\S+(?:\s+--?[\w-]+(?:=\S+)?)*"
                              r"\s+[\w.-]+=)(?P<image>[^\s'\";|&]+)")
RUN_BOOL_FLAGS = {"--detach", "--interactive", "--tty", "--rm", "--privileged", "--init", "--publish-all", "--read-only",
                  "--quiet", "--disable-content-trust", "--no-healthcheck", "--oom-kill-disable", "--help", "--replace",
                  "--rmi", "--no-hosts", "--env-host", "--read-only-tmpfs", "--passwd", "--http-proxy", "--sig-proxy",
                  "--tls-verify", "--systemd", "--with-registry-auth", "--no-resolve-image"}
RUN_BOOL_SHORT = set("ditPq")
SHELL_END = re.compile(r"\s(?:&&|\|\||;|\||>|2>)\s|[;&|]\s*$")


def container_run_images(text: str) -> Iterator[str]:
    """Image references a text's container run commands start (docker run -d --rm -e A=b image:tag ...)."""
    import shlex

    if "run" not in text and "create" not in text and "image" not in text:
        return
    joined = re.sub(r"\\\r?\n", " ", text)
    for line in joined.splitlines():
        for m in KUBECTL_IMAGE_RE.finditer(line):
            yield m.group("image")
        m = RUN_CMD_RE.search(line)
        if not m or _printed(line[:m.start()]):
            continue
        args = re.sub(r"\{\{[^{}]*\}\}|\$\{[^{}]*\}", "TEMPLATED", SHELL_END.split(m.group("args"), 1)[0])
        try:
            words = shlex.split(args, comments=False)
        except ValueError:
            words = args.split()
        image = (_first_argument(words) or "").strip("\"'")
        if image:
            yield image


def _printed(before: str) -> bool:
    """The command sits inside a string that is printed (echo "... docker run x"), not run (sh -c "docker run x")."""
    quotes = len(re.findall(r'(?<!\\)"', before)) % 2 or len(re.findall(r"(?<!\\)'", before)) % 2
    return bool(quotes) and bool(re.search(r"\b(?:echo|printf|logger|print|puts|msg|info|warn|log)\b[^|;&]*$", before))


def _first_argument(words: list[str]) -> str | None:
    skip = False
    for w in words:
        if skip:
            skip = False
            continue
        if w == "--":
            continue
        if w.startswith("--"):
            skip = "=" not in w and w not in RUN_BOOL_FLAGS
        elif w.startswith("-") and len(w) > 1:
            skip = not set(w[1:]) <= RUN_BOOL_SHORT and len(w) == 2  # -e VALUE; -eVALUE / -p8080:80 carry it
        else:
            return w
    return None
