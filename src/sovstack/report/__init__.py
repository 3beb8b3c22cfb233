"""Report: one module per output format behind one small interface, render(result, catalogue, lang) -> str."""

from __future__ import annotations

import importlib
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sovstack.catalogue import Catalogue
    from sovstack.models import Result


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    SARIF = "sarif"
    JUNIT = "junit"
    GITLAB = "gitlab"
    HTML = "html"  # the auditor's report (Russian unless --lang en)
    PDF = "pdf"  # the same page printed; bytes
    MARKDOWN = "markdown"  # summary for merge-request comments

    @property
    def default_lang(self) -> str:
        """The auditor formats are Russian by default, the machine and terminal ones English."""
        return "ru" if self in (Format.HTML, Format.PDF, Format.MARKDOWN) else "en"

    @property
    def binary(self) -> bool:
        return self is Format.PDF

    def render(self, result: Result, catalogue: Catalogue, lang: str = "en") -> str | bytes:
        """Every format renders a masked copy: a credential in any field (an input error, a resource name, a
        result read back from an older run) never reaches a report."""
        from sovstack.redact import redact_model

        module = importlib.import_module(f"sovstack.report.{self.value}_format")
        return module.render(redact_model(result), catalogue, lang)
