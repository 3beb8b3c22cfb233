"""HTML report for auditors: one self-contained page (Russian by default), printable; PDF renders the same page."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sovstack.report import audit
from sovstack.report.templating import html_env, labels, stylesheet

if TYPE_CHECKING:
    from sovstack.catalogue import Catalogue
    from sovstack.models import Result


def render(result: Result, catalogue: Catalogue, lang: str = "ru") -> str:
    view = audit.build(result, catalogue)
    return html_env().get_template("report.html.j2").render(a=view, t=labels(lang), lang=lang, css=stylesheet())
