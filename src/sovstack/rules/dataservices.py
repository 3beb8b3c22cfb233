"""Finds hosted data services abroad (storage, databases, log sinks) in free text."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterator

from sovstack.rules import knowledge
from sovstack.rules.messengers import URL_RE


@lru_cache(maxsize=1)
def _patterns() -> tuple[list[str], list[re.Pattern[str]]]:
    suffixes, regexes = [], []
    for entry in knowledge.locations().get("data_services") or []:
        if entry.startswith("re:"):
            regexes.append(re.compile(entry[3:], re.I))
        else:
            suffixes.append(entry.lower())
    return suffixes, regexes


@lru_cache(maxsize=1)
def _suffix_set() -> frozenset[str]:
    return frozenset(_patterns()[0])


def is_foreign_data_service(host: str) -> bool:
    host = host.lower().rstrip(".")
    suffixes = _suffix_set()
    labels = host.split(".")
    if any(".".join(labels[i:]) in suffixes for i in range(len(labels))):
        return True
    return any(r.search(host) for r in _patterns()[1])


def find(text: str) -> Iterator[tuple[str, str]]:
    """(matched text, host) for each foreign data-service endpoint in text."""
    if "." not in text:
        return
    for m in URL_RE.finditer(text):
        if is_foreign_data_service(m.group("host")):
            yield m.group(0), m.group("host").lower()


@lru_cache(maxsize=1)
def _software() -> tuple[list[re.Pattern[str]], list[str], list[re.Pattern[str]]]:
    table = knowledge.locations().get("software_sources") or {}
    return ([re.compile(p, re.I) for p in table.get("contexts") or []], [h.lower() for h in table.get("hosts") or []],
            [re.compile(p, re.I) for p in table.get("uploads") or []])


@lru_cache(maxsize=1)
def _software_shapes() -> tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]:
    table = knowledge.locations().get("software_sources") or {}
    never = "(?!)"
    return (re.compile(table.get("keys") or never, re.I), re.compile(table.get("paths") or never, re.I),
            re.compile(table.get("artifact_paths") or never, re.I))


def is_software_fetch(line: str, host: str | None = None, key: str | None = None, rel: str | None = None,
                      url_path: str | None = None) -> bool:
    """True for a value that fetches software (a chart repository, package mirror, registry, installer or image
    download): downloading software is not storing data (policies/data/locations.yaml software_sources)."""
    contexts, hosts, uploads = _software()
    if any(rx.search(line) for rx in uploads):
        return False
    if host and any(host == h or host.endswith("." + h) for h in hosts):
        return True
    keys, paths, artifacts = _software_shapes()
    if (key and keys.search(key)) or (rel and paths.search(rel)) or (url_path and artifacts.search(url_path)):
        return True
    return any(rx.search(line) for rx in contexts)


def find_urls(text: str) -> Iterator[tuple[str, str, str]]:
    """(matched text, host, path) for each foreign data-service endpoint in text."""
    if "." not in text:
        return
    for m in URL_RE.finditer(text):
        if is_foreign_data_service(m.group("host")):
            yield m.group(0), m.group("host").lower(), m.group("path") or ""
