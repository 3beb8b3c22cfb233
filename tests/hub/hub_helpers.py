"""Helpers of the hub tests: results and real signed bundles, sign-in and upload through the HTTP API."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

from fastapi.testclient import TestClient

from sovstack import bundle
from sovstack.bundle import signing
from sovstack.hub import synthetic
from sovstack.models import Finding, InputRecord, Result, Summary, ToolInfo, WaiverRef

PASSWORD = "correct horse battery staple"
names = itertools.count()


def finding(policy: str, status: str, file: str = "playbooks/notify.yml", line: int = 7, **extra) -> Finding:
    return Finding(policy_id=policy, category="foreign-messenger", status=status, severity="high", file=file,
                   line=line, message=f"{policy} {status} in {file}", legal_basis=["149-FZ art. 10 part 8"], **extra)


def waiver(expires: dt.date) -> WaiverRef:
    return WaiverRef(id="W-7", reason="migration to MAX in progress", owner="ivanov", approved_by="petrov",
                     ticket="SEC-12", expires=expires, days_left=(expires - dt.date.today()).days)


def result(*findings: Finding, errors: int = 0) -> Result:
    count = lambda s: sum(f.status == s for f in findings)  # noqa: E731
    return Result(schema_version="1", tool=ToolInfo(version="0.1.0"),
                  summary=Summary(failed=count("failed"), passed=count("passed"), waived=count("waived"),
                                  errors=errors),
                  inputs=[InputRecord(path="playbooks/notify.yml", kind="ansible", status="evaluated")],
                  findings=list(findings))


class Bundles:
    """Real bundles (sovstack.bundle.create, signed), restamped to a chosen manifest time and re-signed."""

    def __init__(self, tmp: Path, catalogue):
        self.tmp, self.catalogue = tmp, catalogue
        self.made: dict[tuple, bytes] = {}  # the same bundle for both databases: made once (~1 s each)

    def make(self, res: Result, key: signing.Key | None, when: dt.datetime | None = None) -> Path:
        """A fresh copy (tests may tamper with it) of the bundle for this result, key and time."""
        label = (res.model_dump_json(), key.key_id if key else None, when)
        path = self.tmp / f"bundle-{next(names)}.tar.gz"
        if label not in self.made:
            self._create(path, res, key)
            if when:
                synthetic.restamp(path, when, key)
            self.made[label] = path.read_bytes()
        path.write_bytes(self.made[label])
        return path

    def _create(self, path: Path, res: Result, key: signing.Key | None) -> None:
        """Without the PDF report (2-3 s to render; the hub does not read it): every other member is real."""
        pdf = bundle.REPORTS.pop("reports/report.pdf")
        try:
            bundle.create(path, res, self.catalogue, lang="ru", roots=[self.tmp], extra={}, key=key, command=None)
        finally:
            bundle.REPORTS["reports/report.pdf"] = pdf



def sign_in(client: TestClient, user: str = "auditor") -> None:
    page = client.get("/login")
    csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    done = client.post("/login", data={"username": user, "password": PASSWORD, "csrf": csrf},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/", done.text


def push(client: TestClient, region: str, token: str, path: Path, url_region: str | None = None):
    return client.post(f"/api/v1/regions/{url_region or region}/bundles", content=path.read_bytes(),
                       headers={"Authorization": f"Bearer {token}", "X-Bundle-Filename": path.name})
