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

    def render(self, result: Result, catalogue: Catalogue, lang: str = "en") -> str:
        module = importlib.import_module(f"sovstack.report.{self.value}_format")
        return module.render(result, catalogue, lang)
