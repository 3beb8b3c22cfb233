"""Channel facts of Ansible tasks and handlers: messenger notification modules (SOV-MSG-001), HTTP or command
tasks that call a messenger API (SOV-MSG-002), tasks that install a messenger notifier (SOV-MSG-003).

Written per task (checkov hands its Ansible checks one task at a time); each also runs over every task of a
document, found the way the engine finds them."""

from __future__ import annotations

from typing import Any, Iterator

from sovstack.checks.engine import iter_tasks, task_module
from sovstack.collect.document import Document
from sovstack.facts import Channel, Locate, node_extractor
from sovstack.rules import messengers

MODULE = "ansible-module"
CALL = "ansible-api-call"
INSTALL = "ansible-notifier-install"
HOWS = frozenset({MODULE, CALL, INSTALL})

HTTP = ["uri", "get_url", "win_uri", "win_get_url"]
COMMANDS = ["shell", "command", "raw", "script", "win_shell", "win_command"]
CALL_PREFIXES = ["", "ansible.builtin.", "ansible.legacy.", "ansible.windows."]
CALL_MODULES = [p + m for p in CALL_PREFIXES for m in HTTP + COMMANDS]
CALLERS = ("curl", "wget", "http", "invoke-restmethod", "invoke-webrequest", "requests.", "fetch(")

FILES = ["copy", "template", "get_url", "file", "unarchive", "lineinfile", "blockinfile", "cron",
         "systemd", "systemd_service", "service", "pip", "apt", "package", "yum", "dnf", "npm"]
INSTALL_PREFIXES = ["", "ansible.builtin.", "ansible.legacy.", "community.general."]
INSTALL_MODULES = [p + m for p in INSTALL_PREFIXES for m in FILES]
FIELDS = ("src", "dest", "path", "name", "job", "pkg")


def tasks(doc: Document) -> Iterator[tuple[dict[str, Any], str]]:
    """(task, module) of every task and handler, as the engine hands them to the Ansible checks: tasks live in
    lists (playbooks, task files); a mapping at the root is a variables file, its keys are never modules."""
    for task in iter_tasks([d for d in doc.data if isinstance(d, list)]):
        module = task_module(task)
        if module:
            yield task, module


def _name(task: dict[str, Any]) -> str:
    return task.get("name") or "unnamed"


def _where(task: dict[str, Any]) -> dict[str, Any]:
    return dict(start=task.get("__startline__"), end=task.get("__endline__"))


@node_extractor("ansible", nodes=tasks, hows={MODULE})
def module_channels(task: dict[str, Any], module: str, locate: Locate) -> Iterator[Channel]:
    """A task whose module is a messenger's notification module (community.general.telegram, slack, ...)."""
    mid = messengers.messenger_for_module(module)
    if mid:
        yield Channel(service=mid, how=MODULE, line=locate(needle=f"{module}:", **_where(task)),
                      resource=f"tasks.{module}.{_name(task)}",
                      message=f"task {_name(task)!r} notifies through {messengers.label(mid)} with module {module}")


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            if not str(k).startswith("__"):
                yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


@node_extractor("ansible", nodes=tasks, hows={CALL})
def call_channels(task: dict[str, Any], module: str, locate: Locate) -> Iterator[Channel]:
    """An HTTP (uri, get_url) or command task (shell: curl ...) that calls a messenger API: its first URL or
    command naming a messenger endpoint, or a messenger-named variable used as the URL of a call."""
    if module not in CALL_MODULES:
        return
    args = task.get(module)
    is_http = module.rsplit(".", 1)[-1] in HTTP
    values = [args.get("url")] if is_http and isinstance(args, dict) else list(_strings(args))
    values += list(_strings(task.get("args"))) if isinstance(task.get("args"), dict) else []
    name, resource = _name(task), f"tasks.{module}.{_name(task)}"
    for value in filter(None, values):
        hit = next(messengers.find_endpoints(value), None)
        if hit:
            yield Channel(service=hit.messenger, how=CALL, endpoint=hit.matched, resource=resource,
                          line=locate(needle=hit.matched, **_where(task)),
                          message=f"task {name!r} calls the {messengers.label(hit.messenger)} API ({hit.matched})")
            return
        mid = messengers.messenger_for_reference(value)
        if mid and (is_http or any(c in value.lower() for c in CALLERS)):
            var = next(v for v in messengers.variable_refs(value) if messengers.messenger_for_identifier(v))
            yield Channel(service=mid, how=CALL, credential_ref=var, resource=resource,
                          line=locate(needle=var, **_where(task)),
                          message=f"task {name!r} sends to {messengers.label(mid)}: its URL comes from variable {var}")
            return


@node_extractor("ansible", nodes=tasks, hows={INSTALL})
def install_channels(task: dict[str, Any], module: str, locate: Locate) -> Iterator[Channel]:
    """A file, unit, cron or package task that puts a messenger notifier (telegram-send, slack-notify.sh...) in
    place: the first messenger notifier name among its paths, package names and loop items."""
    if module not in INSTALL_MODULES:
        return
    args = task.get(module)
    values: list[Any] = []
    if isinstance(args, dict):
        for field in FIELDS:
            v = args.get(field)
            values += v if isinstance(v, list) else [v]
    elif isinstance(args, str):
        values += args.split()
    for key, items in task.items():
        if key == "loop" or key.startswith("with_"):
            values += items if isinstance(items, list) else [items]
    name = _name(task)
    for value in values:
        if not isinstance(value, str):
            continue
        for part in value.replace("'", " ").replace('"', " ").replace("=", " ").split():
            part = part.rsplit("/", 1)[-1].rsplit("}", 1)[-1]
            mid = messengers.messenger_for_notifier_name(part)
            if mid:
                yield Channel(service=mid, how=INSTALL, resource=f"tasks.{module}.{name}",
                              line=locate(needle=part, **_where(task)),
                              message=f"task {name!r} installs the {messengers.label(mid)} notifier {part!r}")
                return
