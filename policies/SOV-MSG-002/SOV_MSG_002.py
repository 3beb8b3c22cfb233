"""SOV-MSG-002: Ansible HTTP or command task that calls a foreign messenger API."""

from sovstack.checks.base import Hit
from sovstack.checks.checkov_base import AnsibleTaskCheck
from sovstack.rules import messengers

HTTP = ["uri", "get_url", "win_uri", "win_get_url"]
COMMANDS = ["shell", "command", "raw", "script", "win_shell", "win_command"]
PREFIXES = ["", "ansible.builtin.", "ansible.legacy.", "ansible.windows."]
CALLERS = ("curl", "wget", "http", "invoke-restmethod", "invoke-webrequest", "requests.", "fetch(")


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            if not str(k).startswith("__"):
                yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


class ForeignMessengerApiCall(AnsibleTaskCheck):
    def __init__(self) -> None:
        super().__init__("SOV-MSG-002", [p + m for p in PREFIXES for m in HTTP + COMMANDS])

    def sov_evaluate(self, task, module):
        args = task.get(module)
        is_http = module.rsplit(".", 1)[-1] in HTTP
        values = [args.get("url")] if is_http and isinstance(args, dict) else list(_strings(args))
        values += list(_strings(task.get("args"))) if isinstance(task.get("args"), dict) else []
        name = task.get("name") or "unnamed"
        where = dict(start=task.get("__startline__"), end=task.get("__endline__"))
        for value in filter(None, values):
            hit = next(messengers.find_endpoints(value), None)
            if hit:
                return [Hit(f"task {name!r} calls the {messengers.label(hit.messenger)} API ({hit.matched})",
                            needle=hit.matched, **where)]
            mid = messengers.messenger_for_reference(value)
            if mid and (is_http or any(c in value.lower() for c in CALLERS)):
                var = next(v for v in messengers.variable_refs(value) if messengers.messenger_for_identifier(v))
                return [Hit(f"task {name!r} sends to {messengers.label(mid)}: its URL comes from variable {var}",
                            needle=var, **where)]
        return []


check = ForeignMessengerApiCall()
