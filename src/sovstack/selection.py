"""Policy selection (--policy / --skip-policy): by ID in any case, by glob (SOV-MSG-*) or by category; an unknown
name is an error with the nearest names ("did you mean")."""

from __future__ import annotations

import difflib
import fnmatch

from sovstack.catalogue import Catalogue
from sovstack.models import Category, Selection


class SelectionError(Exception):
    """A --policy or --skip-policy name matches no policy."""


def matching(catalogue: Catalogue, name: str) -> set[str]:
    """The policy IDs a name selects; raises SelectionError naming the closest candidates when none."""
    token = name.strip()
    upper = token.upper()
    if token.lower() in {c.value for c in Category}:
        return {pid for pid, m in catalogue.policies.items() if m.category.value == token.lower()}
    got = {pid for pid in catalogue.policies if fnmatch.fnmatchcase(pid, upper)}
    if got:
        return got
    names = sorted(catalogue.policies) + [c.value for c in Category]
    close = difflib.get_close_matches(upper, names, n=3, cutoff=0.6) + \
        difflib.get_close_matches(token.lower(), [c.value for c in Category], n=2, cutoff=0.6)
    hint = f"; did you mean {' or '.join(dict.fromkeys(close))}?" if close else \
        "; `sovstack policies list` shows the IDs (categories: " + ", ".join(c.value for c in Category) + ")"
    raise SelectionError(f"no policy matches {name!r}{hint}")


def select(catalogue: Catalogue, only: list[str], skip: list[str]) -> tuple[Catalogue, Selection | None]:
    """The catalogue narrowed to the chosen policies (all of them when nothing is given)."""
    if not only and not skip:
        return catalogue, None
    chosen = set(catalogue.policies) if not only else set().union(*(matching(catalogue, n) for n in only))
    chosen -= set().union(*(matching(catalogue, n) for n in skip)) if skip else set()
    if not chosen:
        raise SelectionError("the selection leaves no policy to run")
    narrowed = Catalogue(catalogue.root, {k: v for k, v in catalogue.policies.items() if k in chosen},
                         catalogue.frameworks, catalogue.citations)
    return narrowed, Selection(policies=sorted(chosen), left_out=sorted(set(catalogue.policies) - chosen))
