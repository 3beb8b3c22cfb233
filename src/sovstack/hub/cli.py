"""`sovstack hub …` (serve, region, user) and `sovstack bundle push`; heavy imports stay inside the commands."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Optional

import typer

EXIT_ERROR = 2
DATABASE_HELP = "Database URL: sqlite:///FILE or postgresql://USER@HOST/DB (default: sovstack-hub.db here)."
Database = Annotated[Optional[str], typer.Option("--database", envvar="SOVSTACK_HUB_DATABASE", help=DATABASE_HELP)]

hub_app = typer.Typer(no_args_is_help=True, add_completion=False,  # a group of `sovstack`, loaded when asked for
                      help="The compliance hub: every region's signed bundles in one place.")
region_app = typer.Typer(no_args_is_help=True, help="Regions that upload bundles (signing key and upload token).")
user_app = typer.Typer(no_args_is_help=True, help="Accounts that read the hub (auditor) or also its audit log (admin).")
hub_app.add_typer(region_app, name="region")
hub_app.add_typer(user_app, name="user")


def _fail(message: str) -> typer.Exit:
    typer.echo(f"sovstack: error: {message}", err=True)
    return typer.Exit(EXIT_ERROR)


def _session(database: Optional[str]):  # noqa: ANN202
    from sovstack.hub import db  # noqa: PLC0415

    engine = db.engine_for(database)
    db.migrate(engine)
    return db.sessions(engine)()


@hub_app.command("serve")
def serve(
    database: Database = None,
    listen: Annotated[str, typer.Option(help="HOST:PORT to listen on (behind a TLS proxy in production).")] = "127.0.0.1:8080",
    workers: Annotated[int, typer.Option(min=1, help="Worker processes; all share the database (PostgreSQL for more than one).")] = 1,
    stale_hours: Annotated[float, typer.Option(help="A region whose newest bundle is older than this is shown as stale.")] = 48.0,
    secure_cookies: Annotated[bool, typer.Option(help="Mark cookies Secure and send HSTS (set when served over HTTPS).")] = False,
) -> None:
    """Run the hub: migrate the database to the newest schema, then serve the pages and the API."""
    import uvicorn  # noqa: PLC0415

    host, _, port = listen.rpartition(":")
    if not host or not port.isdigit():
        raise _fail(f"--listen {listen!r}: give HOST:PORT, e.g. 127.0.0.1:8080")
    _session(database).close()
    if database:
        os.environ["SOVSTACK_HUB_DATABASE"] = database
    os.environ["SOVSTACK_HUB_STALE_HOURS"] = str(stale_hours)
    os.environ["SOVSTACK_HUB_SECURE_COOKIES"] = "1" if secure_cookies else "0"
    uvicorn.run("sovstack.hub.app:from_env", factory=True, host=host.strip("[]"), port=int(port), workers=workers,
                proxy_headers=True, log_level="info")


@region_app.command("add")
def region_add(name: str, public_key: Annotated[Path, typer.Option(help="The region's PREFIX.pub from `sovstack bundle keygen`.")],
               database: Database = None) -> None:
    """Register a region's bundle-signing key; prints its upload token once (only a hash is stored)."""
    from sovstack.bundle.signing import SigningKeyError  # noqa: PLC0415
    from sovstack.hub import regions  # noqa: PLC0415

    with _session(database) as session:
        try:
            region, token = regions.add(session, name, public_key)
        except (regions.RegionError, SigningKeyError) as exc:
            raise _fail(str(exc)) from exc
        typer.echo(f"region {name}: key {region.algorithm} {region.key_id}; upload token (shown once):", err=True)
        typer.echo(token)


@region_app.command("list")
def region_list(database: Database = None) -> None:
    from sovstack.hub import regions  # noqa: PLC0415

    with _session(database) as session:
        for region in regions.listing(session):
            state = f"removed {region.removed_at:%Y-%m-%d}" if region.removed_at else "active"
            typer.echo(f"{region.name}\t{region.algorithm}\t{region.key_id}\t{state}")


@region_app.command("rotate-token")
def region_rotate(name: str, database: Database = None) -> None:
    """A new upload token for the region; the old one stops working at once."""
    from sovstack.hub import regions  # noqa: PLC0415

    with _session(database) as session:
        try:
            token = regions.rotate(session, name)
        except regions.RegionError as exc:
            raise _fail(str(exc)) from exc
        typer.echo(f"region {name}: new upload token (shown once):", err=True)
        typer.echo(token)


@region_app.command("remove")
def region_remove(name: str, database: Database = None) -> None:
    """The region can no longer upload and leaves the overview; its uploads stay readable."""
    from sovstack.hub import regions  # noqa: PLC0415

    with _session(database) as session:
        try:
            regions.remove(session, name)
        except regions.RegionError as exc:
            raise _fail(str(exc)) from exc
        typer.echo(f"region {name}: removed (history kept)", err=True)


@user_app.command("add")
def user_add(name: str, role: Annotated[str, typer.Option(help="auditor (read-only) or admin.")] = "auditor",
             password_stdin: Annotated[bool, typer.Option(help="Read the password from standard input.")] = False,
             database: Database = None) -> None:
    """An account for the pages and the read API (password hashed with argon2id)."""
    import sys  # noqa: PLC0415

    from sovstack.hub import auth  # noqa: PLC0415

    if role not in {r.value for r in auth.Role}:
        raise _fail(f"--role {role!r}: auditor or admin")
    password = sys.stdin.readline().rstrip("\n") if password_stdin else \
        typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with _session(database) as session:
        try:
            auth.add_user(session, name, password, auth.Role(role))
        except auth.AuthError as exc:
            raise _fail(str(exc)) from exc
    typer.echo(f"user {name} ({role}) added", err=True)


def bundle_push(
    bundle: Annotated[Path, typer.Argument(metavar="BUNDLE", help="A signed bundle from `sovstack bundle create --sign-key`.")],
    hub: Annotated[str, typer.Option(envvar="SOVSTACK_HUB_URL", help="The hub, e.g. https://hub.example.gov.ru")] = ...,
    token: Annotated[str, typer.Option(envvar="SOVSTACK_HUB_TOKEN", help="The region's upload token (prefer the environment variable).")] = ...,
    region: Annotated[str, typer.Option(help="The region the bundle belongs to.")] = ...,
    retries: Annotated[int, typer.Option(min=0, help="Retries while the hub is unreachable or answers 5xx (exponential back-off).")] = 8,
    timeout: Annotated[float, typer.Option(help="Seconds per attempt.")] = 60.0,
) -> None:
    """Upload a signed bundle to a compliance hub (exit 0 stored or already there, 1 refused, 2 unreachable)."""
    from sovstack.hub.push import push  # noqa: PLC0415

    if not bundle.is_file():
        raise _fail(f"{bundle}: no such bundle file")
    say = lambda line: typer.echo(f"sovstack: {line}", err=True)  # noqa: E731
    done = push(hub, token, region, bundle, retries=retries, timeout=timeout, say=say)
    detail = done.body.get("detail")
    if done.ok:
        what = "stored" if done.status == 201 else "already stored (nothing changed)"
        typer.echo(f"{bundle}: {what} as upload {done.body.get('upload_id')} of {region}; status "
                   f"{done.body.get('status')}; manifest SHA-256 {done.body.get('manifest_sha256')}")
        return
    if done.status:
        typer.echo(f"sovstack: {bundle}: refused by the hub (HTTP {done.status}): {detail}", err=True)
        raise typer.Exit(1)
    raise _fail(f"{bundle}: hub unreachable after {done.attempts} attempts: {detail}")


push_app = typer.Typer(add_completion=False)  # `sovstack bundle push`, loaded by the bundle group only when asked for
push_app.command("push")(bundle_push)
