"""Verdicts the hub shows: per legal requirement and per upload, from a result read leniently (fail closed)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sovstack.catalogue import Catalogue


class Verdict(StrEnum):
    MET = "met"
    VIOLATED = "violated"
    WAIVED = "waived"
    NOT_EVALUATED = "not-evaluated"
    STALE = "stale"


def requirement_verdicts(catalogue: Catalogue, findings: list[dict[str, Any]], errors: int) -> dict[str, str]:
    """Each requirement: violated if one of its policies failed, not evaluated if an input was not evaluated or no
    policy of it produced a finding, waived if only waived findings remain, else met."""
    by_policy: dict[str, set[str]] = {}
    for item in findings:
        by_policy.setdefault(str(item.get("policy_id")), set()).add(str(item.get("status")))
    out = {}
    for fw in catalogue.frameworks:
        for req in fw.requirements:
            seen = set().union(*(by_policy.get(pid, set()) for pid in req.policies))
            out[req.id] = _verdict(seen, errors)
    return out


def _verdict(seen: set[str], errors: int) -> str:
    if "failed" in seen:
        return Verdict.VIOLATED
    if errors or not seen:
        return Verdict.NOT_EVALUATED
    return Verdict.WAIVED if "waived" in seen else Verdict.MET


def upload_verdict(failed: int, waived: int, passed: int, errors: int) -> str:
    if failed:
        return Verdict.VIOLATED
    if errors or not (waived or passed):
        return Verdict.NOT_EVALUATED
    return Verdict.WAIVED if waived else Verdict.MET


def region_verdict(last: Any, now: dt.datetime, stale_after: dt.timedelta) -> str:
    """`last` is the newest upload (or None): stale when older than `stale_after`."""
    if last is None:
        return Verdict.NOT_EVALUATED
    if now - last.created_at > stale_after:
        return Verdict.STALE
    return upload_verdict(last.failed, last.waived, last.passed, last.errors)
