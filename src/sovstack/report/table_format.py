"""Terminal report: summary, violations, waivers and input errors as rich tables."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sovstack.models import InputStatus, Status
from sovstack.report.verdict import LABELS, verdict_text

if TYPE_CHECKING:
    from sovstack.catalogue import Catalogue
    from sovstack.models import Result


def render(result: Result, catalogue: Catalogue, lang: str = "en", width: int = 160, colour: bool = False,
           compact: bool = False, quiet: bool = False) -> str:
    """compact: one line per finding and no lists of inputs left out; quiet: only violations, errors, verdict."""
    t = LABELS.get(lang, LABELS["en"])
    buf = io.StringIO()
    console = Console(file=buf, width=width, force_terminal=colour, color_system="standard" if colour else None,
                      no_color=not colour, highlight=False)
    failed = [f for f in result.findings if f.status is Status.FAILED]
    if failed and compact:
        for f in failed:
            console.print(f"[bold red]{f.policy_id}[/] {f.severity.value:<8} {f.file}:{f.line or '-'}  {f.message}",
                          overflow="fold", markup=True)
    elif failed:
        table = Table(title=t["viol"], show_lines=False)
        for col in (t["policy"], t["sev"], t["where"], t["msg"]):
            table.add_column(col, overflow="fold")
        for f in failed:
            chain = "".join(f"\n  <- {link.note} ({link.file}:{link.line or '-'})" for link in f.chain)
            table.add_row(f"[red]{f.policy_id}[/]", f.severity.value, f"{f.file}:{f.line or '-'}",
                          escape(f.message) + escape(chain))
        console.print(table)
    if not quiet:
        _waived(console, result, t)
        _baselined(console, result, t)
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
    if not quiet and not compact:
        _not_evaluated(console, result, t)
        _control(console, result, t)
    s = result.summary
    if not quiet:
        console.print(t["summary"].format(failed=s.failed, waived=s.waived, passed=s.passed, errors=s.errors,
                                          evaluated=s.evaluated, excluded=s.excluded, skipped=s.skipped)
                      + (f", {s.baselined} baselined" if s.baselined else ""))
    v = verdict_text(result, lang)
    console.print(v, style="bold green" if v.endswith("(exit 0)") else "bold red", markup=False)
    return buf.getvalue()


def _waived(console: Console, result: Result, t: dict) -> None:
    waived = [f for f in result.findings if f.status is Status.WAIVED]
    if not waived:
        return
    table = Table(title=t["waived"])
    for col in (t["policy"], t["where"], t["waiver"]):
        table.add_column(col, overflow="fold")
    for f in waived:
        w = f.waiver
        table.add_row(f.policy_id, f"{f.file}:{f.line or '-'}",
                      f"{w.id}: {w.owner} / {w.approved_by}, {w.ticket}, {w.expires} ({w.days_left} d)" if w else "")
    console.print(table)


def _baselined(console: Console, result: Result, t: dict) -> None:
    accepted = [f for f in result.findings if f.status is Status.BASELINED]
    stale = result.baseline.stale if result.baseline else []
    if not accepted and not stale:
        return
    table = Table(title=f"{t['baselined']} ({result.baseline.path if result.baseline else ''})")
    for col in (t["policy"], t["where"], t["msg"]):
        table.add_column(col, overflow="fold")
    for f in accepted:
        table.add_row(f.policy_id, f"{f.file}:{f.line or '-'}", f.message)
    for e in stale:
        table.add_row(e.policy_id, f"{e.file}:{e.line or '-'}", f"{t['stale']}: {e.message}")
    console.print(table)


def _not_evaluated(console: Console, result: Result, t: dict) -> None:
    rows = [r for r in result.inputs if r.status in (InputStatus.EXCLUDED, InputStatus.SKIPPED)]
    if not rows:
        return
    table = Table(title=t["not"])
    for col in (t["file"], t["state"], t["reason"]):
        table.add_column(col, overflow="fold")
    for r in rows:
        files = f" ({r.files} files)" if r.files is not None else ""
        table.add_row(r.path + files, r.status.value, f"{r.reason or ''}; {r.rule or ''}")
    console.print(table)


def _control(console: Console, result: Result, t: dict) -> None:
    if not result.control_files:
        return
    table = Table(title=t["control"] + (" (--audit: in-tree files not applied)" if result.audit else ""))
    for col in (t["file"], t["state"], t["msg"]):
        table.add_column(col, overflow="fold")
    for c in result.control_files:
        did = c.excluded or c.waived
        verb = ("excluded" if c.type == "ignore" else "waived") if c.applied else \
            ("would have excluded" if c.type == "ignore" else "would have waived")
        table.add_row(f"{c.path} ({c.type}, {c.source})", "applied" if c.applied else "NOT applied",
                      f"{verb} {len(did)}: {', '.join(did[:10])}{' ...' if len(did) > 10 else ''}")
    console.print(table)
