"""Server-rendered pages (Jinja2, RU by default, EN): sign-in, overview, region, finding, waivers, audit log."""

from __future__ import annotations

import secrets
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from fastapi import APIRouter, Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session

from sovstack.hub import auth, queries, regions, trend
from sovstack.hub.app import SESSION_COOKIE, NotSignedIn, address, database, hub_of, signed_in
from sovstack.hub.models import AuditEvent, FindingRow, Region, SessionRow, Upload, utcnow
from sovstack.hub.status import region_verdict

HERE = Path(__file__).parent
LANGS = ("ru", "en")
LOGIN_CSRF = "hub_login_csrf"
templates = Jinja2Templates(directory=HERE / "templates")
router = APIRouter(include_in_schema=False)


@cache
def strings() -> dict[str, dict[str, str]]:
    return yaml.safe_load((HERE / "strings.yaml").read_text(encoding="utf-8"))


def lang_of(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get("hub_lang") or "ru"
    return lang if lang in LANGS else "ru"


def render(request: Request, name: str, code: int = 200, **context: Any) -> HTMLResponse:
    lang = lang_of(request)
    text = {key: value[lang] for key, value in strings().items()}
    response = templates.TemplateResponse(request, name, {"t": text, "lang": lang, **context}, status_code=code)
    if request.query_params.get("lang") in LANGS:
        response.set_cookie("hub_lang", lang, samesite="strict", httponly=True)
    return response


def install_handlers(app: FastAPI) -> None:
    @app.exception_handler(NotSignedIn)
    async def _to_login(request: Request, _: NotSignedIn) -> Response:
        return RedirectResponse("/login", status_code=303)


@router.get("/login")
def login_form(request: Request, error: str = "") -> HTMLResponse:
    token = secrets.token_urlsafe(32)
    response = render(request, "login.html", csrf=token, error=error)
    response.set_cookie(LOGIN_CSRF, token, httponly=True, samesite="strict",
                        secure=hub_of(request).settings.secure_cookies)
    return response


@router.post("/login")
def login(request: Request, username: str = Form(...), password: str = Form(...), csrf: str = Form(""),
          session: Session = Depends(database)) -> Response:
    if not auth.csrf_ok(request.cookies.get(LOGIN_CSRF, ""), csrf):
        auth.audit(session, f"user:{username}", "login", "/login", "csrf-refused", address=address(request))
        return render(request, "login.html", code=403, csrf="", error="csrf")
    if auth.locked_out(session, username):
        auth.audit(session, f"user:{username}", "login", "/login", "locked-out", address=address(request))
        return RedirectResponse("/login?error=locked", status_code=303)
    user = auth.authenticate(session, username, password)
    auth.audit(session, f"user:{username}", "login", "/login", "ok" if user else "refused", address=address(request))
    if user is None:
        return RedirectResponse("/login?error=credentials", status_code=303)
    response = RedirectResponse("/", status_code=303)
    response.set_cookie(SESSION_COOKIE, auth.open_session(session, user), httponly=True, samesite="strict",
                        secure=hub_of(request).settings.secure_cookies, max_age=auth.SESSION_HOURS * 3600)
    response.delete_cookie(LOGIN_CSRF)
    return response


@router.post("/logout")
def logout(request: Request, csrf: str = Form(""), session: Session = Depends(database),
           me: SessionRow = Depends(signed_in)) -> Response:
    if not auth.csrf_ok(me.csrf, csrf):
        raise HTTPException(403, "CSRF token missing or wrong")
    auth.close_session(session, request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


@router.get("/")
def overview(request: Request, session: Session = Depends(database), me: SessionRow = Depends(signed_in)) -> Response:
    hub = hub_of(request)
    rows = queries.overview(session, hub.settings.stale_after)
    reqs = [(fw, req) for fw in hub.catalogue.frameworks for req in fw.requirements]
    counts: dict[str, int] = {}
    for row in rows:
        counts[row.status] = counts.get(row.status, 0) + 1
    return render(request, "overview.html", me=me, rows=rows, requirements=reqs, counts=counts)


@router.get("/regions/{name}")
def region_page(name: str, request: Request, session: Session = Depends(database),
                me: SessionRow = Depends(signed_in)) -> Response:
    region = regions.find(session, name, removed=True)
    if region is None:
        raise HTTPException(404, f"no region {name!r}")
    uploads = queries.history(session, region, 365)
    latest = queries.findings(session, uploads[0].id) if uploads else []
    status = region_verdict(uploads[0] if uploads else None, utcnow(), hub_of(request).settings.stale_after)
    return render(request, "region.html", me=me, region=region, uploads=uploads, findings=latest, status=status,
                  changes=queries.changes(session, uploads), chart=trend.points(list(reversed(uploads))),
                  upload_status=queries.upload_status)


@router.get("/findings/{finding_id}")
def finding_page(finding_id: int, request: Request, session: Session = Depends(database),
                 me: SessionRow = Depends(signed_in)) -> Response:
    finding = session.get(FindingRow, finding_id)
    if finding is None:
        raise HTTPException(404, f"no finding {finding_id}")
    item: Upload = finding.upload
    region = session.get(Region, item.region_id)
    meta = hub_of(request).catalogue.policies.get(finding.policy_id)
    reqs = hub_of(request).catalogue.requirements_for(finding.policy_id) if meta else []
    return render(request, "finding.html", me=me, f=finding, upload=item, region=region, meta=meta, reqs=reqs)


@router.get("/waivers")
def waivers_page(request: Request, session: Session = Depends(database), me: SessionRow = Depends(signed_in),
                 days: int = 30) -> Response:
    return render(request, "waivers.html", me=me, days=days, rows=queries.expiring_waivers(session, days))


@router.get("/audit")
def audit_page(request: Request, session: Session = Depends(database), me: SessionRow = Depends(signed_in)) -> Response:
    if me.user.role != auth.Role.ADMIN:
        raise HTTPException(403, "the audit log is for administrators")
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(500)).all()
    return render(request, "audit.html", me=me, events=events)
