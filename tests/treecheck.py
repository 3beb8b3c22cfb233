"""Test helper shared by the rule and extractor tests (importable as `treecheck`: pytest puts tests/ on the path)."""

from __future__ import annotations

from pathlib import Path


def failed_by_file(tmp: Path, files: dict[str, str], catalogue, keep, what) -> dict[str, set]:
    """Writes files under tmp, checks the tree in-process and returns {file: {what(finding)}} of the failed
    findings keep(finding) selects."""
    from sovstack import runner
    from sovstack.models import Status

    for name, text in files.items():
        (tmp / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp / name).write_text(text, encoding="utf-8")
    out: dict[str, set] = {}
    for f in runner.run(runner.Options(paths=[tmp]), catalogue).findings:
        if f.status is Status.FAILED and keep(f):
            out.setdefault(f.file, set()).add(what(f))
    return out
