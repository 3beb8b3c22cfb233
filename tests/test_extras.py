"""Optional parts: a missing extra is named with the command that adds it; a present one is simply imported."""

from __future__ import annotations

import pytest

from sovstack import extras


def test_a_missing_module_names_the_extra_that_brings_it():
    with pytest.raises(extras.MissingExtra) as err:
        extras.require("pdf", "sovstack_no_such_module_for_test")
    assert "sovstack[pdf]" in str(err.value) and "pipx inject sovstack" in str(err.value)


def test_a_present_module_is_returned():
    assert extras.require("pdf", "json").dumps([]) == "[]"


def test_every_extra_is_declared_in_pyproject(root):
    import tomllib

    declared = tomllib.loads((root / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    assert set(extras.EXTRAS) <= declared.keys() and set(extras.EXTRAS) == set(extras.PURPOSE)
