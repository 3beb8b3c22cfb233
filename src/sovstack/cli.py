"""The sovstack command line: thin wrappers over runner, catalogue and report."""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated, Optional

import typer

os.environ.setdefault("BC_SKIP_MAPPING", "TRUE")  # checkov must never phone home
os.environ.setdefault("CHECKOV_RUN_SCA_PACKAGE_SCAN_V2", "false")

from sovstack import __version__  # noqa: E402
from sovstack.catalogue import Catalogue, CatalogueError, load_default  # noqa: E402
from sovstack.models import InputStatus, Result, Severity, Status  # noqa: E402
from sovstack.report import Format  # noqa: E402

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Sovereign messaging compliance checks.")
policies_app = typer.Typer(no_args_is_help=True, help="The policy catalogue.")
app.add_typer(policies_app, name="policies")

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


def fail(message: str) -> typer.Exit:
    typer.echo(f"sovstack: error: {message}", err=True)
    return typer.Exit(EXIT_ERROR)


def _catalogue(policies: Optional[Path]) -> Catalogue:
    try:
        return load_default(str(policies) if policies else None)
    except CatalogueError as exc:
        raise fail(str(exc)) from exc


def write_atomic(path: Path, text: str) -> None:
    """Write all or nothing: a temporary file in the same folder, then a rename."""
    path = path.resolve()
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def exit_code(result: Result, fail_on: Severity) -> int:
    if result.policy_errors or any(r.status is InputStatus.ERROR for r in result.inputs):
        return EXIT_ERROR
    if any(f.status is Status.FAILED and f.severity.rank >= fail_on.rank for f in result.findings):
        return EXIT_VIOLATIONS
    return EXIT_OK


@app.command()
def check(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or folders (default: the current folder).")] = None,
    fmt: Annotated[Optional[list[Format]], typer.Option("--format", "-f", help="Output format; repeatable.")] = None,
    output: Annotated[Optional[list[Path]], typer.Option("--output", "-o", help="File for the Nth --format; repeatable.")] = None,
    fail_on: Annotated[Severity, typer.Option(help="Lowest severity that fails the run (exit 1).")] = Severity.LOW,
    waivers: Annotated[Optional[Path], typer.Option(help="Waiver file (default: sovstack-waivers.yaml in the first path).")] = None,
    lang: Annotated[str, typer.Option(help="Report language: ru or en.")] = "en",
    policies: Annotated[Optional[Path], typer.Option(help="Policy catalogue folder.")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option(help="gitignore-style pattern to skip; repeatable.")] = None,
    max_file_size: Annotated[int, typer.Option(help="Files larger than this many bytes are input errors.")] = 5 * 1024 * 1024,
    plan: Annotated[bool, typer.Option("--plan/--no-plan", help="Run Pulumi Python programs offline under the SDK's mocks (no credentials, no network) and check what each stack would create. With --no-plan their stacks are reported as not evaluated.")] = True,
    plan_timeout: Annotated[float, typer.Option(help="Seconds one stack's offline plan may take.")] = 60.0,
    cache: Annotated[bool, typer.Option("--cache/--no-cache", help="Incremental checking: reuse the results of inputs (and planned stacks) whose content, policies and tool versions are unchanged. Also on when SOVSTACK_CACHE names a folder.")] = False,
    cache_dir: Annotated[Optional[Path], typer.Option(help="Cache folder (default: $SOVSTACK_CACHE or ~/.cache/sovstack); implies --cache.")] = None,
    today: Annotated[Optional[str], typer.Option(hidden=True, help="Date for waiver expiry (tests).")] = None,
) -> None:
    """Check infrastructure code for data residency and foreign-messenger notifications."""
    from sovstack import runner, waivers as waiver_mod

    if lang not in ("ru", "en"):
        raise fail(f"--lang must be ru or en, not {lang!r}")
    formats = list(fmt or [Format.TABLE])
    outputs = list(output or [])
    if len(outputs) > len(formats):
        raise fail("more --output files than --format options")
    scan = list(paths or [Path.cwd()])
    for p in scan:
        if not p.exists() and not p.is_symlink():
            raise fail(f"{p}: no such file or directory")
    for out in outputs:
        if not out.resolve().parent.is_dir():
            raise fail(f"{out}: its folder does not exist")
    catalogue = _catalogue(policies)
    day = dt.date.fromisoformat(today) if today else dt.date.today()
    if plan_timeout <= 0:
        raise fail("--plan-timeout must be positive")
    opts = runner.Options(paths=scan, max_bytes=max_file_size, excludes=list(exclude or []), today=day, plan=plan)
    opts.plan_limits.timeout_s = plan_timeout
    if cache_dir is not None or cache or os.environ.get("SOVSTACK_CACHE"):
        from sovstack.cache import default_dir

        opts.cache_dir = cache_dir or Path(os.environ.get("SOVSTACK_CACHE") or default_dir())
    waiver_path = waivers or (scan[0] / waiver_mod.DEFAULT_FILE if scan[0].is_dir() else None)
    if waivers and not waivers.is_file():
        raise fail(f"{waivers}: waiver file not found")
    if waiver_path and waiver_path.is_file():
        try:
            opts.waivers = waiver_mod.load(waiver_path, catalogue, day)
        except waiver_mod.WaiverError as exc:
            raise fail(str(exc)) from exc
    result = runner.run(opts, catalogue)
    for i, f in enumerate(formats):
        text = f.render(result, catalogue, lang)
        if i < len(outputs):
            write_atomic(outputs[i], text)
        else:
            sys.stdout.write(text)
    raise typer.Exit(exit_code(result, fail_on))


@app.command()
def inventory(
    stack: Annotated[str, typer.Argument(help="Stack name, e.g. chelyabinsk (Pulumi.<stack>.yaml).")],
    project: Annotated[Path, typer.Option(help="Pulumi project folder (with Pulumi.yaml).")] = Path("."),
    from_export: Annotated[Optional[Path], typer.Option("--from-export", help="Read addresses from a `pulumi stack export` or `pulumi stack output --json` file instead of planning offline.")] = None,
    output: Annotated[Optional[Path], typer.Option("--output", "-o", help="Inventory file to write (default: stdout).")] = None,
) -> None:
    """Write the Ansible inventory of a stack: hosts grouped by role and site, from the stack's outputs."""
    from sovstack import inventory as inv_mod

    if output is not None and not output.resolve().parent.is_dir():
        raise fail(f"{output}: its folder does not exist")
    try:
        if from_export is not None:
            inv, source = inv_mod.from_export(from_export)
        else:
            inv, source = inv_mod.from_plan(project.resolve(), stack)
    except inv_mod.InventoryError as exc:
        raise fail(str(exc)) from exc
    text = inv_mod.render(inv, stack, source)
    if output is not None:
        write_atomic(output, text)
        typer.echo(f"sovstack: wrote {output} ({len(inv.hosts)} hosts)", err=True)
    else:
        sys.stdout.write(text)


@policies_app.command("list")
def policies_list(lang: Annotated[str, typer.Option(help="ru or en")] = "en",
                  policies: Annotated[Optional[Path], typer.Option(help="Policy catalogue folder.")] = None) -> None:
    """List every policy with its severity, category and title."""
    cat = _catalogue(policies)
    for meta in cat.policies.values():
        typer.echo(f"{meta.id}  {meta.severity.value:<8} {meta.category.value:<20} {meta.title.get(lang)}")


@policies_app.command("show")
def policies_show(policy_id: str, lang: Annotated[str, typer.Option(help="ru or en")] = "en",
                  policies: Annotated[Optional[Path], typer.Option(help="Policy catalogue folder.")] = None) -> None:
    """Show one policy: description, rationale, remediation, legal basis and requirements."""
    cat = _catalogue(policies)
    if policy_id not in cat.policies:
        raise fail(f"unknown policy {policy_id}")
    m = cat.get(policy_id)
    ru = lang == "ru"
    lines = [f"{m.id}: {m.title.get(lang)}",
             f"{'Важность' if ru else 'Severity'}: {m.severity.value}   {'Категория' if ru else 'Category'}: "
             f"{m.category.value}   {'Входы' if ru else 'Inputs'}: {', '.join(m.inputs)}   engine: {m.engine}",
             "", m.description.get(lang), "", ("Обоснование: " if ru else "Rationale: ") + m.rationale.get(lang),
             "", ("Как исправить: " if ru else "Remediation: ") + m.remediation.get(lang), "",
             "Правовое основание:" if ru else "Legal basis:"]
    lines += [f"  - {ref.law} {ref.article} <{ref.url}>" for ref in m.legal]
    reqs = cat.requirements_for(m.id)
    if reqs:
        lines += ["", "Требования:" if ru else "Requirements:"]
        lines += [f"  - {fw.id} {req.id} ({req.ref}): {req.title.get(lang)}" for fw, req in reqs]
    typer.echo("\n".join(lines))


@app.command()
def version() -> None:
    """Print the sovstack version."""
    typer.echo(__version__)


def main() -> None:
    app()
