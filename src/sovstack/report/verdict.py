"""The verdict line (last line of the table, and the line on stderr) and the table's labels, without rich."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sovstack.models import Result

LABELS = {
    "en": {"policy": "Policy", "sev": "Severity", "where": "Where", "msg": "Finding", "file": "File",
           "err": "Could not evaluate (not compliant until fixed)", "viol": "Violations", "waived": "Waived",
           "waiver": "Waiver", "summary": "{failed} failed, {waived} waived, {passed} passed; inputs: {evaluated} "
           "evaluated, {errors} in error, {excluded} excluded, {skipped} skipped",
           "not": "Not evaluated (listed, not checked)", "baselined": "Baselined (accepted, not failing)",
           "stale": "stale baseline entry (finding gone)", "state": "State", "reason": "Reason and rule",
           "control": "Control files", "verdict": {"compliant": "COMPLIANT", "violations": "NOT COMPLIANT: violations",
                                                   "not-evaluated": "NOT COMPLIANT: not evaluated"}},
    "ru": {"policy": "Политика", "sev": "Важность", "where": "Где", "msg": "Нарушение", "file": "Файл",
           "err": "Не удалось проверить (не соответствует, пока не исправлено)", "viol": "Нарушения",
           "waived": "Исключения", "waiver": "Исключение", "summary": "нарушений: {failed}, исключений: {waived}, "
           "пройдено: {passed}; входы: проверено {evaluated}, с ошибкой {errors}, исключено {excluded}, "
           "пропущено {skipped}", "not": "Не проверялось (перечислено, не проверено)",
           "baselined": "Принятые ранее (базовая линия, не нарушают)", "stale": "устаревшая запись базовой линии", "state": "Состояние",
           "reason": "Причина и правило", "control": "Управляющие файлы",
           "verdict": {"compliant": "СООТВЕТСТВУЕТ", "violations": "НЕ СООТВЕТСТВУЕТ: нарушения",
                       "not-evaluated": "НЕ СООТВЕТСТВУЕТ: не проверено"}},
}


def verdict_text(result: Result, lang: str = "en") -> str:
    """The last line of the table, and the line on stderr: the same verdict as the exit code."""
    from sovstack.decide import verdict

    v = result.verdict or verdict(result)
    t = LABELS.get(lang, LABELS["en"])
    return f"{t['verdict'][v.status.value]} - {v.reason} (exit {v.exit_code})"
