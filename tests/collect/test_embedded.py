"""Embedded documents: found in block scalars, base64 Secret data and heredocs, with outer line numbers."""

from __future__ import annotations

import base64
from pathlib import Path

from sovstack.collect import embedded, yamlload
from sovstack.collect.document import Document
from sovstack.models import Kind

AM = "route:\n  receiver: a\nreceivers:\n  - name: a\n    slack_configs:\n      - channel: '#x'\n"


def _yaml_doc(text: str) -> Document:
    loaded = yamlload.load(text)
    return Document(Path("x.yaml"), "x.yaml", Kind.KUBERNETES, text, loaded.docs, loaded.scalars, loaded.key_lines, True)


def test_block_scalar_keeps_outer_lines():
    body = "".join(f"    {ln}\n" for ln in AM.splitlines())
    doc = _yaml_doc(f"apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: am\ndata:\n  alertmanager.yml: |\n{body}")
    [sub] = list(embedded.documents(doc))
    assert sub.doc.kind is Kind.ALERTMANAGER and not sub.fixed_line
    assert sub.doc.key_lines  # parsed with padding: receivers sit on the outer file's lines
    assert sub.doc.find_line("slack_configs") == 11


def test_base64_secret_data_reported_at_the_key():
    b64 = base64.b64encode(AM.encode()).decode()
    doc = _yaml_doc(f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: alertmanager-main\ndata:\n  alertmanager.yaml: {b64}\n")
    [sub] = list(embedded.documents(doc))
    assert (sub.line, sub.fixed_line, sub.doc.kind) == (6, True, Kind.ALERTMANAGER)


def test_heredoc_in_a_script_and_plain_strings_ignored():
    text = "#!/bin/sh\ncat > am.yml <<'EOF'\n" + AM + "EOF\necho 'route: x'\n"
    doc = Document(Path("i.sh"), "i.sh", Kind.SHELL, text)
    [sub] = list(embedded.documents(doc))
    assert sub.where == "heredoc EOF" and sub.doc.find_line("slack_configs") == 7
    assert list(embedded.documents(_yaml_doc("a: |\n  just: text\n  more: words\n"))) == []
