"""The auditor's HTML report: Russian by default, self-contained, every finding with its evidence and basis."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from markupsafe import escape

from sovstack.models import FindingChange, History, HistoryRun, RegionCounts, Status
from sovstack.report import Format

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1"


class Page(HTMLParser):
    """Collects what a browser would load and the visible text."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.styles: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.styles.append(data)


def _html(result, catalogue, lang=None) -> str:
    return Format.HTML.render(result, catalogue, lang or Format.HTML.default_lang)


def test_russian_by_default_english_on_request(result, catalogue):
    assert Format.HTML.default_lang == "ru" and Format.PDF.default_lang == "ru" and Format.JSON.default_lang == "en"
    ru, en = _html(result, catalogue), _html(result, catalogue, "en")
    assert '<html lang="ru">' in ru and "Отчёт о соответствии требованиям 152-ФЗ и 149-ФЗ" in ru
    assert '<html lang="en">' in en and "Compliance report: 152-FZ and 149-FZ" in en
    assert escape(catalogue.get("SOV-MSG-001").remediation.ru) in ru
    assert escape(catalogue.get("SOV-MSG-001").remediation.en) in en


def test_self_contained_nothing_to_load(result, catalogue):
    page = Page()
    page.feed(_html(result, catalogue))
    tags = {t for t, _ in page.tags}
    assert "script" not in tags and "link" not in tags and "img" not in tags and "iframe" not in tags
    assert not [a for t, a in page.tags if t != "a" and ("src" in a or "href" in a)]
    css = "".join(page.styles)
    assert css.strip() and "@import" not in css and "url(" not in css and "@font-face" not in css
    assert "@media print" in css and "@page" in css


def test_each_violation_with_location_excerpt_legal_basis_and_remediation(result, catalogue):
    finding = result.findings[0].model_copy(update={"excerpt": "community.general.telegram:"})
    html = _html(result.model_copy(update={"findings": [finding, *result.findings[1:]]}), catalogue)
    card = html[html.index('data-policy="SOV-MSG-001"'):]
    card = card[: card.index("</article>")]
    meta = catalogue.get("SOV-MSG-001")
    for text in ("SOV-MSG-001", "высокая", "notify telegram", "deploy/site.yml:12", "community.general.telegram:",
                 meta.title.ru, meta.remediation.ru, meta.legal[0].url):
        assert escape(text) in card, text


def test_waiver_with_owner_approver_ticket_and_days_left(result, catalogue):
    html = _html(result, catalogue)
    row = html[html.index('data-waiver="W-7"'):]
    row = row[: row.index("</tr>")]
    for text in ("W-7", "SOV-MSG-002", "migration to the domestic messenger", "ops-team", "ciso", "SEC-1234",
                 "2031-01-31", ">400<"):
        assert text in row, text


def test_inputs_not_evaluated_are_as_prominent_as_violations(result, catalogue):
    html = _html(result, catalogue)
    section = html[html.index('<section id="not-evaluated"'):html.index('<section id="violations"')]
    assert 'class="alarm"' in section  # framed and coloured like the violations, placed before them
    assert "broken/values.yaml" in section and "YAML parse error at line 3" in section
    assert html.index('id="not-evaluated"') < html.index('id="violations"')
    assert 'data-verdict="not-evaluated"' in html


def test_secrets_stay_masked(result, catalogue):
    leaked = result.findings[0].model_copy(update={"message": f"token bot_token: {TOKEN}", "excerpt": TOKEN})
    broken = result.inputs[1].model_copy(update={"error": f"cannot parse password={TOKEN}"})
    doc = result.model_copy(update={"findings": [leaked], "inputs": [broken]})
    for fmt in (Format.HTML, Format.MARKDOWN):
        text = fmt.render(doc, catalogue, "ru")
        assert TOKEN not in text and "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1" not in text, fmt


def test_live_evidence_beside_the_declared_configuration(result, catalogue, evidence_file):
    html = _html(result.model_copy(update={"evidence": [evidence_file]}), catalogue)
    section = html[html.index('<section id="evidence"'):html.index('<section id="history"')]
    pair = section[section.index('data-region="udmurtia"'):]
    pair = pair[: pair.index('<div class="pair"') if '<div class="pair"' in pair else len(pair)]
    assert "Заявлено в коде" in pair and "Проверено на серверах" in pair
    assert "udmurtia-bot-1" in pair and "egress.foreign_refused" in pair and "не соответствует" in pair
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw1" not in html  # the sample's unmasked token
    assert "udmurtia-pg" in section and "evidence.collected" in section


def test_without_evidence_the_report_says_so(result, catalogue):
    assert "Доказательства с серверов не приложены" in _html(result, catalogue)


def test_history_trend_and_changes(result, catalogue):
    change = FindingChange(identity="x", policy_id="SOV-RES-001", status=Status.FAILED, severity="high",
                           file="infra/main.tf", message="bucket abroad", region="chelyabinsk")
    runs = [HistoryRun(run_id=n, recorded_at=f"2026-05-0{n}T10:00:00+00:00", failed=n, waived=0, errors=0,
                       regions={"chelyabinsk": RegionCounts(failed=n)}) for n in (1, 2)]
    history = History(store="h.db", scope="/repo", runs=runs, previous_run_id=1, new=[change])
    html = _html(result.model_copy(update={"history": history}), catalogue, "en")
    section = html[html.index('<section id="history"'):html.index('<section id="requirements"')]
    assert "Run 1" in section and "Run 2" in section and 'data-region="chelyabinsk"' in section
    assert "Changes since the previous check (#1)" in section and "bucket abroad" in section
    assert "New violations (1)" in section and "Fixed (0)" in section


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_every_requirement_of_the_frameworks_is_in_the_overview(result, catalogue, lang):
    html = _html(result, catalogue, lang)
    for fw in catalogue.frameworks:
        for req in fw.requirements:
            assert f'data-requirement="{req.id}"' in html and escape(req.title.get(lang)) in html


@pytest.mark.parametrize("fmt", [Format.HTML])
def test_legal_citations_in_the_reports_language(result, catalogue, fmt):
    """Laws and articles come from the catalogue in the report's language: the Russian page cites them in Russian."""
    ru, en = fmt.render(result, catalogue, "ru"), fmt.render(result, catalogue, "en")
    ref = catalogue.get("SOV-MSG-001").legal[0]
    assert escape(catalogue.cite(ref, "ru")) in ru and escape(ref.label()) not in ru
    assert escape(ref.label()) in en
    for req in (r for fw in catalogue.frameworks for r in fw.requirements):
        assert escape(req.ref) not in ru, req.ref


def test_input_kinds_are_named_in_the_reports_language(result, catalogue):
    from sovstack.models import Kind
    from sovstack.report.templating import labels

    assert all(k.value in labels("ru")["kinds"] and k.value in labels("en")["kinds"] for k in Kind)
    errored = result.inputs[1].model_copy(update={"kind": "config"})
    html = _html(result.model_copy(update={"inputs": [result.inputs[0], errored]}), catalogue)
    assert "<td>файл конфигурации</td>" in html and "<td>config</td>" not in html
