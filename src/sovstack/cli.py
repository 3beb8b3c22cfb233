"""The sovstack command line: thin wrappers over runner, catalogue and report."""

from __future__ import annotations

import contextlib
import datetime as dt
import enum
import os
import shutil
import signal
import sys
import tempfile
import traceback
from pathlib import Path
from typing import Annotated, Optional

import typer

os.environ.setdefault("BC_SKIP_MAPPING", "TRUE")  # checkov must never phone home
os.environ.setdefault("CHECKOV_RUN_SCA_PACKAGE_SCAN_V2", "false")

from sovstack import __version__  # noqa: E402
from sovstack.extras import MissingExtra  # noqa: E402
from sovstack.catalogue import Catalogue, CatalogueError, load_default  # noqa: E402
from sovstack.models import EvidenceFile, History, InputStatus, Result, Severity, Status  # noqa: E402
from sovstack.report import Format  # noqa: E402
from sovstack.lazycli import lazy_group  # noqa: E402

app = typer.Typer(no_args_is_help=True, pretty_exceptions_enable=False, help="Sovereign messaging compliance checks.",
                  cls=lazy_group(hub=("sovstack.hub.cli", "hub_app", -1)))  # the hub group is loaded when asked for
policies_app = typer.Typer(no_args_is_help=True, help="The policy catalogue.")
app.add_typer(policies_app, name="policies")

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR, EXIT_INTERRUPTED = 0, 1, 2, 130
_RUN: dict[str, object] = {}  # the check in progress (its Options), for saying what Ctrl-C interrupted


class Interrupted(BaseException):
    """Ctrl-C (SIGINT): raised in the main thread; not an Exception, so nothing on the way swallows it."""


def _version(value: bool) -> None:
    if value:
        typer.echo(f"sovstack {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version_: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")] = False,
    debug: Annotated[bool, typer.Option("--debug", help="On an internal error, print the traceback (also SOVSTACK_DEBUG=1; accepted anywhere on the command line).")] = False,
) -> None:
    """Sovereign messaging compliance checks."""


def fail(message: str) -> typer.Exit:
    typer.echo(f"sovstack: error: {message}", err=True)
    return typer.Exit(EXIT_ERROR)


def _catalogue(policies: Optional[Path]) -> Catalogue:
    try:
        return load_default(str(policies) if policies else None)
    except CatalogueError as exc:
        raise fail(str(exc)) from exc


def write_atomic(path: Path, text: str | bytes) -> None:
    """Write all or nothing: a temporary file in the same folder, then a rename. A path that is not a regular file
    (/dev/null, /dev/stdout, a FIFO) is written in place: renaming over it would replace the device."""
    path = path.resolve()
    if path.exists() and not path.is_file():
        with (open(path, "wb") if isinstance(text, bytes) else open(path, "w", encoding="utf-8")) as fh:
            fh.write(text)
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with (os.fdopen(fd, "wb") if isinstance(text, bytes) else os.fdopen(fd, "w", encoding="utf-8")) as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def exit_code(result: Result, fail_on: Severity) -> int:
    from sovstack import decide

    return (result.verdict or decide.verdict(result, fail_on)).exit_code


class Lang(str, enum.Enum):
    ru = "ru"
    en = "en"


EXTENSIONS = {".json": Format.JSON, ".sarif": Format.SARIF, ".xml": Format.JUNIT, ".html": Format.HTML,
              ".htm": Format.HTML, ".pdf": Format.PDF, ".md": Format.MARKDOWN, ".txt": Format.TABLE}


@app.command()
def check(
    ctx: typer.Context,
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or folders (default: the current folder).")] = None,
    fmt: Annotated[Optional[list[Format]], typer.Option("--format", "-f", envvar="SOVSTACK_FORMAT", help="Output format; repeatable. Without it, each --output's extension decides (.json, .sarif, .xml = junit, .html, .pdf, .md), else table.")] = None,
    output: Annotated[Optional[list[Path]], typer.Option("--output", "-o", help="File for the Nth --format; repeatable.")] = None,
    fail_on: Annotated[Severity, typer.Option(envvar="SOVSTACK_FAIL_ON", help="Lowest severity that fails the run (exit 1).")] = Severity.LOW,
    soft_fail: Annotated[bool, typer.Option("--soft-fail", envvar="SOVSTACK_SOFT_FAIL", help="Violations do not fail the run (exit 0); inputs that could not be evaluated still exit 2.")] = False,
    waivers: Annotated[Optional[Path], typer.Option(envvar="SOVSTACK_WAIVERS", help="Waiver file (default: sovstack-waivers.yaml in the first path).")] = None,
    baseline: Annotated[Optional[Path], typer.Option(envvar="SOVSTACK_BASELINE", help="Accepted existing findings (from --create-baseline): shown apart, they do not fail the run; new ones do; stale entries are reported.")] = None,
    create_baseline: Annotated[Optional[Path], typer.Option(help="Write every failed finding of this run to FILE as a baseline.")] = None,
    policy: Annotated[Optional[list[str]], typer.Option("--policy", envvar="SOVSTACK_POLICY", help="Run only these policies: ID (any case), glob (SOV-MSG-*) or category; repeatable.")] = None,
    skip_policy: Annotated[Optional[list[str]], typer.Option("--skip-policy", envvar="SOVSTACK_SKIP_POLICY", help="Leave out these policies (ID, glob or category); repeatable.")] = None,
    lang: Annotated[Optional[Lang], typer.Option(envvar="SOVSTACK_LANG", help="Report language (default: ru for html, pdf and markdown, en for the others).")] = None,
    compact: Annotated[bool, typer.Option("--compact", help="Table: one line per finding, no lists of inputs left out.")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="Table: only violations, errors and the verdict.")] = False,
    repo_root: Annotated[Optional[Path], typer.Option(help="Repository root that SARIF, GitLab SAST and Code Quality paths are relative to (default: the folder with .git above the scanned path).")] = None,
    config: Annotated[Optional[Path], typer.Option(envvar="SOVSTACK_CONFIG", help="Configuration file (default: .sovstack.yaml, or [tool.sovstack] in pyproject.toml, in the current folder).")] = None,
    policies: Annotated[Optional[Path], typer.Option(help="Policy catalogue folder.")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option(help="gitignore-style pattern to skip; repeatable.")] = None,
    history: Annotated[Optional[Path], typer.Option(envvar="SOVSTACK_HISTORY", help="Record the run in this local history store (SQLite, created if missing); the reports then show the trend per region and the changes since the previous run of the same paths.")] = None,
    evidence: Annotated[Optional[list[Path]], typer.Option("--evidence", help="Live evidence from the hosts, the JSON written by playbooks/verify.yml; repeatable. Shown beside the declared configuration in the reports.")] = None,
    max_file_size: Annotated[int, typer.Option(help="Files larger than this many bytes are input errors.")] = 5 * 1024 * 1024,
    plan: Annotated[bool, typer.Option("--plan/--no-plan", help="Run Pulumi Python programs offline under the SDK's mocks (no credentials, no network) and check what each stack would create. With --no-plan their stacks are reported as not evaluated.")] = True,
    plan_timeout: Annotated[float, typer.Option(help="Seconds one stack's offline plan may take.")] = 60.0,
    cache: Annotated[bool, typer.Option("--cache/--no-cache", help="Incremental checking: reuse the results of inputs (and planned stacks) whose content, policies and tool versions are unchanged. Also on when SOVSTACK_CACHE names a folder.")] = False,
    cache_dir: Annotated[Optional[Path], typer.Option(help="Cache folder (default: $SOVSTACK_CACHE or ~/.cache/sovstack); implies --cache.")] = None,
    audit: Annotated[bool, typer.Option("--audit", help="For auditors: ignore every control file inside the scanned paths (.sovstackignore, sovstack-waivers.yaml, a configuration file there); only files given on the command line apply. The result lists what the in-tree files would have excluded or waived.")] = False,
    today: Annotated[Optional[str], typer.Option(hidden=True, help="Date for waiver expiry (tests).")] = None,
) -> None:
    """Check infrastructure code for data residency and foreign-messenger notifications."""
    from sovstack import service

    scan = list(paths or [Path.cwd()])
    given = dict(fmt=fmt, output=output, fail_on=fail_on, soft_fail=soft_fail, waivers=waivers, baseline=baseline,
                 policy=policy, skip_policy=skip_policy, lang=lang, compact=compact, quiet=quiet, exclude=exclude,
                 plan=plan, plan_timeout=plan_timeout, max_file_size=max_file_size, repo_root=repo_root)
    o, config_record = _with_config(ctx, given, config, scan, audit)
    formats, outputs = _formats(o["fmt"], o["output"])
    lang_code = o["lang"].value if o["lang"] else None
    req = service.CheckRequest(
        paths=scan, excludes=list(o["exclude"] or []), waivers=o["waivers"], audit=audit, plan=o["plan"],
        plan_timeout=o["plan_timeout"], max_bytes=o["max_file_size"], fail_on=o["fail_on"],
        soft_fail=o["soft_fail"], evidence=list(evidence or []), history=history, baseline=o["baseline"],
        only=list(o["policy"] or []), skip=list(o["skip_policy"] or []), command=_command_line(),
        config=config_record, today=dt.date.fromisoformat(today) if today else dt.date.today(),
        cache_dir=_cache_dir(cache, cache_dir), started=lambda opts: _RUN.update(opts=opts))
    catalogue = _catalogue(policies)
    try:
        with _progress():
            result = service.check(req, catalogue)
    except service.ServiceError as exc:
        raise fail(str(exc)) from exc
    view = {"compact": o["compact"], "quiet": o["quiet"], "repo_root": o["repo_root"]}
    emit(result, catalogue, formats, outputs, lang_code, view)
    if create_baseline is not None:
        write_atomic(create_baseline, service.baseline_text(result))
        typer.echo(f"sovstack: wrote the baseline {create_baseline} "
                   f"({sum(f.status.value in ('failed', 'baselined') for f in result.findings)} findings)", err=True)
    if len(outputs) == len(formats):  # nothing on stdout: the verdict still reaches the terminal
        typer.echo(f"sovstack: {verdict_line(result)}", err=True)
    raise typer.Exit(result.verdict.exit_code)


def _with_config(ctx: typer.Context, given: dict, config: Optional[Path], scan: list[Path], audit: bool):
    """Options not set on the command line or in the environment come from the configuration file; a file inside
    the scanned paths is an in-tree control file, not applied under --audit."""
    from sovstack import config as config_mod
    from sovstack.models import ControlFile

    try:
        path = config or config_mod.find(Path.cwd())
        if config is not None and not config.is_file():
            raise config_mod.ConfigError(f"{config}: configuration file not found")
        loaded = config_mod.load(path) if path else None
    except config_mod.ConfigError as exc:
        raise fail(str(exc)) from exc
    if loaded is None:
        return given, None
    resolved = path.resolve()
    in_tree = config is None and any(resolved.is_relative_to(p.resolve()) for p in scan if p.is_dir())
    apply = not (audit and in_tree)
    names = {"fmt": "format"}
    values = loaded.values(resolved.parent)
    used = []
    out = dict(given)
    for param, value in given.items():
        key = names.get(param, param)
        source = ctx.get_parameter_source(param)  # typer's own copy of click's ParameterSource: compare by name
        if key in values and getattr(source, "name", "DEFAULT") in ("DEFAULT", "DEFAULT_MAP"):
            used.append(key)
            if apply:
                out[param] = _config_value(param, values[key])
    record = ControlFile(path=str(path), type="config", source="in-tree" if in_tree else "command-line"
                         if config else "working-folder", applied=apply, excluded=list(values.get("exclude") or []))
    return out, record


def _config_value(param: str, value: object) -> object:
    if param == "fmt":
        try:
            return [Format(v) for v in value]
        except ValueError as exc:
            raise fail(f"configuration: format: {exc}") from exc
    if param == "lang":
        return Lang(value)
    return value


def _formats(fmt: Optional[list[Format]], output: Optional[list[Path]]) -> tuple[list[Format], list[Path]]:
    outputs = list(output or [])
    if fmt:
        formats = list(fmt)
    elif outputs:
        try:
            formats = [EXTENSIONS[o.suffix.lower()] for o in outputs]
        except KeyError:
            bad = next(o for o in outputs if o.suffix.lower() not in EXTENSIONS)
            raise fail(f"{bad}: cannot tell the format from the extension; give --format") from None
    else:
        formats = [Format.TABLE]
    if len(outputs) > len(formats):
        raise fail("more --output files than --format options")
    if any(f.binary for f in formats[len(outputs):]) and sys.stdout.isatty():
        raise fail("--format pdf is binary: give it an --output FILE")
    for out in outputs:
        if not out.resolve().parent.is_dir():
            raise fail(f"{out}: its folder does not exist")
    return formats, outputs


@contextlib.contextmanager
def _progress(after_s: float = 2.0):
    """What the run is doing, on stderr, once it takes longer than about two seconds - only on a terminal, never
    in CI (CI set) or with output redirected."""
    if not sys.stderr.isatty() or os.environ.get("CI") or os.environ.get("SOVSTACK_NO_PROGRESS"):
        yield
        return
    import threading

    from rich.console import Console

    done = threading.Event()

    def show() -> None:
        if done.wait(after_s):
            return
        with Console(stderr=True).status("sovstack: starting") as status:
            while not done.wait(0.2):
                status.update(f"sovstack: {getattr(_RUN.get('opts'), 'stage', 'starting')}")

    thread = threading.Thread(target=show, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join(1.0)


def _cache_dir(cache: bool, cache_dir: Optional[Path]) -> Optional[Path]:
    if cache_dir is None and not cache and not os.environ.get("SOVSTACK_CACHE"):
        return None
    from sovstack.cache import default_dir

    return cache_dir or Path(os.environ.get("SOVSTACK_CACHE") or default_dir())


def verdict_line(result: Result) -> str:
    from sovstack.report.verdict import verdict_text

    return verdict_text(result, "en")


def _command_line() -> list[str] | None:
    """The command as typed (secrets masked); None when sovstack runs inside another program (tests)."""
    from sovstack.redact import redact

    if Path(sys.argv[0]).name != "sovstack":
        return None
    return ["sovstack", *(redact(a) or "" for a in sys.argv[1:])]


def emit(result: Result, catalogue: Catalogue, formats: list[Format], outputs: list[Path], lang: Optional[str],
         view: Optional[dict] = None) -> None:
    """Renders every format first, then writes: a format that fails leaves no file half-written. The table fits
    the terminal and is coloured on a TTY (NO_COLOR honoured)."""
    rendered = [_render(f, result, catalogue, lang or f.default_lang, view, i >= len(outputs))
                for i, f in enumerate(formats)]
    for i, data in enumerate(rendered):
        if i < len(outputs):
            write_atomic(outputs[i], data)
        elif isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data)


def _render(fmt: Format, result: Result, catalogue: Catalogue, lang: str, view: Optional[dict], to_stdout: bool
            ) -> str | bytes:
    view = dict(view or {})
    repo_root = view.pop("repo_root", None)
    if fmt is not Format.TABLE:
        return fmt.render(result, catalogue, lang, repo_root=repo_root)
    tty = to_stdout and sys.stdout.isatty()
    width = shutil.get_terminal_size((160, 24)).columns if tty else 160
    colour = tty and not os.environ.get("NO_COLOR")
    return fmt.render(result, catalogue, lang, width=width, colour=colour, **view)


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
def policies_list(lang: Annotated[Lang, typer.Option(help="ru or en")] = Lang.en,
                  policies: Annotated[Optional[Path], typer.Option(help="Policy catalogue folder.")] = None) -> None:
    """List every policy with its severity, category and title."""
    cat = _catalogue(policies)
    for meta in cat.policies.values():
        typer.echo(f"{meta.id}  {meta.severity.value:<8} {meta.category.value:<20} {meta.title.get(lang)}")


@policies_app.command("show")
def policies_show(policy_id: str, lang: Annotated[Lang, typer.Option(help="ru or en")] = Lang.en,
                  policies: Annotated[Optional[Path], typer.Option(help="Policy catalogue folder.")] = None) -> None:
    """Show one policy: description, rationale, remediation, legal basis and requirements."""
    from sovstack.selection import SelectionError, matching

    cat = _catalogue(policies)
    try:
        found = sorted(matching(cat, policy_id)) if "*" not in policy_id and "?" not in policy_id else []
    except SelectionError as exc:
        raise fail(str(exc)) from exc
    if len(found) != 1:
        raise fail(f"{policy_id!r} names {len(found)} policies; give one ID (`sovstack policies list`)")
    m = cat.get(found[0])
    code = _derived(cat, m.id)
    ru = lang == "ru"
    lines = [f"{m.id}: {m.title.get(lang)}",
             f"{'Важность' if ru else 'Severity'}: {m.severity.value}   {'Категория' if ru else 'Category'}: "
             f"{m.category.value}   {'Входы' if ru else 'Inputs'}: {', '.join(code.inputs)}   engine: {code.engine}",
             "", m.description.get(lang), "", ("Обоснование: " if ru else "Rationale: ") + m.rationale.get(lang),
             "", ("Как исправить: " if ru else "Remediation: ") + m.remediation.get(lang), "",
             "Правовое основание:" if ru else "Legal basis:"]
    lines += [f"  - {ref.law} {ref.article} <{ref.url}>" for ref in m.legal]
    reqs = cat.requirements_for(m.id)
    if reqs:
        lines += ["", "Требования:" if ru else "Requirements:"]
        lines += [f"  - {fw.id} {req.id} ({req.ref}): {req.title.get(lang)}" for fw, req in reqs]
    typer.echo("\n".join(lines))


def _derived(cat: Catalogue, policy_id: str):
    """Engine and input kinds of a policy, from its check's code."""
    from sovstack.checks.homes import describe

    try:
        return describe(cat.root / policy_id)
    except Exception as exc:  # a broken check file: say which, as a run would
        raise fail(f"policy {policy_id}: its check cannot be loaded: {type(exc).__name__}: {exc}") from exc


@app.command()
def version() -> None:
    """Print the sovstack version."""
    typer.echo(__version__)


def load_result(path: Path) -> Result:
    """A result written by `sovstack check -f json`; anything else is a usage error naming the file."""
    from pydantic import ValidationError

    try:
        return Result.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise fail(f"{path}: cannot read: {exc.strerror or exc}") from exc
    except ValidationError as exc:
        raise fail(f"{path}: not a sovstack JSON result: {str(exc).splitlines()[0]}") from exc


@app.command()
def report(
    result_file: Annotated[Path, typer.Argument(metavar="RESULT", help="A result written by `sovstack check -f json`.")],
    fmt: Annotated[Optional[list[Format]], typer.Option("--format", "-f", help="Output format; repeatable (default: html).")] = None,
    output: Annotated[Optional[list[Path]], typer.Option("--output", "-o", help="File for the Nth --format; repeatable.")] = None,
    lang: Annotated[Optional[Lang], typer.Option(help="ru or en (default: ru for html, pdf and markdown).")] = None,
    policies: Annotated[Optional[Path], typer.Option(help="Policy catalogue folder.")] = None,
) -> None:
    """Render a saved result in other formats (the auditor's HTML/PDF, Markdown, ...) without checking again."""
    formats, outputs = _formats(fmt or ([] if output else [Format.HTML]), output)
    emit(load_result(result_file), _catalogue(policies), formats, outputs, lang.value if lang else None)


# `sovstack hub` and `bundle push` live with the hub (sovstack.hub.cli), imported only when run or listed in --help
bundle_app = typer.Typer(no_args_is_help=True, help="Tamper-evident evidence bundles for auditors.",
                         cls=lazy_group(push=("sovstack.hub.cli", "push_app", 0)))
app.add_typer(bundle_app, name="bundle")


@bundle_app.command("create")
def bundle_create(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or folders to check (default: the current folder). With --result: the tree(s) that result scanned, for the input digests (default: its scanned paths).")] = None,
    output: Annotated[Path, typer.Option("--output", "-o", help="The bundle: .tar.gz, or .zip by extension.")] = ...,
    result_file: Annotated[Optional[Path], typer.Option("--result", help="Bundle this saved JSON result instead of checking again.")] = None,
    waivers: Annotated[Optional[Path], typer.Option(help="Waiver file (default: sovstack-waivers.yaml in the first path); bundled.")] = None,
    evidence: Annotated[Optional[list[Path]], typer.Option("--evidence", help="Evidence JSON written by playbooks/verify.yml; repeatable; bundled.")] = None,
    lang: Annotated[str, typer.Option(help="Language of the bundled reports: ru or en.")] = "ru",
    sign_key: Annotated[Optional[Path], typer.Option(help="Private key (from `sovstack bundle keygen`) to sign the manifest with.")] = None,
    history: Annotated[Optional[Path], typer.Option(envvar="SOVSTACK_HISTORY", help="Record the check in this history store (as `check --history`).")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option(help="gitignore-style pattern to skip; repeatable.")] = None,
    policies: Annotated[Optional[Path], typer.Option(help="Policy catalogue folder.")] = None,
    plan: Annotated[bool, typer.Option("--plan/--no-plan", help="Plan Pulumi stacks offline (as `check`).")] = True,
    today: Annotated[Optional[str], typer.Option(hidden=True, help="Date for waiver expiry (tests).")] = None,
) -> None:
    """Check (or take a saved result) and pack the reports, the result, the waivers, the host evidence and a
    manifest of SHA-256 and Streebog-256 digests of every input and bundled file into one archive."""
    from sovstack import bundle as bundle_mod
    from sovstack import service
    from sovstack import waivers as waiver_mod
    from sovstack.bundle import signing

    if lang not in ("ru", "en"):
        raise fail(f"--lang must be ru or en, not {lang!r}")
    if not output.name.lower().endswith((".tar.gz", ".tgz", ".zip")):
        raise fail(f"{output}: a bundle is a .tar.gz or .zip file")
    if not output.resolve().parent.is_dir():
        raise fail(f"{output}: its folder does not exist")
    try:
        key = signing.load_key(sign_key) if sign_key else None
    except signing.SigningKeyError as exc:
        raise fail(str(exc)) from exc
    if key is not None and key.private is None:
        raise fail(f"{sign_key}: a public key cannot sign; give the private key (PREFIX.key)")
    if result_file is not None:
        result = load_result(result_file)
        roots = list(paths or [Path(p) for p in result.scanned_paths])
        if evidence:
            try:
                result.evidence = service.load_evidence(list(evidence))
            except service.ServiceError as exc:
                raise fail(str(exc)) from exc
    else:
        roots = list(paths or [Path.cwd()])
        result = _check_result(roots, waivers, evidence, history, exclude, policies, plan, today)
    default_waivers = roots[0] / waiver_mod.DEFAULT_FILE if roots and roots[0].is_dir() else None
    waiver_files = [waivers] if waivers else [default_waivers] if default_waivers and default_waivers.is_file() else []
    try:
        made = bundle_mod.create(output, result, _catalogue(policies), lang=lang, roots=roots, key=key,
                                 extra={"waivers": waiver_files},
                                 command=_command_line())
    except bundle_mod.BundleError as exc:
        raise fail(str(exc)) from exc
    _print_manifest_digest(f"sovstack: wrote {output} ({made.files} files, digests of {made.inputs} inputs"
                           f"{', signed by key ' + made.signed_by if made.signed_by else ''})", made.manifest)


def _check_result(roots: list[Path], waivers: Optional[Path], evidence: Optional[list[Path]], history: Optional[Path],
                  exclude: Optional[list[str]], policies: Optional[Path], plan: bool, today: Optional[str]) -> Result:
    """The same service as `check` (a result is kept when inputs could not be evaluated)."""
    from sovstack import service

    req = service.CheckRequest(paths=roots, excludes=list(exclude or []), waivers=waivers, plan=plan,
                               evidence=list(evidence or []), history=history, command=_command_line(),
                               today=dt.date.fromisoformat(today) if today else dt.date.today(),
                               started=lambda opts: _RUN.update(opts=opts))
    try:
        return service.check(req, _catalogue(policies))
    except service.ServiceError as exc:
        raise fail(str(exc)) from exc


def _print_manifest_digest(headline: str, manifest: bytes) -> None:
    from sovstack.bundle.digest import digests

    d = digests(manifest)
    typer.echo(f"{headline}\n  manifest.json sha256      {d['sha256']}\n  manifest.json streebog256 {d['streebog256']}")


@bundle_app.command("verify")
def bundle_verify(
    file: Annotated[Path, typer.Argument(help="The bundle (.tar.gz or .zip).")],
    against: Annotated[Optional[list[Path]], typer.Option("--against", help="The scanned tree(s), as given to the check: their input files are compared with the manifest too; repeatable.")] = None,
    public_key: Annotated[Optional[Path], typer.Option(help="Trusted public key: the manifest must carry a valid signature by it.")] = None,
) -> None:
    """Recompute every digest; exit 0 intact, 1 tampered (naming each changed, added or removed file), 2 unreadable."""
    from sovstack import bundle as bundle_mod
    from sovstack.bundle import signing

    try:
        trusted = signing.load_key(public_key) if public_key else None
    except signing.SigningKeyError as exc:
        raise fail(str(exc)) from exc
    try:
        found = bundle_mod.verify(file, against=list(against or []), trusted=trusted)
    except bundle_mod.BundleError as exc:
        raise fail(str(exc)) from exc
    lines = [f"  {what}: {name}" for what, names in (("changed", found.changed), ("added", found.added),
                                                      ("removed", found.removed)) for name in names]
    if found.signature:
        lines.append(f"  signature: {found.signature}")
    elif trusted is None:
        lines.append("  signature: none (the manifest is not signed)")
    verdict = "intact" if found.intact else "TAMPERED"
    _print_manifest_digest("\n".join([f"sovstack: {file}: {verdict}", *lines]), found.manifest)
    raise typer.Exit(EXIT_OK if found.intact else EXIT_VIOLATIONS)


@bundle_app.command("keygen")
def bundle_keygen(
    output: Annotated[Path, typer.Option("--output", "-o", help="PREFIX: writes PREFIX.key (private, mode 0600) and PREFIX.pub.")],
    algorithm: Annotated[str, typer.Option(help="ed25519 or gost-r-34.10-2012-256.")] = "ed25519",
) -> None:
    """Make a key pair for signing bundles."""
    from sovstack.bundle import signing

    if not output.resolve().parent.is_dir():
        raise fail(f"{output}: its folder does not exist")
    try:
        key = signing.generate(algorithm)
        private, public = signing.write_keys(key, output)
    except signing.SigningKeyError as exc:
        raise fail(str(exc)) from exc
    typer.echo(f"sovstack: wrote {private} and {public} ({algorithm}, key {key.key_id})")


@bundle_app.command("extract")
def bundle_extract(
    file: Annotated[Path, typer.Argument(help="The bundle (.tar.gz or .zip).")],
    dest: Annotated[Path, typer.Argument(help="A folder that does not exist yet.")],
    public_key: Annotated[Optional[Path], typer.Option(help="Trusted public key the manifest must be signed by.")] = None,
) -> None:
    """Verify, then unpack an intact bundle into a new folder (regular files only; never follows links)."""
    from sovstack import bundle as bundle_mod
    from sovstack.bundle import signing

    try:
        trusted = signing.load_key(public_key) if public_key else None
        written = bundle_mod.extract(file, dest, trusted=trusted)
    except (signing.SigningKeyError, bundle_mod.BundleError) as exc:
        raise fail(str(exc)) from exc
    except bundle_mod.Tampered as exc:
        typer.echo(f"sovstack: {file}: TAMPERED, not unpacked: {exc}", err=True)
        raise typer.Exit(EXIT_VIOLATIONS) from exc
    typer.echo(f"sovstack: unpacked {written} files into {dest}")


def _interrupt(signum, frame) -> None:
    raise Interrupted()


def main() -> None:
    """The console entry point: exit codes 0/1/2 as documented, 130 on Ctrl-C, 2 (one line) on an internal error."""
    debug = "--debug" in sys.argv[1:] or os.environ.get("SOVSTACK_DEBUG", "").lower() in ("1", "true", "yes")
    sys.argv[1:] = [a for a in sys.argv[1:] if a != "--debug"]  # accepted anywhere on the command line
    signal.signal(signal.SIGINT, _interrupt)
    try:
        app()
    except Interrupted:
        opts = _RUN.get("opts")
        stage = getattr(opts, "stage", "starting")
        sys.stderr.write(f"\nsovstack: interrupted while {stage}: stopped, running plans killed; no report or "
                         "output file was written\n")
        sys.exit(EXIT_INTERRUPTED)
    except MissingExtra as exc:  # an optional part is not installed: the message names the extra
        sys.stderr.write(f"sovstack: error: {exc}\n")
        sys.exit(EXIT_ERROR)
    except Exception as exc:  # noqa: BLE001 - a crash must not look like "violations found" (exit 1)
        if debug:
            traceback.print_exc()
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        sys.stderr.write(f"sovstack: error: internal error: {type(exc).__name__}: {first}"
                         f"{'' if debug else ' (run with --debug for the traceback)'}\n")
        sys.exit(EXIT_ERROR)
