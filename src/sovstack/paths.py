"""Where the policy catalogue lives: --policies, $SOVSTACK_POLICIES, the installed package data, or the checkout's."""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
# The wheel maps the repository's policies/ folder to the package sovstack._catalogue (setup.py).
CATALOGUE_FOLDER = "_catalogue"


_active: Path | None = None  # the catalogue this process loaded (catalogue.load): its data/ is what the rules read


class CatalogueNotFound(Exception):
    """No catalogue at any of the places sovstack looks: a broken install, not a clean run."""


def policies_dir(explicit: str | os.PathLike[str] | None = None) -> Path:
    if explicit:
        return Path(explicit).resolve()
    env = os.environ.get("SOVSTACK_POLICIES")
    if env:
        return Path(env).resolve()
    return bundled_policies()


def bundled_policies() -> Path:
    """The catalogue shipped with the code: package data in a wheel, policies/ beside src/ in a checkout."""
    # Anchored at the regular package sovstack: files() of the namespace package itself gives no plain path.
    # Wheels install unzipped, so the package data are real files the engine can import checks from.
    packaged = Path(str(resources.files("sovstack"))) / CATALOGUE_FOLDER
    checkout = REPO_ROOT / "policies"
    for folder in (packaged, checkout):
        if (folder / "frameworks").is_dir():
            return folder
    raise CatalogueNotFound(
        f"the policy catalogue is missing from this installation (looked for {packaged} and {checkout}); "
        "reinstall sovstack, or give --policies DIR or SOVSTACK_POLICIES")


def activate(root: Path) -> None:
    """Called when a catalogue is loaded, so that the rules read the data of the same catalogue (--policies DIR
    with its own data/ included). What the rules derived from another catalogue's data is dropped."""
    global _active
    root = Path(root).resolve()
    if root != _active:
        _active = root
        _clear_rule_caches()


def _clear_rule_caches() -> None:
    """The rules cache what they read from data/ (lru_cache); redacting the command line fills some of them
    before the catalogue of --policies is loaded."""
    for name, module in list(sys.modules.items()):
        if name.startswith("sovstack.rules."):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def data_dir() -> Path:
    """data/ of the loaded catalogue, else of the default one."""
    return (_active or policies_dir()) / "data"
