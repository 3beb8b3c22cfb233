"""PDF report for auditors: the HTML report's page printed by WeasyPrint, which may fetch nothing from anywhere."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sovstack.extras import require
from sovstack.report import html_format

if TYPE_CHECKING:
    from sovstack.catalogue import Catalogue
    from sovstack.models import Result


class FetchRefused(RuntimeError):
    """The page asked for a resource by URL; the PDF is not made."""


def render(result: Result, catalogue: Catalogue, lang: str = "ru") -> bytes:
    return to_pdf(html_format.render(result, catalogue, lang))


def to_pdf(html: str) -> bytes:
    weasyprint = require("pdf")  # loads pango/cairo; only the PDF format needs it
    from weasyprint.urls import FatalURLFetchingError, URLFetcher  # noqa: PLC0415

    class Offline(URLFetcher):
        """Inline data: URLs only; any other URL stops the rendering instead of being fetched."""

        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            raise FatalURLFetchingError(f"the report may load nothing from outside, refused: {url}")

    try:
        return weasyprint.HTML(string=html, base_url=None, url_fetcher=Offline(allowed_protocols={"data"})).write_pdf()
    except FatalURLFetchingError as exc:  # a BaseException in WeasyPrint: made an ordinary error here
        raise FetchRefused(str(exc)) from None
