"""JSON report: the documented contract (schema_version, tool, summary, inputs, findings)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sovstack.catalogue import Catalogue
    from sovstack.models import Result


def render(result: Result, catalogue: Catalogue, lang: str = "en") -> str:
    return result.model_dump_json(indent=2, exclude_none=False) + "\n"
