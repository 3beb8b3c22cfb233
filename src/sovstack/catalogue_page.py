"""Files generated from the catalogue: the policy page (policies/POLICIES.md) and checkov's entry folder.

`python -m sovstack.catalogue_page` writes them; `--check` only says which are out of date (exit 1).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import jinja2

from sovstack.catalogue import Catalogue, load_default
from sovstack.checks.engine import Engine
from sovstack.checks.homes import CHECKOV, Derived

PAGE = "POLICIES.md"
ENTRY = "checkov"  # the folder to give checkov's --external-checks-dir: only check files, no YAML


class GenerateError(Exception):
    """A policy's check could not be loaded, so what its code says is unknown."""


def _env() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("sovstack", "templates"), keep_trailing_newline=True,
                              autoescape=False, trim_blocks=False)


def derived(catalogue: Catalogue) -> dict[str, Derived]:
    engine = Engine(catalogue)
    engine.load()
    if engine.errors:
        raise GenerateError("; ".join(engine.errors))
    return engine.derived()


def _row(catalogue: Catalogue, pid: str, code: Derived) -> dict[str, str]:
    meta = catalogue.get(pid)
    covers = ", ".join(req.id for _, req in catalogue.requirements_for(pid))
    return {"id": pid, "severity": meta.severity.value, "category": meta.category.value,
            "inputs": ", ".join(code.inputs), "engine": code.engine, "title": meta.title.en, "covers": covers}


def generated(catalogue: Catalogue) -> dict[str, str]:
    """Path (relative to the catalogue) -> content of every generated file."""
    code = derived(catalogue)
    env = _env()
    rows = [_row(catalogue, pid, code[pid]) for pid in catalogue.policies]
    out = {PAGE: env.get_template("policies.md.j2").render(policies=rows)}
    entry = env.get_template("checkov_entry.py.j2")
    for pid, facts in code.items():
        if facts.engine == CHECKOV:
            stem = pid.replace("-", "_")
            out[f"{ENTRY}/{facts.inputs[0]}/{stem}.py"] = entry.render(id=pid, stem=stem)
    return out


def _entry_files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in (root / ENTRY).rglob("SOV_*.py")}


def stale(catalogue: Catalogue) -> list[str]:
    """Generated files missing, different from what the catalogue gives, or left over."""
    root = catalogue.root
    want = generated(catalogue)
    out = [rel for rel, text in want.items()
           if not (root / rel).is_file() or (root / rel).read_text(encoding="utf-8") != text]
    return sorted(out + sorted(_entry_files(root) - want.keys()))


def write(catalogue: Catalogue) -> list[str]:
    root = catalogue.root
    want = generated(catalogue)
    for rel in _entry_files(root) - want.keys():
        (root / rel).unlink()
    for rel, text in want.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        init = path.parent / "__init__.py"  # checkov loads only folders with __init__.py
        if rel.startswith(ENTRY) and not init.exists():
            init.write_text(f'"""sovstack policies for checkov\'s {path.parent.name} framework."""\n')
        path.write_text(text, encoding="utf-8")
    return sorted(want)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sovstack.catalogue_page", description=__doc__.splitlines()[0])
    parser.add_argument("--policies", help="catalogue folder (default: the one sovstack uses)")
    parser.add_argument("--check", action="store_true", help="only report out-of-date files (exit 1 if any)")
    args = parser.parse_args(argv)
    catalogue = load_default(args.policies)
    if args.check:
        old = stale(catalogue)
        for rel in old:
            print(f"out of date: {catalogue.root / rel}")
        return 1 if old else 0
    for rel in write(catalogue):
        print(f"wrote {catalogue.root / rel}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
