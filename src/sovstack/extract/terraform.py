"""Channel facts of Terraform resources (SOV-MSG-010): a resource of a messenger's provider (slack_*,
telegram_*), a notifier block of a messenger (slack_config {...} of an alerting resource), or a notification
channel or contact point resource of a messenger type.

Written per resource (checkov hands its Terraform checks one resource at a time); it also runs over every
resource of a document, found the way the engine finds them."""

from __future__ import annotations

from typing import Any, Iterator

from sovstack.collect.document import Document
from sovstack.facts import Channel, Locate, node_extractor
from sovstack.rules import messengers
from sovstack.rules.placement import scalar

RESOURCE = "terraform-resource"  # a resource of a messenger's provider
BLOCK = "terraform-notifier-block"  # a messenger notifier block inside a resource
CONTACT_POINT = "terraform-contact-point"  # a notification channel / contact point of a messenger type
HOWS = frozenset({RESOURCE, BLOCK, CONTACT_POINT})


def resources(doc: Document) -> Iterator[tuple[Any, str]]:
    """(configuration, resource type) of every resource block of a Terraform file."""
    data = doc.data[0] if doc.data else {}
    for block in data.get("resource") or []:
        for rtype, named in block.items():
            for conf in (named or {}).values():
                if isinstance(conf, dict):
                    yield conf, rtype


@node_extractor("terraform", nodes=resources, hows=HOWS)
def resource_channels(conf: dict[str, Any], rtype: str, locate: Locate) -> Iterator[Channel]:
    """The first of: a messenger provider's resource type, a messenger notifier block, a messenger type."""
    where = dict(start=conf.get("__start_line__"), end=conf.get("__end_line__"))
    for prefix, mid in messengers.index("terraform_resource_prefixes").items():
        if rtype.startswith(prefix):
            yield Channel(service=mid, how=RESOURCE, resource=rtype, line=locate(needle=rtype, **where),
                          message=f"{rtype} manages {messengers.label(mid)}")
            return
    blocks = messengers.index("terraform_notifier_blocks")
    for key, value in conf.items():
        if key in blocks and isinstance(value, list) and value and isinstance(value[0], dict):
            mid = blocks[key]
            yield Channel(service=mid, how=BLOCK, resource=rtype, line=locate(needle=key, **where),
                          message=f"{rtype} sends notifications to {messengers.label(mid)} ({key} block)")
            return
    kind = scalar(conf.get("type"))
    grafana = messengers.index("grafana_types")
    if isinstance(kind, str) and kind.lower() in grafana and ("notif" in rtype or "contact" in rtype):
        mid = grafana[kind.lower()]
        yield Channel(service=mid, how=CONTACT_POINT, resource=rtype, line=locate(needle="type", **where),
                      message=f"{rtype} is a {messengers.label(mid)} notification channel")
