"""The JSON API: bundle upload (region token) and the read side (signed-in users); OpenAPI at /api/v1/openapi.json."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from sovstack.hub import auth, queries, regions, upload
from sovstack.hub.app import address, database, hub_of, signed_in
from sovstack.hub.models import BundleBlob, FindingRow, Region, SessionRow, Upload

router = APIRouter(prefix="/api/v1")


@router.post("/regions/{region}/bundles", status_code=201,
             responses={200: {"description": "The same bundle was already stored (nothing changed)"},
                        401: {}, 403: {}, 404: {}, 409: {}, 413: {}, 422: {}})
async def push_bundle(region: str, request: Request) -> JSONResponse:
    """Upload a signed evidence bundle (raw .tar.gz or .zip body, `Authorization: Bearer TOKEN`)."""
    hub = hub_of(request)
    token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
    filename = request.headers.get("x-bundle-filename", "bundle.tar.gz")
    try:
        data = await _body(request, hub.settings.max_bundle_bytes)
    except upload.Refused as exc:
        await run_in_threadpool(_log_refusal, request, region, exc)
        return JSONResponse({"detail": str(exc)}, status_code=exc.status)
    return await run_in_threadpool(_store, request, region, token, data, filename)


async def _body(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise upload.Refused(413, f"bundle of {declared} bytes is over the limit of {limit}")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise upload.Refused(413, f"bundle over the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def _store(request: Request, region_name: str, token: str, data: bytes, filename: str) -> JSONResponse:
    hub = hub_of(request)
    with hub.sessions() as session:
        actor = f"region:{region_name} (token)"
        try:
            region = upload.authorise(session, region_name, token)
            stored = upload.receive(session, region, data, filename, hub.catalogue)
        except upload.Refused as exc:
            session.rollback()
            auth.audit(session, actor, "upload", region_name, "refused", str(exc), address(request))
            return JSONResponse({"detail": str(exc)}, status_code=exc.status)
        item = stored.upload
        auth.audit(session, actor, "upload", f"{region_name}/uploads/{item.id}",
                   "stored" if stored.created else "duplicate", item.manifest_sha256, address(request))
        return JSONResponse({"upload_id": item.id, "region": region_name, "stored": stored.created,
                             "created_at": item.created_at.isoformat() + "Z",
                             "manifest_sha256": item.manifest_sha256,
                             "status": queries.upload_status(item)}, status_code=201 if stored.created else 200)


def _log_refusal(request: Request, region: str, exc: upload.Refused) -> None:
    with hub_of(request).sessions() as session:
        auth.audit(session, f"region:{region} (token)", "upload", region, "refused", str(exc), address(request))


@router.get("/regions")
def list_regions(request: Request, session: Session = Depends(database),
                 _: SessionRow = Depends(signed_in)) -> list[dict[str, Any]]:
    """Every region: status (met, violated, waived, not-evaluated, stale), last upload, counts, requirements."""
    return [row.api() for row in queries.overview(session, hub_of(request).settings.stale_after)]


@router.get("/regions/{region}/uploads")
def region_uploads(region: str, session: Session = Depends(database), _: SessionRow = Depends(signed_in),
                   limit: int = 400) -> list[dict[str, Any]]:
    """The region's uploads, newest first."""
    return [_upload(u) for u in queries.history(session, _region(session, region), min(max(limit, 1), 5000))]


@router.get("/regions/{region}/findings")
def region_findings(region: str, session: Session = Depends(database), _: SessionRow = Depends(signed_in),
                    upload_id: int | None = None) -> dict[str, Any]:
    """Failed and waived findings of the newest upload (or of `upload_id`), with new/fixed since the one before."""
    uploads = queries.history(session, _region(session, region), 2)
    if upload_id is not None:
        uploads = [_own_upload(session, region, upload_id)]
    if not uploads:
        return {"upload_id": None, "findings": [], "new": [], "fixed": []}
    changes = queries.changes(session, uploads)
    return {"upload_id": uploads[0].id, "findings": [_finding(f) for f in queries.findings(session, uploads[0].id)],
            "new": [f.id for f in changes["new"]], "fixed": [_finding(f) for f in changes["fixed"]]}


@router.get("/waivers")
def waivers(session: Session = Depends(database), _: SessionRow = Depends(signed_in),
            days: int = 30) -> list[dict[str, Any]]:
    """Waivers of each region's newest upload that expire within `days` (expired ones included)."""
    return [{"region": name, **_finding(f)} for name, f in queries.expiring_waivers(session, days)]


@router.get("/uploads/{upload_id}/bundle", response_class=Response)
def download(upload_id: int, session: Session = Depends(database), _: SessionRow = Depends(signed_in)) -> Response:
    """The original bundle, byte for byte as the region uploaded it."""
    item, blob = session.get(Upload, upload_id), session.get(BundleBlob, upload_id)
    if item is None or blob is None:
        raise HTTPException(404, f"no upload {upload_id}")
    return Response(blob.data, media_type="application/octet-stream",
                    headers={"Content-Disposition": f'attachment; filename="{item.filename}"',
                             "X-Manifest-SHA256": item.manifest_sha256})


def _region(session: Session, name: str) -> Region:
    region = regions.find(session, name, removed=True)
    if region is None:
        raise HTTPException(404, f"no region {name!r}")
    return region


def _own_upload(session: Session, region: str, upload_id: int) -> Upload:
    item = session.get(Upload, upload_id)
    if item is None or item.region_id != _region(session, region).id:
        raise HTTPException(404, f"no upload {upload_id} in region {region!r}")
    return item


def _upload(u: Upload) -> dict[str, Any]:
    return {"upload_id": u.id, "created_at": u.created_at.isoformat() + "Z",
            "received_at": u.received_at.isoformat() + "Z", "status": queries.upload_status(u),
            "counts": {"failed": u.failed, "waived": u.waived, "passed": u.passed, "errors": u.errors},
            "manifest_sha256": u.manifest_sha256, "manifest_streebog256": u.manifest_streebog256,
            "key_id": u.key_id, "size": u.size, "requirements": u.requirements}


def _finding(f: FindingRow) -> dict[str, Any]:
    return {"id": f.id, "upload_id": f.upload_id, "policy_id": f.policy_id, "status": f.status,
            "severity": f.severity, "file": f.file, "line": f.line, "resource": f.resource, "message": f.message,
            "legal_basis": f.legal_basis, "chain": f.chain, "waiver": f.waiver}
