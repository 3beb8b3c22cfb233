"""Seen as a person sees it: the HTML report laid out by headless Chromium, the PDF turned into page images."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from sovstack.report import Format

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
POPPLER = shutil.which("pdftoppm") and shutil.which("pdftotext") and shutil.which("pdffonts")
needs_chromium = pytest.mark.skipif(not CHROMIUM, reason="chromium is not installed (scripts/system-deps installs "
                                                          "the Debian package)")
needs_poppler = pytest.mark.skipif(not POPPLER, reason="poppler-utils is not installed (scripts/system-deps)")

# Test-only: appended to a copy of the report (the report itself has no script). After layout it records, for
# each part an auditor must see, whether the element and all its ancestors are rendered and its visible text.
PROBE = """<script>
(() => {
  const parts = {overview: "#overview table.regions", matrix: "#matrix table.matrix", verdict: "#verdict",
                 violation: "#violations article.finding", waiver: "#waivers tr.waiver",
                 not_evaluated: "#not-evaluated tr.input-error"};
  const out = {};
  for (const [name, selector] of Object.entries(parts)) {
    const el = document.querySelector(selector);
    if (!el) { out[name] = {found: false}; continue; }
    const box = el.getBoundingClientRect();
    let shown = box.width > 0 && box.height > 0;
    for (let p = el; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.display === "none" || s.visibility !== "visible" || parseFloat(s.opacity) === 0) shown = false;
    }
    const style = getComputedStyle(el);
    out[name] = {found: true, shown, width: box.width, height: box.height, left: box.left,
                 text: el.innerText, color: style.color};
  }
  document.body.setAttribute("data-probe", JSON.stringify(out));
})();
</script>"""


def _chromium(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--hide-scrollbars",
           "--disable-background-networking", "--disable-extensions", f"--user-data-dir={cwd / 'profile'}", *args]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=cwd)


@needs_chromium
def test_overview_violation_and_waiver_are_visible_after_layout(result, catalogue, tmp_path):
    html = Format.HTML.render(result, catalogue, "ru")
    probe = tmp_path / "probe.html"
    probe.write_text(html.replace("</body>", PROBE + "</body>"), encoding="utf-8")
    proc = _chromium("--window-size=1280,2000", "--dump-dom", probe.as_uri(), cwd=tmp_path)
    found = re.search(r'data-probe="([^"]*)"', proc.stdout)
    assert found, proc.stderr[-2000:]
    parts = json.loads(found.group(1).replace("&quot;", '"').replace("&amp;", "&"))
    for name, part in parts.items():
        assert part["found"] and part["shown"], (name, part)
        assert part["width"] > 100 and part["height"] > 10 and part["left"] >= 0, (name, part)
    assert "Политика" in parts["overview"]["text"] or "Регион" in parts["overview"]["text"]
    assert "SOV-MSG-001" in parts["violation"]["text"] and "deploy/site.yml:12" in parts["violation"]["text"]
    assert "W-7" in parts["waiver"]["text"] and "ciso" in parts["waiver"]["text"]
    assert "broken/values.yaml" in parts["not_evaluated"]["text"]
    assert "Есть нарушения" in parts["verdict"]["text"]


@needs_chromium
def test_screenshot_is_not_blank(result, catalogue, tmp_path):
    report = tmp_path / "report.html"
    report.write_text(Format.HTML.render(result, catalogue, "ru"), encoding="utf-8")
    shot = tmp_path / "shot.png"
    proc = _chromium("--window-size=1280,1600", f"--screenshot={shot}", report.as_uri(), cwd=tmp_path)
    assert shot.is_file(), proc.stderr[-2000:]
    image = Image.open(shot).convert("RGB")
    assert image.size == (1280, 1600)
    assert max(hi - lo for lo, hi in ImageStat.Stat(image).extrema) > 150  # text on a background, not one colour
    top = image.crop((0, 0, 1280, 300))
    r, g, b = top.split()
    red = ImageChops.multiply(ImageChops.multiply(r.point(lambda v: 255 if v > 150 else 0),
                                                  g.point(lambda v: 255 if v < 80 else 0)),
                              b.point(lambda v: 255 if v < 80 else 0))
    reds = ImageStat.Stat(red).sum[0] / 255
    assert reds > 200, "the red 'violated' banner is not on screen"  # the verdict an auditor sees first


def _pdf(result, catalogue, tmp_path: Path) -> Path:
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(Format.PDF.render(result, catalogue, "ru"))
    return pdf


@needs_poppler
def test_pdf_pages_are_not_empty_and_carry_the_title(result, catalogue, tmp_path):
    pdf = _pdf(result, catalogue, tmp_path)
    assert pdf.read_bytes().startswith(b"%PDF-")
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "page")], check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2
    for page_png in pages:
        gray = Image.open(page_png).convert("L")
        dark = gray.histogram()[:128]
        dark = sum(dark)
        assert dark > 100, f"{page_png.name} is blank"
    first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"], capture_output=True,
                           text=True, check=True).stdout
    assert "Отчёт о соответствии требованиям 152-ФЗ и 149-ФЗ" in " ".join(first.split())


@needs_poppler
def test_pdf_text_is_in_fonts_that_have_cyrillic(result, catalogue, tmp_path):
    """No tofu: every embedded font is one that fontconfig lists for Russian."""
    pdf = _pdf(result, catalogue, tmp_path)
    listing = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    embedded = [line.split()[0].split("+", 1)[-1] for line in listing.splitlines()[2:] if line.strip()]
    assert embedded
    russian = subprocess.run(["fc-list", ":lang=ru", "family", "style"], capture_output=True, text=True).stdout
    known = {re.sub(r"[^a-z]", "", part.lower()) for line in russian.splitlines() for part in line.split(",")}
    for font in embedded:
        family = re.sub(r"[^a-z]", "", font.lower())
        assert any(family.startswith(k) or k.startswith(family) for k in known if k), (font, sorted(known)[:20])


def test_pdf_fetches_nothing(result, catalogue):
    """A URL the page would load stops the rendering instead of being fetched."""
    from sovstack.report.pdf_format import FetchRefused, to_pdf

    html = Format.HTML.render(result, catalogue, "en")
    with pytest.raises(FetchRefused, match="refused: http://192.0.2.1/x.css"):
        to_pdf(html.replace("</head>", '<link rel="stylesheet" href="http://192.0.2.1/x.css"></head>'))
    assert to_pdf(html.replace("</body>", '<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" alt=""></body>'))
