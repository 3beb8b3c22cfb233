"""The catalogue's join key: metadata, check files, docs and frameworks name the same policies."""

from __future__ import annotations

import re
import shutil

import pytest

from sovstack.catalogue import CatalogueError, load

CHECK_ID = re.compile(r'"(SOV-[A-Z]{3}-\d{3})"')


def check_files(root):
    return [p for p in (root / "policies/checks").rglob("SOV_*.py")]


def test_every_policy_has_one_check_file_named_by_its_id(root, catalogue):
    files = check_files(root)
    by_id = {}
    for p in files:
        ids = set(CHECK_ID.findall(p.read_text()))
        assert ids == {p.stem.replace("_", "-")}, p
        assert p.stem.replace("_", "-") not in by_id, f"duplicate check for {p.stem}"
        by_id[p.stem.replace("_", "-")] = p
    assert set(by_id) == set(catalogue.policies)


def test_engine_field_matches_where_the_check_lives(root, catalogue):
    for p in check_files(root):
        meta = catalogue.get(p.stem.replace("_", "-"))
        assert ("checkov" in p.parts) == (meta.engine == "checkov"), p


def test_every_policy_has_docs_and_a_requirement(root, catalogue):
    for pid in catalogue.policies:
        assert (root / "policies/docs" / f"{pid}.md").is_file(), pid
        assert catalogue.requirements_for(pid), f"{pid} maps to no legal requirement"
    for fw in catalogue.frameworks:
        for req in fw.requirements:
            assert len(req.policies) == len(set(req.policies)), req.id


def test_catalogue_rejects_duplicates_and_missing_ids(root, tmp_path):
    broken = tmp_path / "policies"
    shutil.copytree(root / "policies/metadata", broken / "metadata")
    shutil.copytree(root / "policies/frameworks", broken / "frameworks")
    (broken / "frameworks/152-fz.yaml").write_text(
        (broken / "frameworks/152-fz.yaml").read_text().replace("SOV-RES-001", "SOV-RES-999", 1))
    with pytest.raises(CatalogueError, match="SOV-RES-999"):
        load(broken)
    shutil.copy(broken / "metadata/SOV-MSG-001.yaml", broken / "metadata/SOV-MSG-002.yaml")
    with pytest.raises(CatalogueError, match="does not match"):
        load(broken)


def test_every_legal_citation_has_its_russian_wording(catalogue):
    """Russian reports cite laws in Russian: each law, article and requirement reference the catalogue uses is in
    data/citations.yaml (a new citation fails here until its wording is added)."""
    cited = catalogue.citations
    refs = [ref for meta in catalogue.policies.values() for ref in meta.legal]
    assert {ref.law for ref in refs} | {fw.law for fw in catalogue.frameworks} <= cited.laws.keys()
    articles = {ref.article for ref in refs} | {req.ref for fw in catalogue.frameworks for req in fw.requirements}
    assert articles <= cited.articles.keys(), sorted(articles - cited.articles.keys())
    for text in [catalogue.cite(ref, "ru") for ref in refs] + list(cited.articles.values()):
        assert not re.search(r"\b(art|part|amended|worded)\b|FZ", text), text


def test_citations_follow_the_report_language(catalogue):
    ref = catalogue.get("SOV-MSG-001").legal[0]
    assert catalogue.cite(ref, "en") == "149-FZ art. 10 part 8 (amended by 41-FZ of 01.04.2025)"
    assert catalogue.cite(ref, "ru") == "149-ФЗ, ч. 8 ст. 10 (в ред. Федерального закона от 01.04.2025 № 41-ФЗ)"
