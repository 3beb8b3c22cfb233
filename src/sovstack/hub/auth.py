"""Accounts (argon2id password hashes), server-side sessions with a CSRF token each, and the audit log."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from enum import StrEnum

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from sovstack.hub.models import AuditEvent, SessionRow, User, utcnow

SESSION_HOURS = 8
LOCKOUT_FAILURES, LOCKOUT_MINUTES = 10, 15  # failed sign-ins of one name before it is refused for a while
_hasher = PasswordHasher()  # argon2id with the library's current defaults (RFC 9106 low-memory profile)
_DUMMY = _hasher.hash("sovstack-hub-timing-equaliser")


class Role(StrEnum):
    AUDITOR = "auditor"  # reads everything, changes nothing
    ADMIN = "admin"  # also reads the audit log


class AuthError(Exception):
    """A user command cannot be done; the message says why."""


def add_user(db: Session, name: str, password: str, role: Role) -> User:
    if len(password) < 12:
        raise AuthError("a password has at least 12 characters")
    if db.scalars(select(User).where(User.name == name)).first() is not None:
        raise AuthError(f"user {name!r} exists")
    user = User(name=name, password_hash=_hasher.hash(password), role=role.value)
    db.add(user)
    db.commit()
    return user


def authenticate(db: Session, name: str, password: str) -> User | None:
    user = db.scalars(select(User).where(User.name == name)).first()
    try:
        _hasher.verify(user.password_hash if user else _DUMMY, password)
    except (VerificationError, InvalidHashError):
        return None
    return user


def locked_out(db: Session, name: str) -> bool:
    """Too many failed sign-ins of this name lately (counted in the audit log, so across hub processes)."""
    since = utcnow() - dt.timedelta(minutes=LOCKOUT_MINUTES)
    failures = db.scalar(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "login", AuditEvent.actor == f"user:{name}"[:120], AuditEvent.outcome == "refused",
        AuditEvent.at >= since))
    return (failures or 0) >= LOCKOUT_FAILURES


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8")).hexdigest()


def open_session(db: Session, user: User) -> str:
    """The cookie value; only its SHA-256 is stored."""
    value = secrets.token_urlsafe(32)
    db.execute(delete(SessionRow).where(SessionRow.expires_at < utcnow()))
    db.add(SessionRow(id_hash=_digest(value), user_id=user.id, csrf=secrets.token_urlsafe(32),
                      expires_at=utcnow() + dt.timedelta(hours=SESSION_HOURS)))
    db.commit()
    return value


def session_for(db: Session, cookie: str | None) -> SessionRow | None:
    if not cookie:
        return None
    row = db.get(SessionRow, _digest(cookie))
    if row is None or row.expires_at < utcnow():
        return None
    return row


def close_session(db: Session, cookie: str) -> None:
    db.execute(delete(SessionRow).where(SessionRow.id_hash == _digest(cookie)))
    db.commit()


def csrf_ok(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected, given or "")


def audit(db: Session, actor: str, action: str, target: str, outcome: str, detail: str = "",
          address: str = "") -> None:
    """Written in its own transaction: a refused upload is logged although nothing else is stored."""
    db.add(AuditEvent(actor=actor[:120], action=action[:40], target=target, outcome=outcome[:20],
                      detail=detail[:2000], address=address[:64]))
    db.commit()
