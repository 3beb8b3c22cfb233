"""The hub as an auditor uses it: a real uvicorn server on loopback over PostgreSQL, driven in headless Chromium
(selenium + chromium-driver): sign in, overview, region, finding, bundle download; screenshots are not blank."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn
from fastapi.testclient import TestClient
from PIL import Image, ImageStat
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from hub_helpers import PASSWORD, finding, push, result

CHROMIUM = shutil.which("chromium")
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(not (CHROMIUM and DRIVER), reason="chromium and chromium-driver are not installed "
                                                                   "(scripts/system-deps installs them)")


@pytest.fixture
def database_url(postgres) -> str:
    """PostgreSQL only: the browser test runs against the production database."""
    return postgres.create_database("hub_browser")


@pytest.fixture
def server(hub, bundles, keys):
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    res = result(finding("SOV-MSG-001", "failed", file="roles/notify/templates/alert.j2", line=4),
                 finding("SOV-MSG-002", "passed"))
    path = bundles.make(res, keys["chelyabinsk"][0], now)
    assert push(TestClient(hub), "chelyabinsk", hub.tokens["chelyabinsk"], path).status_code == 201
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    srv = uvicorn.Server(uvicorn.Config(hub, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", path
    srv.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def browser(tmp_path):
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--window-size=1280,1000",
                "--disable-dev-shm-usage", f"--user-data-dir={tmp_path / 'profile'}"):
        options.add_argument(arg)
    options.add_experimental_option("prefs", {"download.default_directory": str(tmp_path / "downloads"),
                                              "download.prompt_for_download": False})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow",
                                                        "downloadPath": str(tmp_path / "downloads")})
    yield driver
    driver.quit()


def _not_blank(driver, where: Path) -> None:
    png = driver.get_screenshot_as_png()
    where.write_bytes(png)
    image = Image.open(io.BytesIO(png)).convert("RGB")
    assert max(hi - lo for lo, hi in ImageStat.Stat(image).extrema) > 150, where
    assert len(image.getcolors(1 << 20) or []) > 20, where  # text, table and badges, not one flat colour


def test_auditor_signs_in_reads_and_downloads(server, browser, tmp_path):
    base, bundle_path = server
    browser.get(base + "/")
    assert browser.current_url.endswith("/login")
    browser.find_element(By.ID, "username").send_keys("auditor")
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    browser.find_element(By.ID, "signin").click()
    matrix = browser.find_element(By.ID, "matrix")
    assert "chelyabinsk" in matrix.text and "✗" in matrix.text and "Обзор по стране" in browser.page_source
    _not_blank(browser, tmp_path / "overview.png")
    browser.find_element(By.LINK_TEXT, "chelyabinsk").click()
    assert "roles/notify/templates/alert.j2:4" in browser.find_element(By.ID, "new").text
    _not_blank(browser, tmp_path / "region.png")
    browser.find_element(By.CSS_SELECTOR, "#latest a.finding-link").click()
    assert "roles/notify/templates/alert.j2:4" in browser.find_element(By.ID, "file").text
    assert browser.find_element(By.ID, "remediation").text.strip()
    _not_blank(browser, tmp_path / "finding.png")
    browser.find_element(By.CSS_SELECTOR, "a.download").click()
    target = tmp_path / "downloads" / bundle_path.name
    deadline = time.monotonic() + 20
    while not target.is_file() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert target.read_bytes() == bundle_path.read_bytes()
