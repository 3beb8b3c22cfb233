"""Channel facts from CI pipeline code: Jenkins pipeline steps of messenger plugins (`slackSend`, `telegramSend`,
`office365ConnectorSend`, …) called in a Jenkinsfile, a shared library or Job DSL, and the plugins' publisher
classes in job `config.xml`. The step and class names are catalogue data (policies/data/channels.yaml)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

from sovstack.checks.walk import code_lines
from sovstack.collect.document import Document
from sovstack.facts import Channel, Origin, Workspace, extractor
from sovstack.rules import channels as kb


@lru_cache(maxsize=1)
def _step_re() -> re.Pattern[str] | None:
    steps = kb.data().get("pipeline_steps") or {}
    if not steps:
        return None
    names = "|".join(sorted(map(re.escape, steps), key=len, reverse=True))
    # a call: `slackSend(...)`, `slackSend channel: ...`, `slackSend message: "x"` - not a word in prose
    return re.compile(rf"(?<![\w.$])(?P<step>{names})\s*(?:\(|(?=[A-Za-z_]\w*\s*:)|['\"])")


@lru_cache(maxsize=1)
def _class_re() -> re.Pattern[str] | None:
    classes = kb.data().get("pipeline_plugin_classes") or {}
    if not classes:
        return None
    # the opening element or a class reference, not the closing tag of the same element
    return re.compile("(?<!</)(?:" + "|".join(rf"(?P<c{i}>{re.escape(c)}[A-Z]\w*)" for i, c in enumerate(classes)) + ")")


@extractor("config", "source", "template", "shell", "yaml", "json")
def pipeline_channels(doc: Document, ws: Workspace) -> Iterator[Channel]:
    text = doc.text or ""
    steps, classes = kb.data().get("pipeline_steps") or {}, list((kb.data().get("pipeline_plugin_classes") or {}).items())
    if not any(s in text for s in steps) and not any(c for c, _m in classes if c in text):
        return
    step_re, class_re = _step_re(), _class_re()
    for n, line in code_lines(doc):
        for m in step_re.finditer(line) if step_re else ():
            mid = steps[m.group("step")]
            yield Channel(service=mid, line=n, how="ci-step", resource=f"step.{m.group('step')}",
                          chain=[Origin(doc.rel, n, f"pipeline step {m.group('step')}")])
        for m in class_re.finditer(line) if class_re else ():
            i = int(next(k for k, v in m.groupdict().items() if v)[1:])
            yield Channel(service=classes[i][1], line=n, how="ci-plugin", resource=f"plugin.{m.group(0)}",
                          chain=[Origin(doc.rel, n, f"CI plugin {m.group(0)}")])
