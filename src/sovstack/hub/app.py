"""The hub's FastAPI application: configuration, per-request database sessions, sign-in, secure headers."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.staticfiles import StaticFiles
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from sovstack.catalogue import Catalogue, load_default
from sovstack.hub import auth, db
from sovstack.hub.models import SessionRow

SESSION_COOKIE = "hub_session"
HERE = Path(__file__).parent
CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")


@dataclass
class Settings:
    database: str | None = None
    stale_after: dt.timedelta = dt.timedelta(hours=48)
    secure_cookies: bool = False  # set behind TLS: cookies marked Secure, HSTS sent
    max_bundle_bytes: int = 64 * 1024 * 1024
    catalogue: Catalogue | None = field(default=None, repr=False)


@dataclass
class Hub:
    settings: Settings
    engine: Engine
    sessions: sessionmaker
    catalogue: Catalogue


def create_app(settings: Settings, *, migrate: bool = True) -> FastAPI:
    engine = db.engine_for(settings.database)
    if migrate:
        db.migrate(engine)
    hub = Hub(settings, engine, db.sessions(engine), settings.catalogue or load_default())
    app = FastAPI(title="sovstack hub", version="1", docs_url=None, redoc_url=None,
                  openapi_url="/api/v1/openapi.json")
    app.state.hub = hub
    app.middleware("http")(_secure_headers)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    from sovstack.hub import api, pages  # noqa: PLC0415 - the routers need the helpers above

    app.include_router(api.router)
    app.include_router(pages.router)
    pages.install_handlers(app)
    return app


def from_env() -> FastAPI:
    """Factory for `uvicorn --factory` (several worker processes): settings from SOVSTACK_HUB_* variables."""
    return create_app(Settings(database=os.environ.get("SOVSTACK_HUB_DATABASE"),
                               stale_after=dt.timedelta(hours=float(os.environ.get("SOVSTACK_HUB_STALE_HOURS", 48))),
                               secure_cookies=os.environ.get("SOVSTACK_HUB_SECURE_COOKIES") == "1"),
                      migrate=False)


async def _secure_headers(request: Request, call_next):  # noqa: ANN001, ANN202 - starlette middleware
    response = await call_next(request)
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers["X-Content-Type-Options"] = "nosniff"
    headers["X-Frame-Options"] = "DENY"
    headers["Referrer-Policy"] = "no-referrer"
    headers["Cross-Origin-Opener-Policy"] = "same-origin"
    if not request.url.path.startswith("/static/"):
        headers["Cache-Control"] = "no-store"
    if request.app.state.hub.settings.secure_cookies:
        headers["Strict-Transport-Security"] = "max-age=31536000"
    return response


def hub_of(request: Request) -> Hub:
    return request.app.state.hub


def database(request: Request) -> Iterator[Session]:
    with hub_of(request).sessions() as session:
        yield session


class NotSignedIn(Exception):
    """Raised for pages (redirect to the sign-in page); the API answers 401."""


def signed_in(request: Request, session: Session = Depends(database)) -> SessionRow:
    row = auth.session_for(session, request.cookies.get(SESSION_COOKIE))
    if row is None:
        if request.url.path.startswith("/api/"):
            raise HTTPException(401, "sign in first (POST /login) and send the session cookie")
        raise NotSignedIn
    auth.audit(session, f"user:{row.user.name}", "read", request.url.path, "ok", address=_address(request))
    return row


def _address(request: Request) -> str:
    return request.client.host if request.client else ""


address = _address
