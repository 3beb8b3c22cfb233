"""Whole real repositories (../shared/realtrees): no input error, exit 0 or 1, the result bench/realtrees.yaml
expects, and every failed finding judged by reading the file. Skipped when the trees are absent."""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench" / "realtrees.py"
_spec = importlib.util.spec_from_file_location("bench_realtrees", BENCH)
realtrees = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(realtrees)

EXPECTED = realtrees.load_expected()
TREES = realtrees.trees_dir()


@cache
def summary(tree: str) -> dict:
    code, result, _ = realtrees.run_check(TREES / tree)
    return realtrees.summarise(code, result)


@pytest.fixture(autouse=True)
def _trees_present():
    if TREES is None:
        pytest.skip("../shared/realtrees not present")


@pytest.mark.parametrize("tree", sorted(EXPECTED))
def test_tree_checks_as_expected(tree):
    problems = realtrees.compare(tree, summary(tree), EXPECTED[tree])
    assert not problems, "\n".join(problems[:50]) + "\n(regenerate with bench/realtrees --update, then judge)"


@pytest.mark.parametrize("tree", sorted(EXPECTED))
def test_no_finding_judged_false(tree):
    """Findings judged false are known defects waiting for their owner (the reason names it)."""
    wrong = realtrees.false_findings(tree, summary(tree), EXPECTED[tree])
    assert not wrong, "\n".join(wrong)


def test_every_tree_is_in_the_expected_file():
    assert sorted(p.name for p in TREES.iterdir() if p.is_dir()) == sorted(EXPECTED)
