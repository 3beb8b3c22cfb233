"""The read side: the country overview, a region's history and changes, findings, expiring waivers."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sovstack.hub.models import FindingRow, Region, Upload, utcnow
from sovstack.hub.status import region_verdict, upload_verdict


@dataclass
class RegionRow:
    name: str
    status: str
    last_upload: Upload | None
    requirements: dict[str, str] = field(default_factory=dict)

    def api(self) -> dict[str, Any]:
        last = self.last_upload
        counts = {k: getattr(last, k) if last else 0 for k in ("failed", "waived", "passed", "errors")}
        return {"region": self.name, "status": self.status,
                "last_upload": last.created_at.isoformat() + "Z" if last else None,
                "last_upload_id": last.id if last else None, "counts": counts, "requirements": self.requirements}


def overview(db: Session, stale_after: dt.timedelta) -> list[RegionRow]:
    rows = db.execute(select(Region, Upload).outerjoin(Upload, Upload.id == Region.last_upload_id)
                      .where(Region.removed_at.is_(None)).order_by(Region.name)).all()
    now = utcnow()
    out = []
    for region, last in rows:
        status = region_verdict(last, now, stale_after)
        out.append(RegionRow(region.name, status, last, dict(last.requirements) if last else {}))
    return out


def history(db: Session, region: Region, limit: int = 400) -> list[Upload]:
    """Newest first."""
    return list(db.scalars(select(Upload).where(Upload.region_id == region.id)
                           .order_by(Upload.created_at.desc(), Upload.id.desc()).limit(limit)))


def findings(db: Session, upload_id: int) -> list[FindingRow]:
    return list(db.scalars(select(FindingRow).where(FindingRow.upload_id == upload_id)
                           .order_by(FindingRow.status, FindingRow.policy_id, FindingRow.file, FindingRow.line)))


def changes(db: Session, uploads: list[Upload]) -> dict[str, list[FindingRow]]:
    """New and fixed violations of the newest upload against the one before, and newly waived findings."""
    if not uploads:
        return {"new": [], "fixed": [], "newly_waived": []}
    now = findings(db, uploads[0].id)
    before = findings(db, uploads[1].id) if len(uploads) > 1 else []
    failed_before = {f.identity for f in before if f.status == "failed"}
    waived_before = {f.identity for f in before if f.status == "waived"}
    failed_now = {f.identity for f in now if f.status == "failed"}
    return {"new": [f for f in now if f.status == "failed" and f.identity not in failed_before],
            "fixed": [f for f in before if f.status == "failed" and f.identity not in failed_now],
            "newly_waived": [f for f in now if f.status == "waived" and f.identity not in waived_before]
            if len(uploads) > 1 else []}


def expiring_waivers(db: Session, days: int, today: dt.date | None = None) -> list[tuple[str, FindingRow]]:
    """Waived findings of each region's newest upload whose waiver expires within `days`."""
    today = today or utcnow().date()
    rows = db.execute(select(Region.name, FindingRow).join(FindingRow, FindingRow.upload_id == Region.last_upload_id)
                      .where(Region.removed_at.is_(None), FindingRow.status == "waived",
                             FindingRow.waiver_expires <= today + dt.timedelta(days=days))
                      .order_by(FindingRow.waiver_expires, Region.name)).all()
    return [(name, row) for name, row in rows]


def upload_status(upload: Upload) -> str:
    return upload_verdict(upload.failed, upload.waived, upload.passed, upload.errors)
