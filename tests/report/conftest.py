"""Shared report fixtures: the real policy catalogue and one hand-built Result covering every status."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sovstack import catalogue as cat
from sovstack.models import (
    Category,
    Finding,
    InputRecord,
    InputStatus,
    Result,
    Severity,
    Status,
    Summary,
    ToolInfo,
    WaiverRef,
)

REPO = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def catalogue() -> cat.Catalogue:
    return cat.load(REPO / "policies")


def _finding(policy_id: str, status: Status, file: str, **extra: object) -> Finding:
    fields: dict[str, object] = {
        "category": Category.FOREIGN_MESSENGER,
        "severity": Severity.HIGH,
        "message": f"{policy_id} in {file}",
        "legal_basis": ["149-FZ art. 10 part 8"],
    }
    fields.update(extra)
    return Finding(policy_id=policy_id, status=status, file=file, **fields)


WAIVER = WaiverRef(
    id="W-7", reason="migration to the domestic messenger is scheduled", owner="ops-team",
    approved_by="ciso", ticket="SEC-1234", expires=dt.date(2031, 1, 31), days_left=400,
)


@pytest.fixture
def result() -> Result:
    findings = [
        _finding("SOV-MSG-001", Status.FAILED, "deploy/site.yml", line=12, resource="notify telegram"),
        _finding("SOV-RES-001", Status.FAILED, "infra/main.tf", category=Category.DATA_RESIDENCY,
                 resource="aws_s3_bucket.data"),
        _finding("SOV-MSG-002", Status.WAIVED, "monitoring/alertmanager.yml", line=40, waiver=WAIVER),
        _finding("SOV-GOV-001", Status.PASSED, "deploy/ok.yml", line=3, severity=Severity.MEDIUM,
                 category=Category.GOVERNANCE),
    ]
    inputs = [
        InputRecord(path="deploy/site.yml", kind="ansible", status=InputStatus.EVALUATED),
        InputRecord(path="broken/values.yaml", kind="yaml", status=InputStatus.ERROR,
                    error="YAML parse error at line 3"),
    ]
    return Result(
        schema_version="1.0", tool=ToolInfo(version="0.1.0"),
        summary=Summary(failed=2, passed=1, waived=1, errors=1),
        inputs=inputs, findings=findings,
        started_at="2025-07-01T10:00:00+03:00", duration_s=2.5,
    )


EVIDENCE_SAMPLE = DATA / "evidence-sample.json"


@pytest.fixture(scope="session")
def evidence_file():
    """The sample evidence of playbooks/verify.yml (two regions, one failing host, one unreachable), as carried."""
    from sovstack.hostevidence import carry

    return carry(EVIDENCE_SAMPLE)
