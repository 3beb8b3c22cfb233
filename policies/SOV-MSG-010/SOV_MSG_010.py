"""SOV-MSG-010: Terraform resource that notifies through a foreign messenger."""

from sovstack.checks.base import Hit
from sovstack.checks.checkov_base import TerraformResourceCheck
from sovstack.rules import messengers
from sovstack.rules.placement import scalar


class TerraformForeignMessenger(TerraformResourceCheck):
    def __init__(self) -> None:
        super().__init__("SOV-MSG-010", ["*"])

    def sov_evaluate(self, conf, rtype):
        where = dict(start=conf.get("__start_line__"), end=conf.get("__end_line__"))
        prefixes = messengers.index("terraform_resource_prefixes")
        for prefix, mid in prefixes.items():
            if rtype.startswith(prefix):
                return [Hit(f"{rtype} manages {messengers.label(mid)}", needle=rtype, **where)]
        blocks = messengers.index("terraform_notifier_blocks")
        for key, value in conf.items():
            if key in blocks and isinstance(value, list) and value and isinstance(value[0], dict):
                mid = blocks[key]
                return [Hit(f"{rtype} sends notifications to {messengers.label(mid)} ({key} block)",
                            needle=key, **where)]
        kind = scalar(conf.get("type"))
        grafana = messengers.index("grafana_types")
        if isinstance(kind, str) and kind.lower() in grafana and ("notif" in rtype or "contact" in rtype):
            mid = grafana[kind.lower()]
            return [Hit(f"{rtype} is a {messengers.label(mid)} notification channel", needle="type", **where)]
        return []


check = TerraformForeignMessenger()
