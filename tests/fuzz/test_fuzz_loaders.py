"""A short, bounded atheris run over the config loaders (fuzz/fuzz_loaders.py), seeded with the repository's own
files: any exception other than a loader's own named error, a crash or a hang fails it."""

from __future__ import annotations

import subprocess
import sys

RUNS = 3000


def test_bounded_fuzz_run_finds_nothing(root, tmp_path):
    target = root / "fuzz" / "fuzz_loaders.py"
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(target), "--write-seeds", str(corpus)], check=True, cwd=root)
    assert len(list(corpus.iterdir())) >= 5
    proc = subprocess.run([sys.executable, str(target), f"-runs={RUNS}", "-max_len=8192", "-len_control=0",
                           "-timeout=20", "-rss_limit_mb=2048", str(corpus)],
                          capture_output=True, text=True, timeout=600, cwd=root)
    tail = proc.stderr[-3000:]
    assert proc.returncode == 0, tail
    assert f"Done {RUNS} runs" in proc.stderr, tail
