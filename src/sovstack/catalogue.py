"""The policy catalogue: one home per policy (policies/<ID>/) and the law frameworks, validated by pydantic.

A home holds the policy's check (<ID with underscores>.py), its metadata.yaml, its README.md and its fixtures/.
What the code says (the input kinds a check reads, its engine) is not repeated in metadata: see sovstack.checks.homes.
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from sovstack.models import Category, Severity
from sovstack.paths import CatalogueNotFound, activate, policies_dir

POLICY_ID = re.compile(r"^SOV-[A-Z]{3}-\d{3}$")


class CatalogueError(Exception):
    """The catalogue itself is broken: a file is malformed, an ID is duplicated or missing."""


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Text(Strict):
    ru: str
    en: str

    def get(self, lang: str) -> str:
        return self.ru if lang == "ru" else self.en


class LegalRef(Strict):
    law: str
    article: str
    url: str

    def label(self) -> str:
        return f"{self.law} {self.article}"


class PolicyMeta(Strict):
    id: str
    version: int = 1
    title: Text
    description: Text
    severity: Severity
    category: Category
    rationale: Text
    remediation: Text
    legal: list[LegalRef] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not POLICY_ID.match(v):
            raise ValueError(f"policy id {v!r} is not of the form SOV-<AREA>-<NNN>")
        return v

    def legal_basis(self) -> list[str]:
        return [ref.label() for ref in self.legal]


class Requirement(Strict):
    id: str
    ref: str
    title: Text
    text: Text
    policies: list[str] = Field(min_length=1)


class Framework(Strict):
    id: str
    law: str
    title: Text
    url: str
    requirements: list[Requirement] = Field(min_length=1)


class Citations(Strict):
    """Russian wording of the catalogue's English legal citations (data/citations.yaml)."""

    laws: dict[str, str] = {}
    articles: dict[str, str] = {}

    def cite(self, law: str | None, article: str, lang: str) -> str:
        """'149-FZ art. 10 part 8' in English; '149-ФЗ, ч. 8 ст. 10' in Russian (as given when not listed)."""
        if lang != "ru":
            return f"{law} {article}" if law else article
        ru = self.articles.get(article, article)
        return f"{self.laws.get(law, law)}, {ru}" if law else ru


class Catalogue:
    def __init__(self, root: Path, policies: dict[str, PolicyMeta], frameworks: list[Framework],
                 citations: Citations | None = None):
        self.root = root
        self.policies = policies
        self.frameworks = frameworks
        self.citations = citations or Citations()

    def cite(self, ref: LegalRef, lang: str) -> str:
        """A policy's legal reference in the report's language."""
        return self.citations.cite(ref.law, ref.article, lang)

    def cite_requirement(self, framework: Framework, requirement: Requirement, lang: str) -> str:
        return self.citations.cite(None, requirement.ref, lang)

    def get(self, policy_id: str) -> PolicyMeta:
        try:
            return self.policies[policy_id]
        except KeyError:
            raise KeyError(f"unknown policy {policy_id}") from None

    def requirements_for(self, policy_id: str) -> list[tuple[Framework, Requirement]]:
        return [(fw, req) for fw in self.frameworks for req in fw.requirements if policy_id in req.policies]


def _load_yaml(path: Path) -> object:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CatalogueError(f"{path}: cannot read: {exc}") from exc


def _validate(model: type[BaseModel], path: Path) -> BaseModel:
    try:
        return model.model_validate(_load_yaml(path))
    except ValidationError as exc:
        raise CatalogueError(f"{path}: invalid: {exc}") from exc


FIXTURES = "fixtures"  # a home's test data: not shipped, not part of the catalogue's fingerprint


def homes(root: Path) -> list[Path]:
    """The policy homes of a catalogue: the folders named by a policy ID."""
    return sorted(p for p in Path(root).iterdir() if p.is_dir() and POLICY_ID.match(p.name))


def check_file(home: Path) -> Path:
    """A home's check: policies/SOV-MSG-004/SOV_MSG_004.py (the module name checkov reports it under)."""
    return home / f"{home.name.replace('-', '_')}.py"


def catalogue_files(root: Path) -> list[Path]:
    """Every file of the catalogue that can change a result or a report: all but fixtures and bytecode."""
    root = Path(root)
    return sorted(p for p in root.rglob("*") if p.is_file()
                  and not {"__pycache__", FIXTURES} & set(p.relative_to(root).parts))


def _policies(root: Path) -> dict[str, PolicyMeta]:
    if (Path(root) / "metadata").is_dir() and not homes(root):
        raise CatalogueError(f"{root}: a catalogue of the old layout (metadata/, checks/); each policy now lives in "
                             "its own folder <ID>/ with its check, metadata.yaml, README.md and fixtures/")
    policies: dict[str, PolicyMeta] = {}
    for home in homes(root):
        path = home / "metadata.yaml"
        if not path.is_file():
            raise CatalogueError(f"{home}: policy folder without metadata.yaml")
        meta = _validate(PolicyMeta, path)
        if meta.id != home.name:
            raise CatalogueError(f"{path}: id {meta.id} does not match the folder name {home.name}")
        policies[meta.id] = meta
    return policies


def load(root: Path) -> Catalogue:
    policies = _policies(root)
    frameworks = [_validate(Framework, p) for p in sorted((root / "frameworks").glob("*.yaml"))]
    for fw in frameworks:
        for req in fw.requirements:
            for pid in req.policies:
                if pid not in policies:
                    raise CatalogueError(f"framework {fw.id}: requirement {req.id} names unknown policy {pid}")
    activate(root)
    citations = root / "data" / "citations.yaml"
    return Catalogue(root, policies, frameworks, _validate(Citations, citations) if citations.is_file() else None)


def load_default(root: str | None = None) -> Catalogue:
    try:
        folder = policies_dir(root)
    except CatalogueNotFound as exc:
        raise CatalogueError(str(exc)) from None
    return load(folder)
