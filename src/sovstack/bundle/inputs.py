"""The input files a check of a tree would read now, by the paths a result names them (for `verify --against`)."""

from __future__ import annotations

from pathlib import Path

from sovstack.bundle.manifest import file_label
from sovstack.collect import discover, parse


def current_inputs(roots: list[Path], excludes: list[str] | None = None, audit: bool = False) -> set[str]:
    """Files that discovery and parsing accept (or fail on: an unparsable file is an input too), labelled as
    bundle.manifest.input_labels labels them."""
    labels: set[str] = set()
    many = len(roots) > 1
    for root in roots:
        for item in discover.walk(root, excludes or [], audit):
            if isinstance(item, discover.NotEvaluated):
                continue
            if isinstance(item, discover.Candidate) and isinstance(parse.read(item), parse.Skipped):
                continue
            base = root.resolve() if isinstance(item, discover.DiscoveryError) else item.root
            labels.add(file_label(f"{base.name}/{item.rel}" if many else item.rel))
    return labels
