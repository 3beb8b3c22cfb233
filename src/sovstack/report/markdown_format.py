"""Markdown summary for merge-request comments: verdicts per region and requirement, then the first findings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sovstack.report import audit
from sovstack.report.templating import labels, markdown_env

if TYPE_CHECKING:
    from sovstack.catalogue import Catalogue
    from sovstack.models import Result

LIMIT = 25  # items per list: a comment stays readable and far below the hosts' size limits


def render(result: Result, catalogue: Catalogue, lang: str = "ru") -> str:
    view = audit.build(result, catalogue)
    text = markdown_env().get_template("summary.md.j2").render(a=view, t=labels(lang), lang=lang, limit=LIMIT)
    return "\n".join(line.rstrip() for line in text.splitlines()).strip() + "\n"
