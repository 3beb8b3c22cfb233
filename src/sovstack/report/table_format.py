"""Terminal report: summary, violations, waivers and input errors as rich tables."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Table

from sovstack.models import InputStatus, Status

if TYPE_CHECKING:
    from sovstack.catalogue import Catalogue
    from sovstack.models import Result

LABELS = {
    "en": {"policy": "Policy", "sev": "Severity", "where": "Where", "msg": "Finding", "file": "File",
           "err": "Could not evaluate (not compliant until fixed)", "viol": "Violations", "waived": "Waived",
           "waiver": "Waiver", "summary": "{failed} failed, {waived} waived, {passed} passed, {errors} input errors "
           "in {n} inputs", "ok": "Compliant: no violations found."},
    "ru": {"policy": "Политика", "sev": "Важность", "where": "Где", "msg": "Нарушение", "file": "Файл",
           "err": "Не удалось проверить (не соответствует, пока не исправлено)", "viol": "Нарушения",
           "waived": "Исключения", "waiver": "Исключение", "summary": "нарушений: {failed}, исключений: {waived}, "
           "пройдено: {passed}, ошибок ввода: {errors}, входных файлов: {n}", "ok": "Нарушений не найдено."},
}


def render(result: Result, catalogue: Catalogue, lang: str = "en") -> str:
    t = LABELS.get(lang, LABELS["en"])
    buf = io.StringIO()
    console = Console(file=buf, width=160, force_terminal=False, color_system=None)
    failed = [f for f in result.findings if f.status is Status.FAILED]
    if failed:
        table = Table(title=t["viol"], show_lines=False)
        for col in (t["policy"], t["sev"], t["where"], t["msg"]):
            table.add_column(col, overflow="fold")
        for f in failed:
            table.add_row(f.policy_id, f.severity.value, f"{f.file}:{f.line or '-'}", f.message)
        console.print(table)
    waived = [f for f in result.findings if f.status is Status.WAIVED]
    if waived:
        table = Table(title=t["waived"])
        for col in (t["policy"], t["where"], t["waiver"]):
            table.add_column(col, overflow="fold")
        for f in waived:
            w = f.waiver
            table.add_row(f.policy_id, f"{f.file}:{f.line or '-'}",
                          f"{w.id}: {w.owner} / {w.approved_by}, {w.ticket}, {w.expires} ({w.days_left} d)" if w else "")
        console.print(table)
    errors = [r for r in result.inputs if r.status is InputStatus.ERROR]
    if errors or result.policy_errors:
        table = Table(title=t["err"])
        table.add_column(t["file"], overflow="fold")
        table.add_column(t["msg"], overflow="fold")
        for r in errors:
            table.add_row(r.path, r.error or "")
        for p in result.policy_errors:
            table.add_row("policy", p)
        console.print(table)
    s = result.summary
    console.print(t["summary"].format(failed=s.failed, waived=s.waived, passed=s.passed, errors=s.errors,
                                      n=len(result.inputs)))
    if not failed and not errors and not result.policy_errors:
        console.print(t["ok"])
    return buf.getvalue()
