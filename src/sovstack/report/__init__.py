"""Report: one module per output format behind one small interface, render(result, catalogue, lang) -> str."""

from __future__ import annotations

import importlib
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from sovstack.catalogue import Catalogue
    from sovstack.models import Result


class Format(StrEnum):
    TABLE = "table"
    JSON = "json"
    SARIF = "sarif"
    JUNIT = "junit"
    GITLAB = "gitlab"  # GitLab SAST (security report)
    CODEQUALITY = "codequality"  # GitLab Code Quality (merge-request widget, every tier)
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

    @property
    def located(self) -> bool:
        """Forge formats: their paths are relative to the repository root (see report.location)."""
        return self in (Format.SARIF, Format.GITLAB, Format.CODEQUALITY)

    def render(self, result: Result, catalogue: Catalogue, lang: str = "en",
               repo_root: Path | None = None, **view: object) -> str | bytes:
        """Every format renders a masked copy: a credential in any field (an input error, a resource name, a
        result read back from an older run) never reaches a report. repo_root: the repository the forge shows
        (--repo-root) for the located formats; by default the .git folder above the scan. view: the table's
        terminal options."""
        from sovstack.redact import redact_model

        module = importlib.import_module(f"sovstack.report.{self.value}_format")
        if self.located:
            return module.render(redact_model(result), catalogue, lang, repo_root=repo_root)
        if self is Format.TABLE:  # terminal options: width, colour, compact, quiet
            return module.render(redact_model(result), catalogue, lang, **view)
        return module.render(redact_model(result), catalogue, lang)
