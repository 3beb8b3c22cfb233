"""External evaluation: the scores on ../shared/realworld (skipped when the corpus is absent)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest


def test_realworld_precision_and_recall(root):
    corpus = root.parent / "shared" / "realworld" / "manifest.yaml"
    if not corpus.is_file():
        pytest.skip("realworld corpus not present")
    proc = subprocess.run([sys.executable, str(root / "bench/realworld.py")], capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    scores = re.findall(r"precision ([\d.]+)\s+recall ([\d.]+)", proc.stdout)
    assert len(scores) == 2, proc.stdout
    for precision, recall in scores:
        assert float(precision) >= 0.9 and float(recall) >= 0.9, proc.stdout
