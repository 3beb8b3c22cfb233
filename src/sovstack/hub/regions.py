"""Regions: register a bundle-signing key, issue and rotate the upload token (stored only as its SHA-256)."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from sovstack.bundle import signing
from sovstack.hub.models import Region, utcnow

TOKEN_PREFIX = "shub_"


class RegionError(Exception):
    """A region command cannot be done; the message says why."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def new_token() -> str:
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


def find(db: Session, name: str, *, removed: bool = False) -> Region | None:
    query = select(Region).where(Region.name == name)
    if not removed:
        query = query.where(Region.removed_at.is_(None))
    return db.scalars(query).first()


def add(db: Session, name: str, public_key: Path) -> tuple[Region, str]:
    """The region and its upload token (shown once). A removed region of that name is re-activated."""
    key = signing.load_key(public_key)
    token = new_token()
    region = find(db, name, removed=True)
    if region is not None and region.removed_at is None:
        raise RegionError(f"region {name!r} exists; use `hub region rotate-token` for a new token")
    if region is None:
        region = Region(name=name)
        db.add(region)
    region.algorithm, region.public_key, region.key_id = key.algorithm, key.public.hex(), key.key_id
    region.token_hash, region.removed_at = token_hash(token), None
    db.commit()
    return region, token


def rotate(db: Session, name: str) -> str:
    region = _existing(db, name)
    token = new_token()
    region.token_hash = token_hash(token)
    db.commit()
    return token


def remove(db: Session, name: str) -> None:
    """The region stops uploading and leaves the overview; its uploads stay (history kept)."""
    region = _existing(db, name)
    region.removed_at, region.token_hash = utcnow(), "-"
    db.commit()


def listing(db: Session) -> list[Region]:
    return list(db.scalars(select(Region).order_by(Region.name)))


def _existing(db: Session, name: str) -> Region:
    region = find(db, name)
    if region is None:
        raise RegionError(f"no region {name!r}")
    return region


def token_matches(region: Region, token: str) -> bool:
    return hmac.compare_digest(region.token_hash, token_hash(token))


def key_of(region: Region) -> signing.Key:
    return signing.Key(region.algorithm, bytes.fromhex(region.public_key))
