"""Text scanning helpers: comments and schema text are not configuration."""

from pathlib import Path

from sovstack.checks import walk
from sovstack.collect.document import Document
from sovstack.models import Kind


def test_code_lines_skip_template_comments_and_documentation():
    text = ("{{- /*\nSee https://api.telegram.org for the API\n*/ -}}\n{{/* https://hooks.slack.com */}}\n"
            "{# https://discord.com #}\nurl = https://real.example/hook\nschema text https://api.slack.com\n")
    doc = Document(Path("t.tpl"), "t.tpl", Kind.TEMPLATE, text, documentation=[(7, 8)])
    assert [n for n, _ in walk.code_lines(doc)] == [6]
