"""Optional parts of sovstack (pip extras): import a heavy module only when used, or say which extra is missing."""

from __future__ import annotations

import importlib
from types import ModuleType

# What each extra brings, by the top-level module that shows it is installed.
EXTRAS = {"pdf": "weasyprint", "pulumi": "pulumi", "crossguard": "pulumi_policy", "checkov": "checkov",
          "hub": "fastapi"}
PURPOSE = {"pdf": "PDF reports", "pulumi": "offline plans of Pulumi programs",
           "crossguard": "the CrossGuard policy pack", "checkov": "running the policies under checkov",
           "hub": "the compliance hub"}


class MissingExtra(ImportError):
    """A feature needs an optional dependency that is not installed; the message says how to add it."""


def hint(extra: str) -> str:
    return (f"the sovstack[{extra}] extra is needed for {PURPOSE[extra]}: "
            f"`pipx inject sovstack 'sovstack[{extra}]'` or `pip install 'sovstack[{extra}]'`")


def require(extra: str, module: str | None = None) -> ModuleType:
    """Imports the module (default: the extra's own) or raises MissingExtra naming the extra."""
    name = module or EXTRAS[extra]
    try:
        return importlib.import_module(name)
    except ModuleNotFoundError as exc:
        if exc.name and name.split(".")[0] != exc.name.split(".")[0]:
            raise  # the extra is there but broken inside: show the real error
        raise MissingExtra(f"{hint(extra)} (module {name!r} is not installed)") from None
