"""The input files a check of a tree would read now, by the paths a result names them (for `verify --against`)."""

from __future__ import annotations

from pathlib import Path

from sovstack.collect import discover, parse


def current_inputs(roots: list[Path], excludes: list[str] | None = None) -> set[str]:
    """Files that discovery and parsing accept (or fail on: an unparsable file is an input too)."""
    labels: set[str] = set()
    many = len(roots) > 1
    for root in roots:
        for item in discover.walk(root, excludes or []):
            if isinstance(item, discover.DiscoveryError):
                labels.add(item.rel)
                continue
            if isinstance(parse.read(item), parse.Skipped):
                continue
            labels.add(f"{item.root.name}/{item.rel}" if many else item.rel)
    return labels
