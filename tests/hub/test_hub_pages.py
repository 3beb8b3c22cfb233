"""Pages and sessions: sign-in with CSRF, secure headers, RU/EN, region changes, finding details, waivers, audit."""

from __future__ import annotations

import datetime as dt

from fastapi.testclient import TestClient
from sqlalchemy import select

from sovstack.hub.models import AuditEvent
from sovstack.models import ChainLink

from hub_helpers import finding, push, result, sign_in, waiver

NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)


def _two_uploads(hub, bundles, keys) -> TestClient:
    """tyumen: yesterday SOV-MSG-001 failed in notify.yml; today that is fixed, a new failure and a waiver appear."""
    key, client = keys["tyumen"][0], TestClient(hub)
    soon = dt.date.today() + dt.timedelta(days=10)
    before = result(finding("SOV-MSG-001", "failed"), finding("SOV-MSG-002", "passed"))
    chain = [ChainLink(file="group_vars/all.yml", line=3, note="notify_url = https://api.telegram.org/bot…")]
    after = result(finding("SOV-MSG-002", "failed", file="infra/alerts.yml", line=12, chain=chain),
                   finding("SOV-MSG-001", "waived", file="roles/bot/tasks/main.yml", waiver=waiver(soon)))
    for res, when in ((before, NOW - dt.timedelta(days=1)), (after, NOW)):
        assert push(client, "tyumen", hub.tokens["tyumen"], bundles.make(res, key, when)).status_code == 201
    return client


def test_pages_need_sign_in_and_login_needs_csrf(hub):
    client = TestClient(hub)
    assert client.get("/", follow_redirects=False).headers["location"] == "/login"
    assert client.get("/api/v1/regions").status_code == 401
    refused = client.post("/login", data={"username": "auditor", "password": "correct horse battery staple",
                                          "csrf": "forged"})
    assert refused.status_code == 403 and "hub_session" not in client.cookies
    wrong = client.post("/login", data={"username": "auditor", "password": "nope", "csrf": "x"},
                        cookies={"hub_login_csrf": "x"}, follow_redirects=False)
    assert wrong.headers["location"] == "/login?error=credentials"


def test_secure_headers_and_cookie_flags(hub):
    client = TestClient(hub)
    page = client.get("/login")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff"
    csrf = page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    done = client.post("/login", data={"username": "auditor", "password": "correct horse battery staple",
                                       "csrf": csrf}, follow_redirects=False)
    cookie = done.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=strict" in cookie
    assert "cdn" not in client.get("/").text.lower() and "<script" not in client.get("/").text


def test_overview_region_finding_pages_in_russian_and_english(hub, bundles, keys):
    client = _two_uploads(hub, bundles, keys)
    sign_in(client)
    overview = client.get("/")
    assert "Обзор по стране" in overview.text and "149-FZ-10.8-NOTIFY" in overview.text
    assert 'class="cell st-violated"' in overview.text
    assert "Country overview" in client.get("/?lang=en").text and "Country overview" in client.get("/").text
    region = client.get("/regions/tyumen").text
    new_part, fixed_part = region.split('id="new"', 1)[1].split("</table>", 1)[0], \
        region.split('id="fixed"', 1)[1].split("</table>", 1)[0]
    assert "infra/alerts.yml:12" in new_part and "playbooks/notify.yml:7" in fixed_part
    assert "<svg" in region and "polyline" in region
    found = client.get("/api/v1/regions/tyumen/findings").json()
    failed = next(f for f in found["findings"] if f["status"] == "failed")
    page = client.get(f"/findings/{failed['id']}").text
    assert "infra/alerts.yml:12" in page and "149-FZ art. 10 part 8" in page and 'id="remediation"' in page
    assert "group_vars/all.yml:3" in page.split('id="chain"', 1)[1]


def test_expiring_waivers_across_regions(hub, bundles, keys):
    client = _two_uploads(hub, bundles, keys)
    sign_in(client)
    rows = client.get("/api/v1/waivers?days=30").json()
    assert [(r["region"], r["policy_id"]) for r in rows] == [("tyumen", "SOV-MSG-001")]
    assert client.get("/api/v1/waivers?days=5").json() == []
    assert "W-7" in client.get("/waivers").text


def test_audit_log_records_reads_and_is_admin_only(hub):
    client = TestClient(hub)
    sign_in(client)
    client.get("/api/v1/regions")
    assert client.get("/audit").status_code == 403
    with hub.state.hub.sessions() as session:
        reads = session.scalars(select(AuditEvent).where(AuditEvent.action == "read")).all()
    assert ("user:auditor", "/api/v1/regions") in {(e.actor, e.target) for e in reads}
    admin = TestClient(hub)
    sign_in(admin, "admin")
    assert "/api/v1/regions" in admin.get("/audit").text


def test_logout_needs_csrf(hub):
    client = TestClient(hub)
    sign_in(client)
    assert client.post("/logout", data={"csrf": "forged"}).status_code == 403
    assert client.get("/api/v1/regions").status_code == 200
    csrf = client.get("/").text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
    client.post("/logout", data={"csrf": csrf})
    assert client.get("/api/v1/regions").status_code == 401


def test_openapi_document_lists_the_api(hub):
    paths = TestClient(hub).get("/api/v1/openapi.json").json()["paths"]
    assert {"/api/v1/regions", "/api/v1/regions/{region}/bundles", "/api/v1/waivers"} <= set(paths)


def test_repeated_wrong_passwords_lock_the_name_out(hub):
    client = TestClient(hub)
    for _ in range(10):
        client.post("/login", data={"username": "auditor", "password": "guess", "csrf": "x"},
                    cookies={"hub_login_csrf": "x"})
    right = client.post("/login", data={"username": "auditor", "password": "correct horse battery staple",
                                        "csrf": "x"}, cookies={"hub_login_csrf": "x"}, follow_redirects=False)
    assert right.headers["location"] == "/login?error=locked" and "hub_session" not in client.cookies
