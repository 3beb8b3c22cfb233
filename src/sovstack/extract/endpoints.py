"""Channel facts of messenger API endpoints written in any value, template, script or code line (SOV-MSG-007):
api.telegram.org, hooks.slack.com/services/..., discord.com/api/webhooks/... A host listed under a deny- or
block-list key (egress_guard_deny_hosts, blocked_domains) is what gets blocked, not a channel; in program source,
an address only compared with or told in an error or log message sends nothing."""

from __future__ import annotations

from typing import Iterator

from sovstack.checks.walk import value_texts
from sovstack.collect.document import Document
from sovstack.facts import Channel, Workspace, extractor
from sovstack.rules import messengers, sourcecode

URL = "url"
HOWS = frozenset({URL})


@extractor("any", hows=HOWS)
def endpoint_channels(doc: Document, ws: Workspace) -> Iterator[Channel]:
    """Every messenger API endpoint in the document's values (or code lines), on the line it is written."""
    for line, end, text in value_texts(doc, skip_blocklists=True):
        for ep in messengers.find_endpoints(text):
            if sourcecode.inert_use(doc, text, ep.matched):
                continue  # in program source, an address only compared with or told in a message
            at = doc.find_line(ep.matched, line, end) or line
            yield Channel(service=ep.messenger, how=URL, line=at, endpoint=ep.matched,
                          message=f"{messengers.label(ep.messenger)} API endpoint {ep.matched}")
