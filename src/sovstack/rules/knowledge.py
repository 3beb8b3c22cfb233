"""Loads the catalogue's data files (messengers, locations, top-level domains, sites) once per process."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from sovstack.paths import CatalogueNotFound, data_dir


class DataError(Exception):
    """A data file of the catalogue is missing or malformed."""


def _read(name: str) -> dict[str, Any]:
    try:
        path = data_dir() / name
    except CatalogueNotFound as exc:
        raise DataError(str(exc)) from None
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except (OSError, yaml.YAMLError) as exc:
        raise DataError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise DataError(f"{path}: expected a mapping at the top level")
    return data


@lru_cache(maxsize=1)
def messengers() -> dict[str, Any]:
    return _read("messengers.yaml")


@lru_cache(maxsize=1)
def channels() -> dict[str, Any]:
    return _read("channels.yaml")


@lru_cache(maxsize=1)
def locations() -> dict[str, Any]:
    return _read("locations.yaml")


@lru_cache(maxsize=1)
def backups() -> dict[str, Any]:
    return _read("backups.yaml")


@lru_cache(maxsize=1)
def kubernetes() -> dict[str, Any]:
    return _read("kubernetes.yaml")


@lru_cache(maxsize=1)
def tlds() -> dict[str, Any]:
    return _read("tlds.yaml")


@lru_cache(maxsize=1)
def sites() -> list[dict[str, Any]]:
    return list(_read("sites.yaml").get("sites") or [])
