"""Hub fixtures: signed bundles made by sovstack.bundle, a throwaway PostgreSQL, and the app on each database."""

from __future__ import annotations

import datetime as dt
import itertools
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sovstack import bundle
from sovstack.bundle import signing
from sovstack.hub import app as hub_app
from sovstack.hub import regions, synthetic, throwaway
from sovstack.hub.auth import Role, add_user
from sovstack.models import Finding, InputRecord, Result, Summary, ToolInfo, WaiverRef

PASSWORD = "correct horse battery staple"
_names = itertools.count()


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
        path = self.tmp / f"bundle-{next(_names)}.tar.gz"
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


@pytest.fixture(scope="session")
def bundles(tmp_path_factory, catalogue) -> Bundles:
    return Bundles(tmp_path_factory.mktemp("bundles"), catalogue)


@pytest.fixture(scope="session")
def keys(tmp_path_factory) -> dict[str, tuple[signing.Key, Path]]:
    """Signing keys as `bundle keygen` writes them: two Ed25519 regions and one GOST R 34.10-2012 region."""
    out = {}
    base = tmp_path_factory.mktemp("keys")
    for name, algorithm in (("chelyabinsk", signing.ED25519), ("tyumen", signing.ED25519),
                            ("udmurtia", signing.GOST)):
        key = signing.generate(algorithm)
        _, public = signing.write_keys(key, base / name)
        out[name] = (key, public)
    return out


@pytest.fixture(scope="session")
def postgres(tmp_path_factory):
    try:
        cluster = throwaway.Cluster()
    except throwaway.Unavailable as exc:
        pytest.fail(f"the hub tests need PostgreSQL (scripts/system-deps installs it): {exc}")
    cluster.start()
    yield cluster
    cluster.destroy()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hub.db'}"
    return request.getfixturevalue("postgres").create_database(f"hub_{next(_names)}")


@pytest.fixture
def hub(database_url, keys, catalogue):
    """The app on a migrated database with three regions, an auditor and an admin; `hub.tokens` by region."""
    app = hub_app.create_app(hub_app.Settings(database=database_url, catalogue=catalogue))
    state = app.state.hub
    with state.sessions() as session:
        app.tokens = {name: regions.add(session, name, public)[1] for name, (_, public) in keys.items()}
        add_user(session, "auditor", PASSWORD, Role.AUDITOR)
        add_user(session, "admin", PASSWORD, Role.ADMIN)
    yield app
    state.engine.dispose()


def sign_in(client: TestClient, user: str = "auditor") -> None:
    page = client.get("/login")
    csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    done = client.post("/login", data={"username": user, "password": PASSWORD, "csrf": csrf},
                       follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/", done.text


def push(client: TestClient, region: str, token: str, path: Path, url_region: str | None = None):
    return client.post(f"/api/v1/regions/{url_region or region}/bundles", content=path.read_bytes(),
                       headers={"Authorization": f"Bearer {token}", "X-Bundle-Filename": path.name})

