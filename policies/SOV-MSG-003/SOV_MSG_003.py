"""SOV-MSG-003: Ansible task that installs a foreign-messenger notifier (script, config, unit, package)."""

from sovstack.checks.base import Hit
from sovstack.checks.checkov_base import AnsibleTaskCheck
from sovstack.rules import messengers

FILES = ["copy", "template", "get_url", "file", "unarchive", "lineinfile", "blockinfile", "cron",
         "systemd", "systemd_service", "service", "pip", "apt", "package", "yum", "dnf", "npm"]
PREFIXES = ["", "ansible.builtin.", "ansible.legacy.", "community.general."]
FIELDS = ("src", "dest", "path", "name", "job", "pkg")


class ForeignMessengerNotifierInstall(AnsibleTaskCheck):
    def __init__(self) -> None:
        super().__init__("SOV-MSG-003", [p + m for p in PREFIXES for m in FILES])

    def sov_evaluate(self, task, module):
        args = task.get(module)
        values = []
        if isinstance(args, dict):
            for field in FIELDS:
                v = args.get(field)
                values += v if isinstance(v, list) else [v]
        elif isinstance(args, str):
            values += args.split()
        for key, items in task.items():
            if key == "loop" or key.startswith("with_"):
                values += items if isinstance(items, list) else [items]
        name = task.get("name") or "unnamed"
        for value in values:
            if not isinstance(value, str):
                continue
            for part in value.replace("'", " ").replace('"', " ").replace("=", " ").split():
                part = part.rsplit("/", 1)[-1].rsplit("}", 1)[-1]
                mid = messengers.messenger_for_notifier_name(part)
                if mid:
                    return [Hit(f"task {name!r} installs the {messengers.label(mid)} notifier {part!r}",
                                needle=part, start=task.get("__startline__"),
                                end=task.get("__endline__"))]
        return []


check = ForeignMessengerNotifierInstall()
