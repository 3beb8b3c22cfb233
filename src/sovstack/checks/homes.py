"""The checks of the policy homes: loading a home's check file, and what its code says about the policy."""

from __future__ import annotations

import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from sovstack.catalogue import check_file

CHECKOV = "checkov"
NATIVE = "native"


@dataclass(frozen=True)
class Derived:
    """Catalogue facts that come from a check's code, not from its metadata."""

    engine: str  # "checkov" (a checkov custom check, also run by checkov) or "native" (what checkov lacks)
    inputs: tuple[str, ...]  # the document kinds the check reads ("any" for all)


def module_name(path: Path) -> str:
    return f"sovstack_policy_{path.stem}"


def exec_check(path: Path) -> ModuleType:
    """Runs a check file as a fresh module (its check registers itself); errors propagate to the caller."""
    name = module_name(path)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"{path} is not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def from_home(entry: str) -> Any:
    """The check behind a checkov entry file (policies/checkov/<framework>/SOV_X_NNN.py): the one in its home,
    policies/SOV-X-NNN/. checkov loads the entry folder once per framework; the home is executed once."""
    entry_path = Path(entry).resolve()
    path = check_file(entry_path.parents[2] / entry_path.stem.replace("_", "-"))
    loaded = sys.modules.get(module_name(path))
    if loaded is not None and Path(getattr(loaded, "__file__", "")) == path and hasattr(loaded, "check"):
        return loaded.check
    return exec_check(path).check


def derive(check: Any) -> Derived:
    """Engine from the base class, inputs from the class's kinds (a checkov check's kinds are its framework)."""
    from sovstack.checks.base import NativeCheck

    engine = NATIVE if isinstance(check, NativeCheck) else CHECKOV
    return Derived(engine, tuple(check.kinds))


def describe(home: Path) -> Derived:
    """What one policy's code says about it (loads its check)."""
    return derive(exec_check(check_file(home)).check)
