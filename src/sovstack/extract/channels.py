"""Channel facts: every notification path to a foreign messenger a document sets up, however it is written
(router URL schemes, Bot API paths, CI actions, operator resources, notifier images and units, bot SDKs)."""

from __future__ import annotations

import json
import re
from pathlib import PurePosixPath
from typing import Any, Iterable, Iterator

from sovstack import resolve
from sovstack.checks.walk import EMPTY, all_dicts, code_lines, value_texts
from sovstack.collect import detect
from sovstack.collect.document import Document
from sovstack.facts import Channel, Origin, Workspace, extractor
from sovstack.rules import channels as kb
from sovstack.rules import messengers, sourcecode

REF_RE = re.compile(r"\{\{|\$\{?[A-Za-z_]|\bvar\.|\blocal\.")
# A value can only address a messenger when it is (or builds) a URL, a host or an HTTP call: resolving the
# rest (names, paths, sizes) would cost time and find nothing.
WORTH_RESOLVING_RE = re.compile(r"://|/bot|^\s*[\"']?(\{\{[^}]*\}\}|\$\{?\w+\}?)[\"']?\s*$|\b(curl|wget|http|https|url|uri|"
                                r"host|endpoint|webhook|hook|notify|api)\b", re.I)
LITERAL_HOST_RE = re.compile(r"://[A-Za-z0-9.-]+\.[A-Za-z]{2,}")
ADDRESS_WORDS = {"url", "uri", "host", "hostname", "endpoint", "webhook", "hook", "address", "server", "api", "domain", "fqdn"}
SECRET_WORDS = {"token", "password", "passwd", "pass", "secret", "key", "chat", "id", "user", "username", "login"}
JINJA_EXPR_RE = re.compile(r"\{\{[^{}]{1,200}\}\}")
FLAG_RE = re.compile(r"--(?P<flag>[a-z][a-z0-9-]+)(?:[= ](?P<value>\S+))?")
REQ_RE = re.compile(r"^\s*(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;@ ]|$)")
GO_REQ_RE = re.compile(r"^\s*(?:require\s+)?(?P<mod>[a-z0-9.-]+\.[a-z]{2,}/[\w./-]+)\s+v\d")
INSTALL_RE = re.compile(r"\b(?:pip3?|python3? -m pip|uv pip|uv|poetry|pipenv|npm|yarn|pnpm|bun|go)\s+(?:install|add|get|i)\b(?P<args>[^&|;]*)")
PY_IMPORT_RE = re.compile(r"^\s*(?:from\s+(?P<f>[\w.]+)\s+import\b|import\s+(?P<i>[\w.]+))")
PY_FROM_NAMES_RE = re.compile(r"^\s*from\s+[\w.]+\s+import\s+\(?\s*([\w\s,]+)")
JS_IMPORT_RE = re.compile(r"""(?:require\(\s*|\bfrom\s+|^\s*import\s+)['"](?P<m>[@\w./-]+)['"]""")
GO_IMPORT_RE = re.compile(r'^\s*(?:import\s+)?(?:\w+\s+)?"(?P<m>[a-z0-9.-]+\.[a-z]{2,}/[\w./-]+)"')
IMAGE_LINE_RE = re.compile(r"""^\s*["']?image["']?\s*[=:]\s*["']?(?P<image>[\w.-]+(?::\d+)?/[^\s"'#]+|[\w.-]+:[\w.-]+)["']?\s*,?\s*$""")
# Podman Quadlet `[Container]` units (https://docs.podman.io/en/latest/markdown/podman-systemd.unit.5.html): Image=
QUADLET_IMAGE_RE = re.compile(r"^\s*Image\s*=\s*(?P<image>\S+)\s*$")
UNIT_KEYS = ("ExecStart", "ExecStartPre", "ExecStartPost", "ExecStop", "ExecStopPost", "OnFailure", "OnSuccess")
SOURCE_SUFFIX = {".py": "py", ".js": "js", ".mjs": "js", ".cjs": "js", ".jsx": "js", ".ts": "js", ".mts": "js", ".cts": "js",
                 ".tsx": "js", ".go": "go"}


def _ch(mid: str, line: int | None, how: str, what: str, doc: Document, **kw: Any) -> Channel:
    return Channel(service=mid, line=line, how=how, chain=[Origin(doc.rel, line, what)], **kw)


@extractor("any")
def text_channels(doc: Document, ws: Workspace) -> Iterator[Channel]:
    """Router URLs, Bot API paths and messenger IP literals in any value or code line (blocked ones left out)."""
    for line, end, text in value_texts(doc, skip_blocklists=True):
        for mid, router, url in kb.router_urls(text):
            if sourcecode.inert_use(doc, text, url):
                continue  # program source checking or telling a URL, not sending to it
            at = doc.find_line(url[:40], line, end) or line
            yield _ch(mid, at, "scheme", f"{router} URL {url.split('://')[0]}://", doc, endpoint=url)
        for path in kb.bot_api_paths(text):
            at = doc.find_line(path[:12], line, end) or line
            yield _ch("telegram", at, "bot-api-path", "Telegram Bot API call path /bot<token>/<method>", doc, endpoint=path)
        for plain in kb.decoded(text):
            for mid, how, what in _in_value(plain):
                if what in text:  # visible as written: reported by the plain checks
                    continue
                yield _ch(mid, line, f"encoded-{how}", f"encoded {what[:60]}", doc, endpoint=what)
        mid = kb.http_call_to_messenger(text) if "$" in text or "{{" in text else None
        if mid:
            yield _ch(mid, line, "http-call", "HTTP call to a messenger URL held in a variable", doc)
        for mid, ip in kb.messenger_ips(text):
            if not kb.denies(text):
                yield _ch(mid, doc.find_line(ip, line, end) or line, "ip", f"address {ip} in the messenger's "
                          "published ranges", doc, endpoint=ip)


@extractor("any")
def resolved_channels(doc: Document, ws: Workspace) -> Iterator[Channel]:
    """Messenger endpoints and router URLs a templated value resolves to (group_vars, defaults, .env, systemd
    EnvironmentFile, Helm values), with the chain of places the value came from."""
    for line, end, text in value_texts(doc, skip_blocklists=True):
        if not REF_RE.search(text) or len(text) > 4096 or not _worth_resolving(text) or next(_in_value(text), None):
            continue  # nothing to resolve, nothing that can address a service, or already a channel as written
        for value, chain in _candidates(text, doc):
            for mid, how, what in _in_value(value):
                yield Channel(service=mid, line=line, how=f"resolved-{how}", endpoint=what,
                              chain=chain + [Origin(doc.rel, line, "used here")])


def _worth_resolving(text: str) -> bool:
    """Whether resolving can change where a value sends: a URL whose host is not written out, a reference to a
    variable that may hold an address (not a token, password or chat id), or an HTTP call."""
    if not WORTH_RESOLVING_RE.search(text):
        return False
    if LITERAL_HOST_RE.search(text) and not re.search(r"://[^/\s]*(\{\{|\$)", text):
        return False  # the host is written out: a resolved token or chat id does not move it
    names = [w for ref in messengers.variable_refs(text) for w in messengers.words(ref)]
    return not names or bool(set(names) & ADDRESS_WORDS) or not set(names) & SECRET_WORDS


def _candidates(text: str, doc: Document) -> Iterator[tuple[str, list[Origin]]]:
    """Resolved values of a text; when the whole cannot be resolved (a vaulted token in a URL), each Jinja
    expression is resolved alone and the unknown ones are left as they are (the host is what matters)."""
    jinja_only = "{{" in text and ".Values" not in text and doc.kind.value != "terraform"
    if not jinja_only:
        whole = [(c.text(), list(c.chain)) for c in resolve.any_value(text, doc) if c.text() and c.chain]
        if whole or "{{" not in text:
            yield from ((v, ch) for v, ch in whole if v != text)
            return
    # one resolution with holes: a value without a hole is the whole resolved; with holes, the constants around
    # the unknowns (set_fact joins, ~) still name the host
    holed = [(c.text(), list(c.chain)) for c in resolve.jinja(text, holes=True) if c.text()]
    if any(ch for _v, ch in holed) or any(v != text and "{{?}}" not in v for v, _ch in holed):
        yield from ((v, ch) for v, ch in holed if v != text)  # constants around unknowns (set_fact joins, ~)
        return
    value, chain = _partial(text, 0)
    if chain and value != text:
        yield value, chain


def _partial(text: str, depth: int) -> tuple[str, list[Origin]]:
    """Each {{ expression }} of a text resolved alone; a plain variable whose value cannot be resolved as a
    whole is opened one definition deeper (bounded), unknown parts stay as written."""
    chain: list[Origin] = []

    def sub(m: re.Match[str]) -> str:
        cands = [c for c in resolve.jinja(m.group(0)) if c.text() is not None]
        if len(cands) == 1:
            chain.extend(cands[0].chain)
            return cands[0].text()
        raw = _definition(m.group(0)) if depth < 3 else None
        if raw is None:
            return m.group(0)
        inner, inner_chain = _partial(raw[0], depth + 1)
        chain.extend(inner_chain + [raw[1]])
        return inner

    return JINJA_EXPR_RE.sub(sub, text, count=8), chain


def _definition(expr: str) -> tuple[str, Origin] | None:
    """The one string definition of a plain Ansible variable ({{ name }}) at the highest level defining it."""
    from sovstack.resolve import ansible as ansible_vars

    m = re.fullmatch(r"\{\{\s*([A-Za-z_]\w*)\s*\}\}", expr)
    sc = resolve.current()
    if not m or sc is None:
        return None
    for level in reversed(ansible_vars.layers(sc)):
        defs = level.get(m.group(1))
        if defs:
            return (defs[0][0], defs[0][1]) if len(defs) == 1 and isinstance(defs[0][0], str) else None
    return None


def _in_value(value: str) -> Iterator[tuple[str, str, str]]:
    for ep in messengers.find_endpoints(value):
        yield ep.messenger, "endpoint", ep.matched
    for mid, _router, url in kb.router_urls(value):
        yield mid, "scheme", url
    for path in kb.bot_api_paths(value):
        yield "telegram", "bot-api-path", path


@extractor("any")
def flag_channels(doc: Document, ws: Workspace) -> Iterator[Channel]:
    """Notifier command-line flags (Kured --slack-hook-url=...) with a value."""
    for line, end, text in value_texts(doc):
        if "--" not in text:
            continue
        for m in FLAG_RE.finditer(text):
            mid = kb.operator_type("cli_flags", m.group("flag"))
            if mid and (m.group("value") or "").strip("'\"") not in ("", '""'):
                yield _ch(mid, doc.find_line(m.group(0)[:30], line, end) or line, "flag", f"--{m.group('flag')}", doc)


@extractor("yaml", "json", "kubernetes", "compose", "ansible", "template", "terraform")
def structured_channels(doc: Document, ws: Workspace) -> Iterator[Channel]:
    """CI `uses:`, images, operator resources, Argo CD services, Robusta sinks and flow nodes in parsed data."""
    if not doc.structured:
        return
    for d in all_dicts(doc):
        yield from _uses(doc, d)
        yield from _image(doc, d)
        yield from _operator(doc, d)
        yield from _keys(doc, d)
        yield from _flow_node(doc, d)
        yield from _url_keys(doc, d)
        yield from _typed_notifier(doc, d, doc.key_line(d, "type"), "")
        yield from _task_ref(doc, d)


def _typed_notifier(doc: Document, d: dict, line: int | None, where: str) -> Iterator[Channel]:
    """A notification object typed by `type:` that holds its provider's credential (Uptime Kuma notifications)."""
    spec = (kb.data().get("typed_notifiers") or {}).get(d.get("type")) if isinstance(d.get("type"), str) else None
    if spec and any(d.get(f) not in EMPTY and isinstance(d.get(f), (str, int)) for f in spec["fields"]):
        yield _ch(spec["service"], line, "typed-notifier", f"{where}notification of type {d['type']}", doc,
                  resource=f"notification.{d.get('name') or d['type']}")


def _task_ref(doc: Document, d: dict) -> Iterator[Channel]:
    """A pipeline task referenced by a name that says it notifies a messenger (Tekton `taskRef: {name:
    send-to-telegram}`)."""
    ref = d.get("taskRef")
    if not isinstance(ref, dict):
        return
    name, where = ref.get("name"), ref
    params = ref.get("params") if isinstance(ref.get("params"), list) else []
    for p in params:  # a resolver reference: taskRef: {resolver: hub, params: [{name: name, value: send-to-telegram}]}
        if isinstance(p, dict) and p.get("name") == "name" and isinstance(p.get("value"), str):
            name, where = p["value"], p
    mid = messengers.messenger_for_notifier_name(name) if isinstance(name, str) else None
    if mid:
        line = doc.key_line(where, "value" if where is not ref else "name") or doc.key_line(d, "taskRef")
        yield _ch(mid, line, "task", f"task {name}", doc, resource=f"task.{name}")


def _url_keys(doc: Document, d: dict) -> Iterator[Channel]:
    """Router URLs written as keys: Apprise YAML `urls:` entries that hold per-URL options (`- tgram://...:`)."""
    for key in d:
        if isinstance(key, str) and "://" in key:
            for mid, router, url in kb.router_urls(key):
                yield _ch(mid, doc.key_line(d, key), "scheme", f"{router} URL {url.split('://')[0]}://", doc,
                          endpoint=url)


def _uses(doc: Document, d: dict) -> Iterator[Channel]:
    uses = d.get("uses")
    mid = kb.ci_action(uses) if isinstance(uses, str) else None
    if mid:
        yield _ch(mid, doc.key_line(d, "uses"), "ci-action", f"CI step uses {uses}", doc, resource=f"step.{uses}")


def _image(doc: Document, d: dict) -> Iterator[Channel]:
    image = d.get("image")
    if isinstance(image, list) and len(image) == 1:  # HCL attributes may come as one-element lists
        image = image[0]
    if isinstance(image, dict):
        image = image.get("name") or (f"{image.get('repository')}" if image.get("repository") else None)
    line = doc.key_line(d, "image")
    for ref, chain in _image_values(image, doc) if isinstance(image, str) else ():
        mid = kb.notifier_image(ref)
        if mid:
            yield _ch(mid, line, "image", f"notifier image {ref}", doc, resource=f"image.{ref}") if not chain else \
                Channel(service=mid, line=line, how="resolved-image", resource=f"image.{ref}", endpoint=ref,
                        chain=chain + [Origin(doc.rel, line, f"notifier image {ref} (resolved from {image})")])
            return


def _image_values(image: str, doc: Document) -> list[tuple[str, list[Origin]]]:
    """An image reference as written, or the values a templated one resolves to (compose `${BOT_IMAGE}` from
    .env, `"$IMG"` assigned earlier in the script, `{{ bot_image }}` from group_vars), each with its chain."""
    if not REF_RE.search(image):
        return [(image, [])]
    return [(c.text(), list(c.chain)) for c in resolve.any_value(image, doc)
            if isinstance(c.text(), str) and c.text() != image and c.chain][:8]


def _operator(doc: Document, d: dict) -> Iterator[Channel]:
    api, kind, spec = str(d.get("apiVersion", "")), d.get("kind"), d.get("spec")
    if not isinstance(spec, dict) or "type" not in spec:
        return
    table = ("flux_provider_types" if api.startswith("notification.toolkit.fluxcd.io") and kind == "Provider" else
             "flagger_provider_types" if api.startswith("flagger.app") and kind == "AlertProvider" else None)
    mid = kb.operator_type(table, spec["type"]) if table else None
    if mid:
        name = (d.get("metadata") or {}).get("name", "?") if isinstance(d.get("metadata"), dict) else "?"
        yield _ch(mid, doc.key_line(spec, "type"), "operator", f"{kind} {name} of type {spec['type']}", doc,
                  resource=f"{kind}.{name}", endpoint=spec.get("address") if isinstance(spec.get("address"), str) else None)


def _keys(doc: Document, d: dict) -> Iterator[Channel]:
    for key, value in d.items():
        k = str(key)
        if k.startswith("service.") and value not in EMPTY:
            mid = kb.operator_type("argo_services", k.split(".")[1])
            if mid:
                yield _ch(mid, doc.key_line(d, key), "operator", f"Argo CD notifications {k}", doc, resource=k)
        elif k == "communications" and isinstance(value, dict):
            yield from _botkube(doc, value)
        elif isinstance(value, dict) and (mid := _notifier_block(k, value)):
            yield _ch(mid, doc.key_line(d, key), "notifier-block", f"{k} notifier settings", doc,
                      resource=f"notifier.{k}")
        elif k == "sinksConfig" and isinstance(value, list):
            for sink in value:
                for sk in sink if isinstance(sink, dict) else ():
                    mid = kb.operator_type("robusta_sinks", sk)
                    if mid:
                        yield _ch(mid, doc.key_line(sink, sk), "operator", f"Robusta {sk}", doc, resource=f"sink.{sk}")


def _botkube(doc: Document, groups: dict) -> Iterator[Channel]:
    for group in groups.values():
        for platform, conf in group.items() if isinstance(group, dict) else ():
            mid = kb.operator_type("botkube_platforms", str(platform))
            if mid and isinstance(conf, dict) and conf.get("enabled") is True:
                yield _ch(mid, doc.key_line(group, platform), "operator", f"Botkube {platform} enabled", doc,
                          resource=f"botkube.{platform}")


def _is_notifier_block(key: str, value: dict) -> bool:
    """A mapping named after a messenger (telegram:, slack:, Kubewatch's slackwebhook:) holding a credential or
    destination with a value; a block named by a common word (Falcosidekick's and Gatus' teams:) only with a
    webhook."""
    return _notifier_block(key, value) is not None


def _notifier_block(key: str, value: dict) -> str | None:
    ws = messengers.words(key)
    named = kb.data().get("notifier_block_names") or {}
    mid = messengers.messenger_in_words(ws) if len(ws) <= 2 else None
    webhook_only = False
    if not mid and key.lower() in named:
        mid, webhook_only = named[key.lower()], key.lower() in (kb.data().get("notifier_block_webhook_only") or ())
    if not mid or value.get("enabled") is False:
        return None
    keys = set(kb.data()["notifier_block_keys"])
    for k, v in value.items():
        low = str(k).lower()
        if low in keys and v not in EMPTY and not isinstance(v, (dict, list, bool)) and \
                (not webhook_only or "hook" in low):
            return mid
    return None


def _flow_node(doc: Document, d: dict) -> Iterator[Channel]:
    t = d.get("type")
    if isinstance(t, str) and ({"wires", "z"} <= set(d) or "typeVersion" in d):  # Node-RED node / n8n node
        mid = kb.flow_node(t)
        if mid:
            yield _ch(mid, doc.key_line(d, "type"), "flow-node", f"flow node {t}", doc, resource=f"node.{t}")


@extractor("any")
def package_channels(doc: Document, ws: Workspace) -> Iterator[Channel]:
    """Bot SDK dependencies (requirements, pyproject, Pipfile, package.json, go.mod, installs) and imports."""
    name = PurePosixPath(doc.rel).name.lower()
    for eco, pkg, line in dependencies(doc, name):
        mid = kb.package(eco, pkg)
        if mid:
            what = f"Python import {pkg}" if eco == "python_imports" else f"{eco} package {pkg}"
            yield _ch(mid, line, "package", what, doc, resource=f"package.{pkg}")


def dependencies(doc: Document, name: str, py_roots: Iterable[str] | None = None) -> Iterator[tuple[str, str, int | None]]:
    """(ecosystem, package, line) of every dependency a manifest declares, a shell/Dockerfile installs or a source
    file imports. Python imports are matched against py_roots (import roots; default: the bot SDK table), since a
    Python module name is not its package name. Shared by the bot SDK (here) and hosted-store SDK recognisers."""
    if detect.is_requirements(doc.rel):
        yield from _requirements(doc)
    elif name in ("pyproject.toml", "pipfile"):
        yield from _toml_deps(doc)
    elif name == "package.json":
        yield from _package_json(doc)
    elif name == "go.mod":
        yield from (("go", m.group("mod"), n) for n, ln in code_lines(doc) if (m := GO_REQ_RE.match(ln)))
    elif name.startswith(("dockerfile", "containerfile")) or name.endswith((".dockerfile", ".sh")) or \
            doc.kind.value in ("shell",):
        yield from _installs(doc)
    elif PurePosixPath(name).suffix in SOURCE_SUFFIX:
        yield from _imports(doc, SOURCE_SUFFIX[PurePosixPath(name).suffix], py_roots)


def _requirements(doc: Document) -> Iterator[tuple[str, str, int]]:
    for n, line in code_lines(doc):
        m = REQ_RE.match(line)
        if m and not line.lstrip().startswith("-"):
            yield "pypi", m.group("name"), n


def _toml_deps(doc: Document) -> Iterator[tuple[str, str, int | None]]:
    import tomllib  # only for TOML manifests

    try:
        data = tomllib.loads(doc.text)
    except tomllib.TOMLDecodeError:
        return
    names = [REQ_RE.match(str(s)).group("name") for s in (data.get("project") or {}).get("dependencies") or []
             if REQ_RE.match(str(s))]
    for group in ((data.get("project") or {}).get("optional-dependencies") or {}).values():
        names += [REQ_RE.match(str(s)).group("name") for s in group if REQ_RE.match(str(s))]
    for group in (data.get("dependency-groups") or {}).values():
        names += [REQ_RE.match(str(s)).group("name") for s in group if isinstance(s, str) and REQ_RE.match(s)]
    poetry = ((data.get("tool") or {}).get("poetry") or {})
    names += list(poetry.get("dependencies") or {}) + list(data.get("packages") or {})
    for pkg in names:
        yield "pypi", pkg, doc.find_line(pkg)


def _package_json(doc: Document) -> Iterator[tuple[str, str, int | None]]:
    data = doc.data[0] if doc.data and isinstance(doc.data[0], dict) else _json(doc.text)
    for field in ("dependencies", "devDependencies", "peerDependencies", "optionalDependencies"):
        deps = data.get(field)
        for pkg in deps if isinstance(deps, dict) else ():
            if not str(pkg).startswith("__"):
                yield "npm", pkg, doc.key_line(deps, pkg) or doc.find_line(f'"{pkg}"')


def _json(text: str) -> dict:
    try:
        data = json.loads(text)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _installs(doc: Document) -> Iterator[tuple[str, str, int]]:
    for n, line in code_lines(doc):
        for m in INSTALL_RE.finditer(line):
            eco = "npm" if re.search(r"\b(npm|yarn|pnpm|bun)\b", m.group(0)) else "go" if m.group(0).startswith("go") else "pypi"
            for arg in m.group("args").split():
                if not arg.startswith("-"):
                    yield eco, re.split(r"[<>=!~\[@]" if eco != "npm" else r"(?<!^)@", arg.strip("'\""))[0], n


def _imports(doc: Document, lang: str, py_roots: Iterable[str] | None = None) -> Iterator[tuple[str, str, int]]:
    bots = py_roots is None
    py_table = kb.data()["packages"]["python_imports"] if bots else list(py_roots or ())
    for n, line in code_lines(doc):
        if lang == "py" and (m := PY_IMPORT_RE.match(line)):
            mod = m.group("f") or m.group("i")
            if not bots and m.group("f") and (names := PY_FROM_NAMES_RE.match(line)):  # from google.cloud import bigquery
                mod = next((f"{mod}.{x}" for x in re.split(r"[\s,()]+", names.group(1))
                            if f"{mod}.{x}" in py_table), mod)
            root = next((k for k in py_table if mod == k or mod.startswith(k + ".")), None)
            if root or (bots and mod.split(".")[0] == "telegram"):
                yield "python_imports", root or "telegram.ext", n
        elif lang == "js" and (m := JS_IMPORT_RE.search(line)):
            yield "npm", m.group("m"), n
        elif lang == "go" and (m := GO_IMPORT_RE.match(line)):
            yield "go", m.group("m"), n


@extractor("config", "shell", "template")
def from_images(doc: Document, ws: Workspace) -> Iterator[Channel]:
    """Dockerfile/Containerfile base images of known notifier bots."""
    name = PurePosixPath(doc.rel).name.lower()
    if not (name.startswith(("dockerfile", "containerfile")) or name.endswith(".dockerfile")):
        return
    for n, line in code_lines(doc):
        m = re.match(r"^\s*FROM\s+(?:--\S+\s+)*(?P<image>\S+)", line, re.I)
        mid = kb.notifier_image(m.group("image")) if m else None
        if mid:
            yield _ch(mid, n, "image", f"notifier image {m.group('image')}", doc, resource=f"image.{m.group('image')}")


@extractor("config")
def unit_channels(doc: Document, ws: Workspace) -> Iterator[Channel]:
    """systemd units that run a messenger notifier: ExecStart*/OnFailure/OnSuccess named after one; and units
    that start another unit of the scanned tree which runs one (a timer's Unit= or same-name service, an
    OnFailure=/OnSuccess= handler or template unit), reported where they point, with the chain."""
    if "[Unit]" not in doc.text and "[Service]" not in doc.text and "[Timer]" not in doc.text:
        return
    named = set()
    for n, key, base, mid in _unit_named(code_lines(doc)):
        named.add(n)
        yield _ch(mid, n, "unit", f"{key} runs {base}", doc, resource=f"unit.{key}")
    sc = resolve.current()
    for n, line in code_lines(doc) if sc is not None else ():
        key, _, value = line.strip().partition("=")
        script = _exec_script(value, sc) if key.strip().startswith("Exec") and n not in named else None
        if script:
            mid, what, origin = script
            yield Channel(service=mid, line=n, how="unit-script", resource=f"unit.{key.strip()}",
                          chain=[origin, Origin(doc.rel, n, f"{key.strip()} runs {what}")])
    yield from _unit_links(doc)


def _unit_named(lines: Iterable[tuple[int, str]]) -> Iterator[tuple[int, str, str, str]]:
    """(line, key, name, messenger) for Exec*/OnFailure/OnSuccess entries named after a messenger."""
    for n, line in lines:
        key, _, value = line.strip().partition("=")
        if key.strip() not in UNIT_KEYS or not value.strip():
            continue
        for word in value.split()[:1] if key.startswith("Exec") else value.split():
            base = re.split(r"[/\\]", word.lstrip("-@+!:"))[-1].split("@")[0]
            mid = messengers.messenger_in_words(messengers.words(base))
            if mid:
                yield n, key.strip(), base, mid


def _unit_notifier(text: str, sc: Any = None) -> tuple[int, str, str, list[Origin]] | None:
    """(line, messenger, what) of the first place a unit file runs a messenger notifier: an Exec*/handler named
    after one, an Exec* command line that addresses one (endpoint, router URL, Bot API path, an HTTP call to a
    messenger-named variable) or starts a known notifier image."""
    lines = [(n, ln) for n, ln in enumerate(text.splitlines(), 1) if ln.strip() and not ln.lstrip().startswith(("#", ";"))]
    for n, key, base, mid in _unit_named(lines):
        return n, mid, f"{key} runs {base}", []
    for n, line in lines:
        key, _, value = line.strip().partition("=")
        if not key.strip().startswith("Exec"):
            continue
        hit = _command_notifier(value)
        if hit:
            return n, hit[0], f"{key.strip()} {hit[1]}", []
        script = _exec_script(value, sc) if sc is not None else None
        if script:
            return n, script[0], f"{key.strip()} runs {script[1]}", [script[2]]
    return None


def _command_notifier(command: str) -> tuple[str, str] | None:
    """(messenger, what) when a command line addresses a messenger: endpoint, router URL or Bot API path, an HTTP
    call to a messenger-named variable, a known notifier image it starts."""
    hit = next(_in_value(command), None)
    if hit:
        return hit[0], f"addresses {hit[2][:60]}"
    mid = kb.http_call_to_messenger(command)
    if mid:
        return mid, "posts to a messenger URL held in a variable"
    for image in kb.container_run_images(command):
        mid = kb.notifier_image(image)
        if mid:
            return mid, f"runs notifier image {image}"
    return None


SCRIPT_SUFFIXES = (".sh", ".bash", ".py", ".js", ".mjs", ".rb", ".pl", ".ps1")


def _exec_script(command: str, sc: Any) -> tuple[str, str, Origin] | None:
    """(messenger, what, origin) when a unit's command runs a script of the scanned tree (found by its file name,
    when exactly one file has it) that sends to a messenger: ExecStart=/usr/local/bin/report.sh deployed from
    roles/x/files/report.sh."""
    by_name = _docs_by_name(sc)
    for word in command.split()[:8]:
        w = word.lstrip("-@+!:").strip("'\"")
        name = PurePosixPath(w).name
        if not name or ("/" not in w and not name.endswith(SCRIPT_SUFFIXES)):
            continue
        found = by_name.get(name, [])
        if len(found) != 1 or found[0].kind.value not in ("shell", "source", "config", "template"):
            continue
        sc.depend(found[0].path)
        for n, line in code_lines(found[0]):
            hit = _command_notifier(line) or _import_notifier(line)
            if hit:
                return hit[0], f"{name}, which {hit[1]}", resolve.origin(found[0].path, n, hit[1], sc)
    return None


def _docs_by_name(sc: Any) -> dict[str, list[Document]]:
    """The run's documents by file name (built once per run)."""
    if sc is None or sc.ws is None:
        return {}
    key = ("docs-by-name",)
    if key not in sc.shared:
        index: dict[str, list[Document]] = {}
        for d in sc.ws:
            index.setdefault(PurePosixPath(d.rel).name, []).append(d)
        sc.shared[key] = index
    return sc.shared[key]


def _import_notifier(line: str) -> tuple[str, str] | None:
    m = PY_IMPORT_RE.match(line)
    mod = (m.group("f") or m.group("i")) if m else None
    table = kb.data()["packages"]["python_imports"]
    root = next((k for k in table if mod == k or mod.startswith(k + ".")), None) if mod else None
    return (table[root], f"imports {mod}") if root else None


def _unit_links(doc: Document) -> Iterator[Channel]:
    """Units this one starts (timer Unit=, or the same-name .service of a timer; OnFailure=/OnSuccess=) whose file
    is in the scanned tree and runs a notifier not already named in this unit."""
    sc = resolve.current()
    if sc is None:
        return
    links: list[tuple[int | None, str, str]] = []
    timer = "[Timer]" in doc.text
    for n, line in code_lines(doc):
        key, _, value = line.strip().partition("=")
        key = key.strip()
        if (key == "Unit" and timer) or key in ("OnFailure", "OnSuccess"):
            links += [(n, key, unit) for unit in value.split() if "." in unit]
    if timer and not any(k == "Unit" for _, k, _ in links):
        links.append((doc.find_line("[Timer]"), "timer", PurePosixPath(doc.rel).stem + ".service"))
    for n, key, unit in links:
        named = messengers.messenger_in_words(messengers.words(unit.split("@")[0].rsplit(".", 1)[0]))
        if named and key in ("OnFailure", "OnSuccess"):
            continue  # named after the messenger: reported as written (_unit_named)
        found = _unit_file(doc, unit, sc)
        hit = _unit_notifier(found[1], sc) if found else None
        if named and not hit:
            yield _ch(named, n, "unit", f"timer starts {unit}", doc, resource=f"unit.{unit}")
        elif hit:
            at, mid, what, deeper = hit
            via = f"{key}={unit}" if key != "timer" else f"timer starts {unit}"
            yield Channel(service=mid, line=n, how="unit-chain", resource=f"unit.{unit}",
                          chain=deeper + [resolve.origin(found[0], at, what, sc),
                                          Origin(doc.rel, n, f"{via}, whose {what}")])


def _unit_file(doc: Document, unit: str, sc: Any) -> tuple[Any, str] | None:
    """The file of a unit name (foo.service, or the template foo@.service of foo@%n.service): next to the unit
    that names it, else anywhere in the scanned tree."""
    names = [unit] + ([re.sub(r"@[^.]*\.", "@.", unit)] if "@" in unit else [])
    if unit == PurePosixPath(doc.rel).name:
        return None
    for name in names:
        for path in sc.listdir(doc.path.parent):
            if path.name == name:
                text = sc.read_text(path)
                if text is not None:
                    return path, text
        for other in (sc.ws or ()):
            if PurePosixPath(other.rel).name == name:
                sc.depend(other.path)
                return other.path, other.text
    return None


@extractor("any")
def run_command_channels(doc: Document, ws: Workspace) -> Iterator[Channel]:
    """Known notifier images started by a container run command (docker/podman/nerdctl run or create, kubectl
    run --image=) in a script, Makefile, CI step, Ansible shell/command task or systemd ExecStart."""
    for line, end, text in _commands(doc):
        images = list(kb.container_run_images(text))
        if not doc.structured and (m := IMAGE_LINE_RE.match(text)):
            images.append(m.group("image"))  # `image = "..."` of an HCL job (Nomad) or an unparsed template
        if not doc.structured and (m := QUADLET_IMAGE_RE.match(text)) and "[Container]" in doc.text:
            images.append(m.group("image"))  # Podman Quadlet .container unit
        for image in images:
            at = doc.find_line(image, line, end) or line
            for ref, chain in _image_values(image, doc):
                mid = kb.notifier_image(ref)
                if mid:
                    note = f"runs notifier image {ref}" + (f" (resolved from {image})" if chain else "")
                    yield Channel(service=mid, line=at, how="run-image", resource=f"image.{ref}", endpoint=ref,
                                  chain=chain + [Origin(doc.rel, at, note)])
                    break


def _commands(doc: Document) -> Iterator[tuple[int, int, str]]:
    """Values to read as commands; in a text file, lines continued with a trailing backslash are joined."""
    if doc.structured and doc.scalars:
        yield from value_texts(doc)
        return
    held: list[str] = []
    first = 0
    for n, _end, line in value_texts(doc):
        if not held:
            first = n
        held.append(line)
        if not line.rstrip().endswith("\\"):
            yield first, n, "\n".join(held)
            held = []
    if held:
        yield first, first + len(held), "\n".join(held)


ALERTA_PLUGINS_RE = re.compile(r"""(?<![\w.$-])["']?PLUGINS["']?\s*[=:]\s*(?P<v>\[[^\]]*\]?|["']?[\w, -]+)""")


@extractor("any")
def plugin_list_channels(doc: Document, ws: Workspace) -> Iterator[Channel]:
    """Alerta's PLUGINS setting (alertad.conf, or the container's PLUGINS variable) naming a messenger plugin."""
    if "PLUGINS" not in doc.text:
        return
    table = kb.data().get("alerta_plugins") or {}
    found: list[tuple[int, str]] = []
    if doc.structured and doc.scalars:
        found += [(s.line, s.value) for s in doc.scalars if not s.is_key and s.key == "PLUGINS"]
    for line, end, text in value_texts(doc):
        found += [(doc.find_line(m.group(0)[:20], line, end) or line, m.group("v")) for m in ALERTA_PLUGINS_RE.finditer(text)]
    seen: set[tuple[int, str]] = set()
    for line, value in found:
        for name in re.split(r"[\s,\[\]'\"]+", value):
            mid = table.get(name.strip().lower())
            if mid and (line, mid) not in seen:
                seen.add((line, mid))
                yield _ch(mid, line, "plugin", f"Alerta plugin {name.strip()} enabled in PLUGINS", doc,
                          resource=f"plugin.{name.strip()}")


@extractor("yaml", "json", "kubernetes", "compose", "ansible", "template")
def embedded_json_channels(doc: Document, ws: Workspace) -> Iterator[Channel]:
    """Typed notification objects kept as JSON strings (an Uptime Kuma backup's notificationList[].config)."""
    if not doc.structured or '\\"type\\"' not in doc.text and '"type"' not in doc.text:
        return
    for s in doc.scalars:
        v = s.value.strip() if not s.is_key else ""
        if v.startswith("{") and '"type"' in v and len(v) < 65536:
            obj = _json(v)
            if obj:
                yield from _typed_notifier(doc, obj, s.line, f"{s.key or 'value'} holds a ")
