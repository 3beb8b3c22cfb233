"""Receiving a bundle: verify digests and the region's signature (sovstack.bundle), refuse with a reason, store
the bundle, its result's findings and verdicts in one transaction; the same bundle again is not stored twice."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from sovstack import bundle
from sovstack.bundle import archive
from sovstack.bundle.digest import streebog256
from sovstack.catalogue import Catalogue
from sovstack.history import identity
from sovstack.hub import regions
from sovstack.hub.models import BundleBlob, FindingRow, Region, Upload
from sovstack.hub.status import requirement_verdicts
from sovstack.redact import redact_data

MAX_BUNDLE_BYTES = 64 * 1024 * 1024


class Refused(Exception):
    """The upload is refused; `status` is the HTTP status, the message the reason (nothing was stored)."""

    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status


@dataclass
class Stored:
    upload: Upload
    created: bool  # False: the same bundle was already stored (idempotent re-upload)


def authorise(db: Session, region_name: str, token: str) -> Region:
    """The region the token uploads for; a token of another region is refused as such."""
    region = regions.find(db, region_name)
    if region is not None and token and regions.token_matches(region, token):
        return region
    other = db.scalars(select(Region).where(Region.token_hash == regions.token_hash(token or ""),
                                            Region.removed_at.is_(None))).first()
    if other is not None:
        raise Refused(403, f"this token uploads for region {other.name!r}, not {region_name!r}")
    if region is None:
        raise Refused(404, f"no region {region_name!r} on this hub")
    raise Refused(401, "missing or wrong upload token")


def receive(db: Session, region: Region, data: bytes, filename: str, catalogue: Catalogue) -> Stored:
    members, manifest = _verified(region, data, filename)
    digest = hashlib.sha256(members[bundle.MANIFEST]).hexdigest()
    existing = _existing(db, region.id, digest)
    if existing is not None:
        return Stored(existing, False)
    created = _created_at(manifest)
    _refuse_older(db, region, created)
    result = _result(members)
    upload = _build(region, data, filename, members, digest, created, result, catalogue)
    try:
        db.add(upload)
        db.flush()
        db.add(BundleBlob(upload_id=upload.id, data=data))
        _point_region(db, region.id)
        db.commit()
    except IntegrityError:
        db.rollback()  # a concurrent upload of the same bundle won
        again = _existing(db, region.id, digest)
        if again is None:
            raise
        return Stored(again, False)
    return Stored(upload, True)


def _verified(region: Region, data: bytes, filename: str) -> tuple[dict[str, bytes], dict[str, Any]]:
    if len(data) > MAX_BUNDLE_BYTES:
        raise Refused(413, f"bundle of {len(data)} bytes is over the limit of {MAX_BUNDLE_BYTES}")
    suffix = ".zip" if data[:4] == archive.ZIP_MAGIC else ".tar.gz"
    with tempfile.TemporaryDirectory(prefix="sovstack-hub-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        try:
            members = archive.read(path)
            if bundle.SIGNATURE not in members:
                raise Refused(422, "unsigned bundle: no manifest.sig (the hub accepts bundles signed with the "
                                   "region's key only)")
            found = bundle.verify(path, trusted=regions.key_of(region))
        except (archive.ArchiveError, bundle.BundleError) as exc:
            raise Refused(422, f"{filename}: {str(exc).replace(str(path), 'bundle')}") from exc
    if not found.intact:
        raise Refused(422, _why(found, region))
    try:
        return members, json.loads(members[bundle.MANIFEST])
    except ValueError as exc:
        raise Refused(422, f"manifest.json is not JSON: {exc}") from exc


def _why(found: bundle.Verification, region: Region) -> str:
    parts = [f"{what}: {', '.join(names)}" for what, names in
             (("changed", found.changed), ("added", found.added), ("removed", found.removed)) if names]
    if not found.signature_ok:
        parts.insert(0, f"signature refused for region {region.name!r} (key {region.key_id}): {found.signature}")
    return "tampered or foreign bundle: " + "; ".join(parts)


def _existing(db: Session, region_id: int, digest: str) -> Upload | None:
    return db.scalars(select(Upload).where(Upload.region_id == region_id,
                                           Upload.manifest_sha256 == digest)).first()


def _created_at(manifest: dict[str, Any]) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(str(manifest.get("created_at")))
    except ValueError as exc:
        raise Refused(422, f"manifest.json: created_at is not a timestamp: {exc}") from exc
    if when.tzinfo is not None:
        when = when.astimezone(dt.UTC).replace(tzinfo=None)
    return when


def _refuse_older(db: Session, region: Region, created: dt.datetime) -> None:
    newest = db.scalar(select(func.max(Upload.created_at)).where(Upload.region_id == region.id))
    if newest is not None and created < newest:
        raise Refused(409, f"replayed or out-of-order bundle: made {created.isoformat()}Z, older than the region's "
                           f"latest upload ({newest.isoformat()}Z)")


def _result(members: dict[str, bytes]) -> dict[str, Any]:
    """result.json read leniently: fields added later are ignored, the ones the hub shows are checked."""
    try:
        doc = json.loads(members["result.json"])
    except (KeyError, ValueError) as exc:
        raise Refused(422, f"the bundle has no readable result.json: {exc}") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("findings"), list):
        raise Refused(422, "result.json has no findings list")
    return doc


def _build(region: Region, data: bytes, filename: str, members: dict[str, bytes], digest: str,
           created: dt.datetime, result: dict[str, Any], catalogue: Catalogue) -> Upload:
    findings = [redact_data(f) for f in result["findings"] if isinstance(f, dict)]  # the result may predate masking
    summary = result.get("summary") if isinstance(result.get("summary"), dict) else {}
    errors = _errors(result, summary)
    sig = json.loads(members[bundle.SIGNATURE])
    return Upload(
        region_id=region.id, manifest_sha256=digest, manifest_streebog256=streebog256(members[bundle.MANIFEST]),
        created_at=created, key_id=str(sig.get("key_id", region.key_id)), algorithm=region.algorithm,
        size=len(data), filename=_safe_name(filename),
        failed=_count(findings, "failed"), passed=_count(findings, "passed"), waived=_count(findings, "waived"),
        errors=errors, requirements=requirement_verdicts(catalogue, findings, errors),
        findings=[_finding(f) for f in findings if f.get("status") in ("failed", "waived")])


def _safe_name(filename: str) -> str:
    """The client's file name, reduced to what is safe in a Content-Disposition header."""
    name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(filename).name)[:200].lstrip(".")
    return name or "bundle.tar.gz"


def _errors(result: dict[str, Any], summary: dict[str, Any]) -> int:
    """Inputs in error and crashed policies; a run whose own verdict is "not-evaluated" counts as one at least."""
    errors = int(summary.get("errors") or 0) + len(result.get("policy_errors") or [])
    verdict = result.get("verdict") if isinstance(result.get("verdict"), dict) else {}
    return max(errors, 1) if verdict.get("status") == "not-evaluated" else errors


def _count(findings: list[dict[str, Any]], status: str) -> int:
    return sum(1 for f in findings if f.get("status") == status)


def _finding(f: dict[str, Any]) -> FindingRow:
    waiver = f.get("waiver") if isinstance(f.get("waiver"), dict) else None
    expires = None
    if waiver and waiver.get("expires"):
        try:
            expires = dt.date.fromisoformat(str(waiver["expires"]))
        except ValueError:
            expires = None
    text = lambda key: str(f.get(key) or "")  # noqa: E731
    return FindingRow(
        identity=identity(text("policy_id"), text("file"), f.get("resource"), f.get("excerpt"), text("message")),
        policy_id=text("policy_id"), status=text("status"), severity=text("severity"), category=text("category"),
        file=text("file"), line=f.get("line") if isinstance(f.get("line"), int) else None,
        resource=f.get("resource"), message=text("message"), legal_basis=list(f.get("legal_basis") or []),
        chain=[c for c in (f.get("chain") or []) if isinstance(c, dict)], waiver=waiver, waiver_expires=expires)


def _point_region(db: Session, region_id: int) -> None:
    newest = (select(Upload.id).where(Upload.region_id == region_id)
              .order_by(Upload.created_at.desc(), Upload.id.desc()).limit(1).scalar_subquery())
    db.execute(update(Region).where(Region.id == region_id).values(last_upload_id=newest))
