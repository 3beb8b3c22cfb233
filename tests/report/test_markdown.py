"""The Markdown summary for merge requests: a verdict per region and requirement, escaped, bounded."""

from __future__ import annotations

from sovstack.models import Status
from sovstack.report import Format, markdown_format


def _md(result, catalogue, lang="ru") -> str:
    return Format.MARKDOWN.render(result, catalogue, lang)


def test_one_row_per_requirement_with_the_verdicts(result, catalogue):
    md = _md(result, catalogue, "en")
    assert md.startswith("## ✖ Compliance check (152-FZ, 149-FZ): Violated\n")
    requirements = [r for fw in catalogue.frameworks for r in fw.requirements]
    rows = [line for line in md.splitlines() if line.startswith("| `") and "-FZ-" in line]
    assert len(rows) == len(requirements)
    notify = next(r for r in rows if "149-FZ-10.8-NOTIFY" in r)
    assert notify.endswith("| **✖ 1** |")  # SOV-MSG-001 failed (the waived SOV-MSG-002 does not count as met)
    assert "### ⚠ Not evaluated (1)" in md and "`broken/values.yaml`" in md
    assert "### ⚑ Waivers (1)" in md and "| W\\-7 |" not in md and "| W-7 |" in md and "SEC-1234" in md


def test_russian_by_default(result, catalogue):
    md = Format.MARKDOWN.render(result, catalogue, Format.MARKDOWN.default_lang)
    assert "Проверка соответствия (152-ФЗ, 149-ФЗ): Нарушено" in md and "Нарушения (2)" in md


def test_values_cannot_break_the_table_or_inject_markup(result, catalogue):
    nasty = result.findings[0].model_copy(update={"message": "a | b <script>x</script> [link](http://e) *bold*",
                                                  "file": "dir/we|ird`name.yml"})
    md = _md(result.model_copy(update={"findings": [nasty]}), catalogue, "en")
    row = next(line for line in md.splitlines() if "we" in line and "SOV-MSG-001" in line)
    assert row.count("|") - row.count("\\|") == 6  # five cells, whatever the values hold
    assert "<script>" not in md and "\\<script\\>" in md and "\\[link\\]" in md and "\\*bold\\*" in md


def test_long_lists_stop_at_the_limit(result, catalogue):
    many = [result.findings[0].model_copy(update={"line": n}) for n in range(markdown_format.LIMIT + 7)]
    md = _md(result.model_copy(update={"findings": many}), catalogue, "en")
    assert sum(1 for line in md.splitlines() if line.startswith("| `SOV-MSG-001`")) == markdown_format.LIMIT
    assert "… and 7 more" in md
    assert all(f.status is Status.FAILED for f in many)
