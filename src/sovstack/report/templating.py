"""Shared by the auditor formats (HTML, PDF, Markdown): jinja2 environments, the RU/EN labels and filters."""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

import jinja2
import yaml
from markupsafe import Markup

from sovstack.redact import redact

LANGS = ("ru", "en")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")  # what can start markup inside a line or a table cell


@lru_cache(maxsize=1)
def _all_labels() -> dict[str, dict[str, Any]]:
    text = jinja2.PackageLoader("sovstack", "templates").get_source(jinja2.Environment(), "labels.yaml")[0]
    return yaml.load(text, Loader=yaml.CSafeLoader)


def labels(lang: str) -> dict[str, Any]:
    return _all_labels()["ru" if lang == "ru" else "en"]


def when(stamp: str | None) -> str:
    """An ISO time as 'YYYY-MM-DD HH:MM:SS ±HH:MM' (as given when it does not parse)."""
    if not stamp:
        return "—"
    try:
        parsed = dt.datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return parsed.isoformat(sep=" ", timespec="seconds").replace("+00:00", " UTC")


def md(text: object) -> str:
    """Escapes Markdown (and the HTML GitLab/GitHub render in it) so a value shows as typed, on one line."""
    flat = " ".join(str(text).split()).replace("&", "&amp;")
    return _MD_SPECIAL.sub(r"\\\1", flat)


def md_code(text: object) -> str:
    """Inline code that survives backticks in the value."""
    flat = " ".join(str(text).split()).replace("|", "\\|")
    fence = "``" if "`" in flat else "`"
    return f"{fence} {flat} {fence}" if fence == "``" else f"`{flat}`"


def _masked(value: object) -> object:
    """Every value a template prints passes here: secrets stay masked whatever field they hide in."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return redact(value)
    return value


def _environment(autoescape: bool) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("sovstack", "templates"), autoescape=autoescape,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                             keep_trailing_newline=True, finalize=_masked)
    env.filters.update(when=when, md=md, md_code=md_code)
    return env


@lru_cache(maxsize=1)
def html_env() -> jinja2.Environment:
    return _environment(autoescape=True)


@lru_cache(maxsize=1)
def markdown_env() -> jinja2.Environment:
    return _environment(autoescape=False)


@lru_cache(maxsize=1)
def stylesheet() -> Markup:
    """The report's CSS, inlined into the page (the page loads nothing)."""
    return Markup(jinja2.PackageLoader("sovstack", "templates").get_source(jinja2.Environment(), "report.css")[0])
