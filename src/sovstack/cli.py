"""The sovstack command line: thin wrappers over runner, catalogue and report."""

from __future__ import annotations

import datetime as dt
import os
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
from sovstack.catalogue import Catalogue, CatalogueError, load_default  # noqa: E402
from sovstack.models import EvidenceFile, History, InputStatus, Result, Severity, Status  # noqa: E402
from sovstack.report import Format  # noqa: E402

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="Sovereign messaging compliance checks.")
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
    """Write all or nothing: a temporary file in the same folder, then a rename."""
    path = path.resolve()
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


@app.command()
def check(
    paths: Annotated[Optional[list[Path]], typer.Argument(help="Files or folders (default: the current folder).")] = None,
    fmt: Annotated[Optional[list[Format]], typer.Option("--format", "-f", help="Output format; repeatable.")] = None,
    output: Annotated[Optional[list[Path]], typer.Option("--output", "-o", help="File for the Nth --format; repeatable.")] = None,
    fail_on: Annotated[Severity, typer.Option(help="Lowest severity that fails the run (exit 1).")] = Severity.LOW,
    waivers: Annotated[Optional[Path], typer.Option(help="Waiver file (default: sovstack-waivers.yaml in the first path).")] = None,
    lang: Annotated[Optional[str], typer.Option(help="Report language: ru or en (default: ru for html, pdf and markdown, en for the others).")] = None,
    policies: Annotated[Optional[Path], typer.Option(help="Policy catalogue folder.")] = None,
    exclude: Annotated[Optional[list[str]], typer.Option(help="gitignore-style pattern to skip; repeatable.")] = None,
    history: Annotated[Optional[Path], typer.Option(envvar="SOVSTACK_HISTORY", help="Record the run in this local history store (SQLite, created if missing); the reports then show the trend per region and the changes since the previous run of the same paths.")] = None,
    evidence: Annotated[Optional[list[Path]], typer.Option("--evidence", help="Live evidence from the hosts, the JSON written by playbooks/verify.yml; repeatable. Shown beside the declared configuration in the reports.")] = None,
    max_file_size: Annotated[int, typer.Option(help="Files larger than this many bytes are input errors.")] = 5 * 1024 * 1024,
    plan: Annotated[bool, typer.Option("--plan/--no-plan", help="Run Pulumi Python programs offline under the SDK's mocks (no credentials, no network) and check what each stack would create. With --no-plan their stacks are reported as not evaluated.")] = True,
    plan_timeout: Annotated[float, typer.Option(help="Seconds one stack's offline plan may take.")] = 60.0,
    cache: Annotated[bool, typer.Option("--cache/--no-cache", help="Incremental checking: reuse the results of inputs (and planned stacks) whose content, policies and tool versions are unchanged. Also on when SOVSTACK_CACHE names a folder.")] = False,
    cache_dir: Annotated[Optional[Path], typer.Option(help="Cache folder (default: $SOVSTACK_CACHE or ~/.cache/sovstack); implies --cache.")] = None,
    audit: Annotated[bool, typer.Option("--audit", help="For auditors: ignore every control file inside the scanned paths (.sovstackignore, sovstack-waivers.yaml); only files given on the command line apply. The result lists what the in-tree files would have excluded or waived.")] = False,
    today: Annotated[Optional[str], typer.Option(hidden=True, help="Date for waiver expiry (tests).")] = None,
) -> None:
    """Check infrastructure code for data residency and foreign-messenger notifications."""
    from sovstack import decide, runner

    if lang not in (None, "ru", "en"):
        raise fail(f"--lang must be ru or en, not {lang!r}")
    formats = list(fmt or [Format.TABLE])
    outputs = list(output or [])
    if len(outputs) > len(formats):
        raise fail("more --output files than --format options")
    if any(f.binary for f in formats[len(outputs):]) and sys.stdout.isatty():
        raise fail("--format pdf is binary: give it an --output FILE")
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
    opts = runner.Options(paths=scan, max_bytes=max_file_size, excludes=list(exclude or []), today=day, plan=plan,
                          audit=audit)
    opts.plan_limits.timeout_s = plan_timeout
    if cache_dir is not None or cache or os.environ.get("SOVSTACK_CACHE"):
        from sovstack.cache import default_dir

        opts.cache_dir = cache_dir or Path(os.environ.get("SOVSTACK_CACHE") or default_dir())
    opts.waiver_files = _waiver_sources(waivers, scan, catalogue, day, audit)
    opts.waivers = [w for src in opts.waiver_files if src.applied for w in src.waivers]
    host_evidence = _load_evidence(list(evidence or []))
    _RUN["opts"] = opts
    result = runner.run(opts, catalogue)
    result.command, result.excludes = _command_line(), list(exclude or [])
    result.evidence = host_evidence
    result.verdict = decide.verdict(result, fail_on)
    opts.stage = "writing the reports"
    if history is not None:
        result.history = _record_history(history, result)
    emit(result, catalogue, formats, outputs, lang)
    if len(outputs) == len(formats):  # nothing on stdout: the verdict still reaches the terminal
        typer.echo(f"sovstack: {verdict_line(result)}", err=True)
    raise typer.Exit(result.verdict.exit_code)


def verdict_line(result: Result) -> str:
    from sovstack.report.table_format import verdict_text

    return verdict_text(result, "en")


def _waiver_sources(given: Optional[Path], scan: list[Path], catalogue: Catalogue, day: dt.date, audit: bool) -> list:
    """The waiver file named on the command line, else sovstack-waivers.yaml in the first scanned folder (an
    in-tree control file: under --audit loaded only to report what it would have waived)."""
    from sovstack import runner, waivers as waiver_mod

    if given is not None:
        if not given.is_file():
            raise fail(f"{given}: waiver file not found")
        try:
            return [runner.WaiverSource(str(given), "command-line", waiver_mod.load(given, catalogue, day))]
        except waiver_mod.WaiverError as exc:
            raise fail(str(exc)) from exc
    in_tree = scan[0] / waiver_mod.DEFAULT_FILE if scan[0].is_dir() else None
    if in_tree is None or not in_tree.is_file():
        return []
    try:
        loaded = waiver_mod.load(in_tree, catalogue, day)
    except waiver_mod.WaiverError as exc:
        if audit:  # not applied anyway; say so and go on
            typer.echo(f"sovstack: warning: in-tree waiver file not applied (--audit) and invalid: {exc}", err=True)
            return []
        raise fail(str(exc)) from exc
    return [runner.WaiverSource(str(in_tree), "in-tree", loaded, applied=not audit)]


def _command_line() -> list[str] | None:
    """The command as typed (secrets masked); None when sovstack runs inside another program (tests)."""
    from sovstack.redact import redact

    if Path(sys.argv[0]).name != "sovstack":
        return None
    return ["sovstack", *(redact(a) or "" for a in sys.argv[1:])]


def _load_evidence(paths: list[Path]) -> list[EvidenceFile]:
    """Each file as sovstack.evidence reads it; a missing or malformed one stops the run (exit 2), naming it."""
    if not paths:
        return []
    from sovstack.evidence import EvidenceError
    from sovstack.hostevidence import carry

    try:
        return [carry(path) for path in paths]
    except EvidenceError as exc:
        raise fail(str(exc)) from exc


def _record_history(path: Path, result: Result) -> History:
    from sovstack import history as history_mod

    try:
        return history_mod.record(path, result)
    except history_mod.HistoryError as exc:
        raise fail(str(exc)) from exc


def emit(result: Result, catalogue: Catalogue, formats: list[Format], outputs: list[Path], lang: Optional[str]) -> None:
    """Renders every format first, then writes: a format that fails leaves no file half-written."""
    rendered = [f.render(result, catalogue, lang or f.default_lang) for f in formats]
    for i, data in enumerate(rendered):
        if i < len(outputs):
            write_atomic(outputs[i], data)
        elif isinstance(data, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(data)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.write(data)


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
    lang: Annotated[Optional[str], typer.Option(help="ru or en (default: ru for html, pdf and markdown).")] = None,
    policies: Annotated[Optional[Path], typer.Option(help="Policy catalogue folder.")] = None,
) -> None:
    """Render a saved result in other formats (the auditor's HTML/PDF, Markdown, ...) without checking again."""
    if lang not in (None, "ru", "en"):
        raise fail(f"--lang must be ru or en, not {lang!r}")
    formats, outputs = list(fmt or [Format.HTML]), list(output or [])
    if len(outputs) > len(formats):
        raise fail("more --output files than --format options")
    if any(f.binary for f in formats[len(outputs):]) and sys.stdout.isatty():
        raise fail("--format pdf is binary: give it an --output FILE")
    for out in outputs:
        if not out.resolve().parent.is_dir():
            raise fail(f"{out}: its folder does not exist")
    emit(load_result(result_file), _catalogue(policies), formats, outputs, lang)


bundle_app = typer.Typer(no_args_is_help=True, help="Tamper-evident evidence bundles for auditors.")
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
            result.evidence = _load_evidence(list(evidence))
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
    """Runs `check` as the command line would, into a JSON result (kept when inputs could not be evaluated)."""
    with tempfile.TemporaryDirectory(prefix="sovstack-bundle-") as tmp:
        out = Path(tmp) / "result.json"
        try:
            check(paths=roots, fmt=[Format.JSON], output=[out], waivers=waivers, policies=policies, exclude=exclude,
                  history=history, plan=plan, today=today, evidence=evidence)
        except typer.Exit:
            if not out.is_file():
                raise
        return load_result(out)


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
    except Exception as exc:  # noqa: BLE001 - a crash must not look like "violations found" (exit 1)
        if debug:
            traceback.print_exc()
        first = (str(exc).strip().splitlines() or [""])[0][:300]
        sys.stderr.write(f"sovstack: error: internal error: {type(exc).__name__}: {first}"
                         f"{'' if debug else ' (run with --debug for the traceback)'}\n")
        sys.exit(EXIT_ERROR)
