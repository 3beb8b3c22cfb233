"""Decides what kind of infrastructure file a path is, from its name, place and content."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from sovstack.models import Kind

YAML_EXT = (".yml", ".yaml")
TEMPLATE_EXT = (".j2", ".jinja", ".jinja2", ".tpl", ".tmpl", ".gotmpl", ".template", ".js")
ENV_NAMES = (".env", ".envrc")
SHELL_EXT = (".sh", ".bash", ".zsh", ".ksh", ".ps1", ".bat", ".cmd")
CONFIG_EXT = (".conf", ".cfg", ".ini", ".toml", ".properties", ".service", ".timer", ".xml", ".hcl", ".tfvars",
              ".nomad", ".cnf", ".txt.j2")
SOURCE_EXT = (".py", ".js", ".mjs", ".ts", ".go", ".rb", ".php", ".java", ".kt", ".cs", ".rs", ".lua", ".pl")
PROSE_EXT = (".md", ".rst", ".adoc", ".txt", ".html", ".htm", ".org", ".tex", ".csv", ".svg")
BINARY_EXT = (".png", ".jpg", ".jpeg", ".gif", ".ico", ".webp", ".pdf", ".zip", ".gz", ".tgz", ".bz2", ".xz",
              ".7z", ".tar", ".whl", ".so", ".dll", ".exe", ".pyc", ".class", ".jar", ".woff", ".woff2",
              ".ttf", ".otf", ".eot", ".mp3", ".mp4", ".wav", ".ogg", ".db", ".sqlite", ".iso", ".img",
              ".qcow2", ".gpg", ".p12", ".pfx", ".der", ".keystore",
              # data and model files (serialised objects, arrays, columnar data, compiled catalogs)
              ".pickle", ".pkl", ".npy", ".npz", ".parquet", ".h5", ".hdf5", ".onnx", ".pt", ".pth", ".pb",
              ".tflite", ".feather", ".arrow", ".avro", ".orc", ".mo", ".bson", ".msgpack", ".wasm", ".dylib",
              ".a", ".o", ".bmp", ".tif", ".tiff", ".psd", ".heic", ".avif", ".mov", ".avi", ".mkv", ".webm",
              ".flac", ".m4a", ".zst", ".lz4", ".rpm", ".deb", ".apk", ".dmg", ".msi", ".xls", ".xlsx", ".doc",
              ".docx", ".ppt", ".pptx", ".odt", ".ods", ".jks", ".kdbx")
# leading bytes of common binary formats: the evidence that a file is binary, whatever its name
MAGIC = ((b"\x89PNG\r\n\x1a\n", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"),
         (b"%PDF-", "PDF document"), (b"PK\x03\x04", "ZIP archive"), (b"\x1f\x8b", "gzip data"),
         (b"\x7fELF", "ELF executable"), (b"MZ", "Windows executable"), (b"BZh", "bzip2 data"),
         (b"\xfd7zXZ\x00", "xz data"), (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"), (b"SQLite format 3\x00", "SQLite database"),
         (b"\xca\xfe\xba\xbe", "Java class"), (b"wOFF", "WOFF font"), (b"wOF2", "WOFF2 font"),
         (b"\x00\x01\x00\x00\x00", "TrueType font"), (b"OTTO", "OpenType font"), (b"RIFF", "RIFF media"),
         (b"ID3", "MP3 audio"), (b"OggS", "Ogg media"), (b"\x00\x00\x00\x01Bud1", "macOS .DS_Store"),
         (b"\x00\x00\x01\x00", "ICO image"), (b"QFI\xfb", "QCOW image"))
SPECIFIC_KINDS = (Kind.ZABBIX, Kind.GRAFANA, Kind.ALERTMANAGER, Kind.PULUMI_STATE, Kind.COMPOSE, Kind.KUBERNETES,
                  Kind.ANSIBLE)
ANSIBLE_VAR_DIRS = ("group_vars", "host_vars")
ANSIBLE_ROLE_DIRS = ("tasks", "handlers", "defaults", "vars", "meta")
TEMPLATE_MARKERS = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
PLAY_KEYS = {"hosts", "import_playbook", "ansible.builtin.import_playbook"}
TASK_LISTS = ("tasks", "pre_tasks", "post_tasks", "handlers", "block", "rescue", "always")
COMMON_MODULES = {
    "apt", "yum", "dnf", "package", "copy", "template", "file", "service", "systemd", "command", "shell", "uri",
    "get_url", "lineinfile", "blockinfile", "user", "group", "git", "pip", "debug", "set_fact", "include_tasks",
    "import_tasks", "include_role", "import_role", "mail", "cron", "unarchive", "slurp", "fetch", "stat",
    "assert", "fail", "wait_for", "script", "raw", "telegram", "slack", "discord", "docker_container",
    "mysql_db", "postgresql_db", "ufw", "iptables", "replace", "synchronize", "sysctl", "mount", "flatpak",
}


def suffixes(name: str) -> list[str]:
    return [s.lower() for s in PurePosixPath(name).suffixes]


def by_name(rel: str) -> Kind | None:
    """A kind that the name alone decides, or None when content must decide."""
    p = PurePosixPath(rel)
    name = p.name.lower()
    if name.endswith(".tf"):
        return Kind.TERRAFORM
    if re.fullmatch(r"pulumi(\.[\w-]+)?\.ya?ml", name):
        return Kind.PULUMI_CONFIG
    if name.endswith(".py"):
        return Kind.SOURCE  # a Pulumi program is recognised from its imports
    if name in ENV_NAMES or name.endswith(".env") or name.startswith(".env."):
        return Kind.ENV
    if name.endswith(SHELL_EXT):
        return Kind.SHELL
    return None


def binary_magic(head: bytes, deep: bool = False) -> str | None:
    """The binary format whose magic number `head` starts with, if any. With deep, formats the short table does
    not know are looked up in puremagic's signature database (hundreds of formats: pickles, NumPy and Parquet
    files, fonts, archives...) - only asked for a file already known to hold NUL bytes."""
    found = next((what for magic, what in MAGIC if head.startswith(magic)), None)
    if found or not deep:
        return found
    import puremagic  # only for files with NUL bytes

    try:
        matches = puremagic.magic_string(head[:8192])
    except (puremagic.PureError, ValueError):
        return None
    # a binary signature: at least two bytes, not all NUL, with a byte outside printable text - text-like
    # signatures (`<?xml`, `{"`, `ID3`) would call a configuration file with a NUL byte in it a binary format
    best = next((m for m in matches if _binary_signature(getattr(m, "byte_match", b"") or b"")), None)
    return best.name if best is not None else None


def _binary_signature(sig: bytes) -> bool:
    return len(sig) >= 2 and sig.strip(b"\x00") != b"" and any(b < 9 or 13 < b < 32 or b > 126 for b in sig)


def ext(rel: str) -> str:
    """The file's last suffix, or its name when it has none (`.png`, `LICENSE`)."""
    p = PurePosixPath(rel)
    return p.suffix.lower() or p.name


def is_binary_name(rel: str) -> bool:
    return PurePosixPath(rel).name.lower().endswith(BINARY_EXT)


DEPENDENCY_LIST_RE = re.compile(r"(requirements|constraints)([-_.][\w.-]*)?\.(txt|in)")


def is_requirements(rel: str) -> bool:
    """A pip requirements or constraints list (requirements-dev.txt, requirements/base.txt, constraints.in)."""
    p = PurePosixPath(rel)
    return bool(DEPENDENCY_LIST_RE.fullmatch(p.name.lower())) or \
        (p.parent.name.lower() == "requirements" and p.suffix.lower() in (".txt", ".in"))


def is_prose_name(rel: str) -> bool:
    name = PurePosixPath(rel).name.lower()
    if is_requirements(rel):  # pip requirement lists are configuration (bot SDK dependencies)
        return False
    return name.endswith(PROSE_EXT) or name in {"license", "copying", "notice", "authors", "changelog"}


def template_name(rel: str) -> bool:
    """Named as a template (`.j2`, `.tpl`, ...): its text is a template by declaration, whatever it renders to."""
    return PurePosixPath(rel).name.lower().endswith(TEMPLATE_EXT)


def looks_templated(rel: str, text: str) -> bool:
    return template_name(rel) or "templates" in PurePosixPath(rel).parts or bool(TEMPLATE_MARKERS.search(text))


def has_markers(text: str) -> bool:
    return bool(TEMPLATE_MARKERS.search(text))


ENV_LINE = re.compile(r"^(?:export\s+)?[A-Z][A-Z0-9_]*=[^=]")


def text_shape(text: str) -> Kind | None:
    """SHELL for a script with a shebang, ENV for `NAME=value` lines: content that is configuration whatever
    the file's name."""
    if re.match(r"#!\s*/(?:usr/)?(?:bin/|bin/env\s+)(?:ba|z|k|da)?sh\b", text):
        return Kind.SHELL
    lines = [ln.strip() for ln in text.splitlines()[:200] if ln.strip() and not ln.lstrip().startswith("#")]
    if lines and all(ENV_LINE.match(ln) for ln in lines):
        return Kind.ENV
    return Kind.CONFIG if url_list(lines) else None


# A notification-router URL list (Apprise's TEXT configuration, https://github.com/caronc/apprise/wiki/config_text):
# `[tag[, tag] =] scheme://...` lines, `include <location>` lines and `group = tag, tag` assignments.
URL_LINE = re.compile(r"^(?:[ \t,\w:-]+=\s*)?(?P<scheme>[a-z][a-z0-9+]{1,15})://\S", re.I)
URL_LIST_OTHER = re.compile(r"^(?:include\s+\S+|[\w-]+\s*=\s*[\w, -]+)$", re.I)


def url_list(lines: list[str]) -> bool:
    """Lines (comments left out) that are only service URLs and their tags, with a router's marks: a tag before a
    URL, an `include`, or a notification-router scheme of the catalogue (tgram://, discord://). A list of links,
    or of mirrors (rsync://, git://), is not one."""
    from sovstack.rules.channels import router_scheme  # the catalogue's router schemes

    lines = [ln for ln in lines if not ln.startswith((";", "#"))]
    urls = [m for ln in lines if (m := URL_LINE.match(ln))]
    if not urls or len(urls) + sum(bool(URL_LIST_OTHER.match(ln)) for ln in lines) != len(lines):
        return False
    return any(m.group(0).split("://")[0].count("=") or router_scheme(m.group("scheme")) for m in urls) or \
        any(ln.lower().startswith("include ") for ln in lines)


def url_list_data(docs: list[Any]) -> bool:
    """Apprise's YAML configuration (https://github.com/caronc/apprise/wiki/config_yaml): a top-level `urls:` list
    of service URLs, each a string or a URL key holding its options."""
    first = next((d for d in docs if d is not None), None)
    items = first.get("urls") if isinstance(first, dict) else None
    if not isinstance(items, list) or not items:
        return False
    heads = []
    for item in items:
        keys = [k for k in item if not str(k).startswith("__")] if isinstance(item, dict) else [item]
        heads.append(str(keys[0]).strip() if len(keys) == 1 else "")
    return url_list(heads)


def yaml_candidate(rel: str, text: str) -> bool:
    sfx = suffixes(rel)
    if any(s in YAML_EXT for s in sfx):
        return True
    head = [ln for ln in text.splitlines()[:30] if ln.strip() and not ln.lstrip().startswith("#")]
    return bool(head) and all(re.match(r"^\s*(- |-$|[\w.\"'-]+:(\s|$)|\{\{|\{%|\s)", ln) for ln in head[:8]) \
        and any(re.match(r"^\s*(- )?[\w.\"'-]+:(\s|$)", ln) for ln in head[:8])


def _ansible_path(rel: str) -> bool:
    parts = PurePosixPath(rel).parts
    if any(d in parts for d in ANSIBLE_VAR_DIRS) or "playbooks" in parts:
        return True
    return "roles" in parts and any(d in parts for d in ANSIBLE_ROLE_DIRS)


def _is_task(item: Any) -> bool:
    if not isinstance(item, dict):
        return False
    keys = {k for k in item if not k.startswith("__")}
    if keys & set(TASK_LISTS) - {"tasks", "pre_tasks", "post_tasks", "handlers"}:
        return True
    return any("." in k and re.fullmatch(r"[a-z_0-9]+\.[a-z_0-9]+\.[a-z_0-9]+", k) for k in keys) or \
        bool(keys & COMMON_MODULES) or bool(keys & {"action", "local_action", "include", "import_tasks"})


def _is_play(item: Any) -> bool:
    return isinstance(item, dict) and bool(set(item) & PLAY_KEYS)


def _pulumi_export(top: dict[str, Any]) -> bool:
    """`pulumi stack export`: {"version": 3, "deployment": {"manifest": {...}, "resources": [{"urn": ...}]}}. A
    Helm values file's `deployment:` section (replicas, image, ...) is not one."""
    dep = top.get("deployment")
    if not isinstance(dep, dict):
        return False
    resources = dep.get("resources")
    urns = isinstance(resources, list) and bool(resources) and all(
        isinstance(r, dict) and str(r.get("urn", "")).startswith("urn:pulumi:") for r in resources)
    manifest = isinstance(dep.get("manifest"), dict) and isinstance(top.get("version"), int)
    return urns or (manifest and (resources is None or isinstance(resources, list)))


def by_content(rel: str, docs: list[Any]) -> Kind:
    """Kind of a parsed YAML/JSON stream."""
    first = next((d for d in docs if d is not None), None)
    if isinstance(first, dict):
        if "zabbix_export" in first:
            return Kind.ZABBIX
        if "contactPoints" in first or ("apiVersion" in first and ("notifiers" in first or "policies" in first)
                                        and "kind" not in first):
            return Kind.GRAFANA
        if isinstance(first.get("receivers"), list) and ("route" in first or "global" in first):
            return Kind.ALERTMANAGER
        if _pulumi_export(first) or ("steps" in first and ("changeSummary" in first or "config" in first)):
            return Kind.PULUMI_STATE
        if isinstance(first.get("services"), dict) and any(
                isinstance(s, dict) and ({"image", "build", "environment"} & set(s)) for s in first["services"].values()):
            return Kind.COMPOSE
    if any(isinstance(d, dict) and "apiVersion" in d and "kind" in d for d in docs):
        return Kind.KUBERNETES
    if isinstance(first, list) and first and (any(_is_play(i) for i in first) or
                                               sum(_is_task(i) for i in first) >= max(1, len(first) // 2)):
        return Kind.ANSIBLE
    if _ansible_path(rel):
        return Kind.ANSIBLE
    return Kind.JSON if rel.lower().endswith(".json") else Kind.YAML


def text_kind(rel: str) -> Kind:
    name = PurePosixPath(rel).name.lower()
    if name.endswith(SHELL_EXT):
        return Kind.SHELL
    if name.endswith(TEMPLATE_EXT[:-1]):
        return Kind.TEMPLATE
    if name.endswith(SOURCE_EXT):
        return Kind.SOURCE
    return Kind.CONFIG
