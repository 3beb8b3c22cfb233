"""The catalogue's join key: each policy's home (check, metadata, docs, fixtures) and the frameworks name the same
policies."""

from __future__ import annotations

import re
import shutil

import pytest

from sovstack.catalogue import CatalogueError, catalogue_files, check_file, homes, load
from sovstack.checks.homes import Derived

CHECK_ID = re.compile(r'"(SOV-[A-Z]{3}-\d{3})"')


def copy_metadata(root, dest):
    """A catalogue of metadata and frameworks only (no checks, docs or fixtures)."""
    for home in homes(root / "policies"):
        (dest / home.name).mkdir(parents=True)
        shutil.copy(home / "metadata.yaml", dest / home.name / "metadata.yaml")
    shutil.copytree(root / "policies/frameworks", dest / "frameworks")


def test_every_policy_has_one_home_with_its_check_metadata_docs_and_fixtures(root, catalogue):
    found = homes(root / "policies")
    assert [h.name for h in found] == sorted(catalogue.policies)
    for home in found:
        assert sorted(p.name for p in home.glob("*.py")) == [check_file(home).name], home
        assert set(CHECK_ID.findall(check_file(home).read_text())) == {home.name}, home
        assert (home / "README.md").is_file() and (home / "fixtures").is_dir(), home


def test_inputs_and_engine_come_from_the_code_not_the_metadata(root, tmp_path):
    """A metadata file that states them again is rejected, so metadata and code cannot drift apart."""
    copy_metadata(root, tmp_path)
    meta = tmp_path / "SOV-MSG-004/metadata.yaml"
    meta.write_text(meta.read_text() + "inputs:\n- alertmanager\nengine: native\n")
    with pytest.raises(CatalogueError, match="inputs"):
        load(tmp_path)


def test_derived_engine_and_inputs_follow_the_check_classes(catalogue):
    from sovstack.catalogue_page import derived

    code = derived(catalogue)
    assert set(code) == set(catalogue.policies)
    assert code["SOV-RES-001"] == Derived("checkov", ("terraform",))
    assert code["SOV-MSG-001"] == Derived("checkov", ("ansible",))
    assert code["SOV-MSG-009"] == Derived("checkov", ("kubernetes",))
    assert code["SOV-MSG-004"].engine == "native" and "alertmanager" in code["SOV-MSG-004"].inputs
    assert code["SOV-GOV-001"] == Derived("native", ("any",))


def test_every_policy_maps_to_a_requirement_once(catalogue):
    for pid in catalogue.policies:
        assert catalogue.requirements_for(pid), f"{pid} maps to no legal requirement"
    for fw in catalogue.frameworks:
        for req in fw.requirements:
            assert len(req.policies) == len(set(req.policies)), req.id


def test_catalogue_rejects_unknown_and_mismatched_ids(root, tmp_path):
    broken = tmp_path / "policies"
    copy_metadata(root, broken)
    (broken / "frameworks/152-fz.yaml").write_text(
        (broken / "frameworks/152-fz.yaml").read_text().replace("SOV-RES-001", "SOV-RES-999", 1))
    with pytest.raises(CatalogueError, match="SOV-RES-999"):
        load(broken)
    shutil.copy(broken / "SOV-MSG-001/metadata.yaml", broken / "SOV-MSG-002/metadata.yaml")
    with pytest.raises(CatalogueError, match="does not match"):
        load(broken)
    (broken / "SOV-MSG-002/metadata.yaml").unlink()
    with pytest.raises(CatalogueError, match="without metadata"):
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


def test_links_between_policy_docs_resolve(root):
    for home in homes(root / "policies"):
        text = (home / "README.md").read_text(encoding="utf-8")
        for target in re.findall(r"\]\(((?!https?:|#)[^)#\s]+)", text):
            assert (home / target).resolve().is_file(), f"{home.name}/README.md links to missing {target}"


def test_a_catalogue_of_the_old_layout_is_refused_with_the_reason(tmp_path):
    (tmp_path / "metadata").mkdir()
    (tmp_path / "frameworks").mkdir()
    with pytest.raises(CatalogueError, match="old layout"):
        load(tmp_path)


def test_the_catalogues_files_are_its_homes_without_fixtures(root):
    """What the cache fingerprint and the bundle's policy digest cover: editing a fixture changes neither."""
    rels = {p.relative_to(root / "policies").as_posix() for p in catalogue_files(root / "policies")}
    assert {"SOV-MSG-004/SOV_MSG_004.py", "SOV-MSG-004/metadata.yaml", "checkov/terraform/SOV_RES_001.py",
            "data/messengers.yaml", "frameworks/152-fz.yaml"} <= rels
    assert not [r for r in rels if "/fixtures/" in r or "__pycache__" in r]
