"""The hub's tables (SQLAlchemy 2): regions and their keys, uploads with their findings, users, sessions, audit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    pass


class Region(Base):
    __tablename__ = "regions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    algorithm: Mapped[str] = mapped_column(String(40))
    public_key: Mapped[str] = mapped_column(String(256))  # hex, as in manifest.sig
    key_id: Mapped[str] = mapped_column(String(32))
    token_hash: Mapped[str] = mapped_column(String(64), index=True)  # SHA-256 of a 256-bit random token
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[dt.datetime | None] = mapped_column(default=None)
    last_upload_id: Mapped[int | None] = mapped_column(Integer, default=None)  # denormalised for the overview


class Upload(Base):
    __tablename__ = "uploads"
    __table_args__ = (UniqueConstraint("region_id", "manifest_sha256", name="uq_upload_manifest"),
                      Index("ix_uploads_region_created", "region_id", "created_at"))
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    region_id: Mapped[int] = mapped_column(ForeignKey("regions.id"))
    manifest_sha256: Mapped[str] = mapped_column(String(64))
    manifest_streebog256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime]  # when the region's CI made the bundle (manifest created_at)
    received_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    key_id: Mapped[str] = mapped_column(String(32))
    algorithm: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(BigInteger)
    filename: Mapped[str] = mapped_column(String(200))
    failed: Mapped[int] = mapped_column(default=0)
    passed: Mapped[int] = mapped_column(default=0)
    waived: Mapped[int] = mapped_column(default=0)
    errors: Mapped[int] = mapped_column(default=0)
    requirements: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # requirement id -> status
    findings: Mapped[list[FindingRow]] = relationship(back_populates="upload", cascade="all, delete-orphan")


class BundleBlob(Base):
    """The original bundle bytes, apart from the upload row so that listing uploads never reads them."""

    __tablename__ = "bundle_blobs"
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id"), primary_key=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class FindingRow(Base):
    __tablename__ = "findings"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    upload_id: Mapped[int] = mapped_column(ForeignKey("uploads.id"), index=True)
    identity: Mapped[str] = mapped_column(String(32))
    policy_id: Mapped[str] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(16))
    severity: Mapped[str] = mapped_column(String(16))
    category: Mapped[str] = mapped_column(String(40), default="")
    file: Mapped[str] = mapped_column(Text)
    line: Mapped[int | None] = mapped_column(default=None)
    resource: Mapped[str | None] = mapped_column(Text, default=None)
    message: Mapped[str] = mapped_column(Text)
    legal_basis: Mapped[list[str]] = mapped_column(JSON, default=list)
    chain: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    waiver: Mapped[dict[str, Any] | None] = mapped_column(JSON, default=None)
    waiver_expires: Mapped[dt.date | None] = mapped_column(default=None, index=True)
    upload: Mapped[Upload] = relationship(back_populates="findings")


class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    password_hash: Mapped[str] = mapped_column(String(200))  # argon2id
    role: Mapped[str] = mapped_column(String(20))  # auditor (read-only) or admin
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)


class SessionRow(Base):
    __tablename__ = "sessions"
    id_hash: Mapped[str] = mapped_column(String(64), primary_key=True)  # SHA-256 of the cookie value
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    csrf: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[dt.datetime]
    user: Mapped[User] = relationship()


class AuditEvent(Base):
    __tablename__ = "audit"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(120))  # user:NAME, region:NAME (token), anonymous
    action: Mapped[str] = mapped_column(String(40))
    target: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(20))
    detail: Mapped[str] = mapped_column(Text, default="")
    address: Mapped[str] = mapped_column(String(64), default="")
