"""Upload through the HTTP API: verified, stored once, refused with a reason (nothing stored) on each database."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sovstack.bundle import archive
from sovstack.hub.models import AuditEvent, BundleBlob, FindingRow, Upload
from sovstack.models import Verdict, VerdictStatus

from hub_helpers import finding, push, result, sign_in

T0 = dt.datetime(2026, 11, 1, 6, 0, tzinfo=dt.UTC)


def _count(app, model) -> int:
    with app.state.hub.sessions() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_upload_stores_verdicts_and_is_idempotent(hub, bundles, keys):
    path = bundles.make(result(finding("SOV-MSG-001", "failed"), finding("SOV-MSG-002", "passed")),
                        keys["chelyabinsk"][0], T0)
    client = TestClient(hub)
    first = push(client, "chelyabinsk", hub.tokens["chelyabinsk"], path)
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "violated" and first.json()["stored"] is True
    again = push(client, "chelyabinsk", hub.tokens["chelyabinsk"], path)
    assert again.status_code == 200 and again.json()["upload_id"] == first.json()["upload_id"]
    assert _count(hub, Upload) == 1 and _count(hub, FindingRow) == 1
    sign_in(client)
    got = client.get(f"/api/v1/uploads/{first.json()['upload_id']}/bundle")
    assert got.status_code == 200 and got.content == path.read_bytes()
    regions = {r["region"]: r for r in client.get("/api/v1/regions").json()}
    assert regions["chelyabinsk"]["status"] == "stale"  # made on 1 November: older than 48 hours
    assert regions["tyumen"]["status"] == "not-evaluated" and regions["tyumen"]["last_upload"] is None
    assert regions["chelyabinsk"]["requirements"]["149-FZ-10.8-NOTIFY"] == "violated"


def test_gost_signed_bundle_is_accepted_and_fresh_status_shown(hub, bundles, keys):
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    path = bundles.make(result(finding("SOV-MSG-001", "passed")), keys["udmurtia"][0], now)
    client = TestClient(hub)
    assert push(client, "udmurtia", hub.tokens["udmurtia"], path).status_code == 201
    sign_in(client)
    row = next(r for r in client.get("/api/v1/regions").json() if r["region"] == "udmurtia")
    assert row["status"] == "met" and row["counts"]["passed"] == 1


def _refused(hub, response, status: int, words: str) -> None:
    assert response.status_code == status, response.text
    assert words in response.json()["detail"], response.json()
    assert _count(hub, Upload) == 0 and _count(hub, BundleBlob) == 0 and _count(hub, FindingRow) == 0


def test_unsigned_bundle_refused(hub, bundles):
    path = bundles.make(result(finding("SOV-MSG-001", "failed")), None, T0)
    _refused(hub, push(TestClient(hub), "tyumen", hub.tokens["tyumen"], path), 422, "unsigned")


def test_tampered_bundle_refused(hub, bundles, keys):
    path = bundles.make(result(finding("SOV-MSG-001", "failed")), keys["tyumen"][0], T0)
    members = archive.read(path)
    members["result.json"] = members["result.json"].replace(b'"failed"', b'"passed"')
    archive.write(path, members, T0.timestamp())
    _refused(hub, push(TestClient(hub), "tyumen", hub.tokens["tyumen"], path), 422, "changed: result.json")


def test_bundle_signed_by_another_regions_key_refused(hub, bundles, keys):
    path = bundles.make(result(), keys["chelyabinsk"][0], T0)
    _refused(hub, push(TestClient(hub), "tyumen", hub.tokens["tyumen"], path), 422, "signature refused")


def test_token_uploads_only_for_its_region(hub, bundles, keys):
    path = bundles.make(result(), keys["tyumen"][0], T0)
    response = push(TestClient(hub), "chelyabinsk", hub.tokens["chelyabinsk"], path, url_region="tyumen")
    _refused(hub, response, 403, "uploads for region 'chelyabinsk'")
    _refused(hub, push(TestClient(hub), "tyumen", "shub_wrong", path), 401, "wrong upload token")
    _refused(hub, push(TestClient(hub), "nowhere", "shub_wrong", path), 404, "no region 'nowhere'")


def test_older_bundle_refused_as_replay(hub, bundles, keys):
    key, client = keys["tyumen"][0], TestClient(hub)
    old = bundles.make(result(finding("SOV-MSG-001", "failed")), key, T0)
    new = bundles.make(result(), key, T0 + dt.timedelta(days=1))
    assert push(client, "tyumen", hub.tokens["tyumen"], new).status_code == 201
    response = push(client, "tyumen", hub.tokens["tyumen"], old)
    assert response.status_code == 409 and "older than the region's latest upload" in response.json()["detail"]
    assert _count(hub, Upload) == 1


def test_oversize_and_garbage_refused(hub):
    client = TestClient(hub)
    hub.state.hub.settings.max_bundle_bytes = 1000
    big = client.post("/api/v1/regions/tyumen/bundles", content=b"\x1f\x8b" + b"0" * 5000,
                      headers={"Authorization": f"Bearer {hub.tokens['tyumen']}"})
    _refused(hub, big, 413, "over the limit")
    hub.state.hub.settings.max_bundle_bytes = 1 << 20
    junk = client.post("/api/v1/regions/tyumen/bundles", content=b"not a bundle",
                       headers={"Authorization": f"Bearer {hub.tokens['tyumen']}"})
    _refused(hub, junk, 422, "not a .tar.gz or .zip bundle")


def test_every_upload_and_refusal_is_audited(hub, bundles, keys):
    client = TestClient(hub)
    push(client, "tyumen", "shub_wrong", bundles.make(result(), keys["tyumen"][0], T0))
    with hub.state.hub.sessions() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "upload")).all()
    assert [(e.actor, e.outcome) for e in events] == [("region:tyumen (token)", "refused")]
    assert "wrong upload token" in events[0].detail and hub.tokens["tyumen"] not in events[0].detail


def test_run_that_evaluated_nothing_is_never_compliant(hub, bundles, keys):
    res = result(finding("SOV-MSG-001", "passed"))
    res.verdict = Verdict(status=VerdictStatus.NOT_EVALUATED, exit_code=2, reason="a policy crashed")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    answer = push(TestClient(hub), "tyumen", hub.tokens["tyumen"], bundles.make(res, keys["tyumen"][0], now))
    assert answer.status_code == 201 and answer.json()["status"] == "not-evaluated"


def test_removed_region_cannot_upload_but_its_history_stays(hub, bundles, keys):
    from sovstack.hub import regions

    client, key = TestClient(hub), keys["tyumen"][0]
    assert push(client, "tyumen", hub.tokens["tyumen"], bundles.make(result(), key, T0)).status_code == 201
    with hub.state.hub.sessions() as session:
        regions.remove(session, "tyumen")
    later = bundles.make(result(), key, T0 + dt.timedelta(days=1))
    assert push(client, "tyumen", hub.tokens["tyumen"], later).status_code == 404
    sign_in(client)
    assert "tyumen" not in {r["region"] for r in client.get("/api/v1/regions").json()}
    assert len(client.get("/api/v1/regions/tyumen/uploads").json()) == 1


def test_migrations_match_the_models(hub):
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from sovstack.hub.models import Base

    with hub.state.hub.engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_two_hub_processes_share_one_database(hub, bundles, keys, catalogue):
    """Stateless: an upload through one app and a session opened on it are seen by another over the same database."""
    from sovstack.hub import app as hub_app

    other = hub_app.create_app(hub_app.Settings(database=str(hub.state.hub.engine.url.render_as_string(False)),
                                                catalogue=catalogue))
    first, second = TestClient(hub), TestClient(other)
    path = bundles.make(result(finding("SOV-MSG-001", "failed")), keys["tyumen"][0], T0)
    assert push(first, "tyumen", hub.tokens["tyumen"], path).status_code == 201
    assert push(second, "tyumen", hub.tokens["tyumen"], path).status_code == 200
    sign_in(first)
    second.cookies = first.cookies
    assert next(r for r in second.get("/api/v1/regions").json() if r["region"] == "tyumen")["counts"]["failed"] == 1
    other.state.hub.engine.dispose()
