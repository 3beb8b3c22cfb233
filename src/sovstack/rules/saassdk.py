"""Client SDKs of stores that exist only as a hosted service abroad (Firebase, Firestore, BigQuery, Cosmos DB,
PlanetScale, Neon, Upstash, Pinecone, Algolia, Airtable, Mixpanel, Amplitude, Segment): a program that depends on
or imports one keeps data there. Dependencies come from the same reader as bot SDKs (extract.channels.dependencies:
requirements, pyproject, Pipfile, package.json, go.mod, installs, imports); the table is policies/data/locations.yaml
`saas_packages`. Each use is a DataLocation fact with how="sdk-package", reported by SOV-RES-007."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import PurePosixPath
from typing import Any

from sovstack.facts import DataLocation, Origin, extractor
from sovstack.rules import knowledge

HOW = "sdk-package"


@lru_cache(maxsize=1)
def _table() -> dict[str, Any]:
    return knowledge.locations().get("saas_packages") or {}


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name.lower())


def service(ecosystem: str, name: str) -> str | None:
    """Service id of a package (npm: exact, subpath import or "@scope/*"; pypi: PEP 503 normalised; go and Python
    imports: by path prefix), or None."""
    table = _table().get(ecosystem) or {}
    if ecosystem == "pypi":
        norm = _norm(name)
        return next((sid for k, sid in table.items() if _norm(k) == norm), None)
    if ecosystem == "npm":
        for k, sid in table.items():
            if k.endswith("/*") and name.startswith(k[:-1]) or name == k or name.startswith(k + "/"):
                return sid
        return None
    sep = "." if ecosystem == "python_imports" else "/"
    return next((sid for k, sid in table.items() if name == k or name.startswith(k + sep)), None)


def describe(sid: str) -> dict[str, Any]:
    return (_table().get("services") or {}).get(sid) or {}


@extractor("any", hows={HOW})
def sdk_facts(doc, ws) -> list[DataLocation]:
    from sovstack.extract.channels import dependencies

    name = PurePosixPath(doc.rel).name.lower()
    roots = list(_table().get("python_imports") or {})
    out, seen = [], set()
    for eco, pkg, line in dependencies(doc, name, py_roots=roots):
        sid = service(eco, pkg)
        if sid is None or sid in seen:  # one finding per service and file: its first dependency or import
            continue
        seen.add(sid)
        svc = describe(sid)
        kind = "Python import" if eco == "python_imports" else f"{eco} package"
        label = svc.get("name", sid)
        out.append(DataLocation(
            line=line, how=HOW, store="saas", provider=sid, resource=f"package.{pkg}",
            message=f"{label} SDK {pkg}: data kept in {svc.get('operator_name', label)}, a hosted service abroad "
                    f"({svc.get('country', '?')}) with no region in Russia",
            chain=[Origin(doc.rel, line, f"{kind} {pkg}")]))
    return out
