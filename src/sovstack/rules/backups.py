"""Where backup tools copy data: restic and borg repositories, WAL-G/WAL-E storage prefixes, pgBackRest
repositories - in environment files, scripts, compose/Kubernetes environments, Helm values, borgmatic and
pgBackRest configuration. Each destination is a DataLocation (family "upload") judged by the repository syntax
(a prefix naming a service, policies/data/backups.yaml) or by its host (the location catalogue)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any, Iterator

from sovstack import resolve
from sovstack.checks.walk import all_dicts, value_texts
from sovstack.facts import Origin
from sovstack.rules import knowledge
from sovstack.rules.locations import Place, Verdict, classify_region, is_unresolved

RESTIC_CMD_RE = re.compile(r"\brestic\b[^|;&#\n]*?\s(?:-r|--repo)(?:=|\s+)[\"']?(?P<repo>[^\s\"']+)")
BORG_CMD_RE = re.compile(r"\bborg\s+(?:init|create|prune|check|list|extract|mount|compact|info|delete|export-tar|"
                         r"import-tar|rcreate|repo-create)\b[^|;&#\n]*?\s[\"']?(?P<repo>(?:ssh://)?[\w.-]+@[\w.-]+"
                         r"(?::\d+)?[:/][^\s\"':]*)")
PGBR_RE = re.compile(r"^\s*(?P<key>repo\d*-(?:type|s3-endpoint|s3-region))\s*=\s*(?P<value>\S+)")
ASSIGN_RE = re.compile(r"(?:^|[\s\"'{(,;])(?:export\s+)?(?P<name>[A-Z][A-Z0-9_]{2,40})\s*[=:]\s*[\"']?(?P<value>[^\s\"',}]+)")
SSH_HOST_RE = re.compile(r"^(?:ssh://)?(?:[^@/\s]+@)?(?P<host>[A-Za-z0-9.-]+\.[A-Za-z]{2,}|\[[0-9a-fA-F:]+\]|"
                         r"\d{1,3}(?:\.\d{1,3}){3})(?::\d+)?(?:[:/]|$)")
ENV_NAMES = ("RESTIC_REPOSITORY", "BORG_REPO")
TRIGGERS = ("restic", "RESTIC_", "borg", "BORG_", "WALG_", "WALE_", "repo1-", "repo2-", "repo3-", "repo4-",
            "repositories")


@lru_cache(maxsize=1)
def _data() -> dict[str, Any]:
    return knowledge.backups()


def _service(entry: dict[str, Any], what: str) -> Verdict:
    return Verdict(Place.ABROAD, f"{what} is {entry['name']}, abroad", entry.get("country"))


def places(doc, sc) -> list:
    """Every backup destination the document sets (storage.Place_ records, family "upload")."""
    text = doc.text or ""
    if not any(t in text for t in TRIGGERS):
        return []
    from sovstack.rules import storage  # storage imports this module's places()

    out = []
    named = dict(_named_values(doc))
    for name, (value, line, chain) in named.items():
        if name in ENV_NAMES:
            v = _repository(doc, line, value, name, storage, sc)
            if v is not None:
                out.append(v if not chain else _with_chain(v, chain))
    out += _walg(doc, named, storage)
    for line, end, t in value_texts(doc):
        at = lambda needle: doc.find_line(needle, line, end) or line  # noqa: E731
        for m in RESTIC_CMD_RE.finditer(t):
            p = _repository(doc, at(m.group("repo")), m.group("repo"), "restic -r", storage, sc)
            out += [p] if p is not None else []
        for m in BORG_CMD_RE.finditer(t):
            p = _repository(doc, at(m.group("repo")), m.group("repo"), "borg repository", storage, sc)
            out += [p] if p is not None else []
        m = PGBR_RE.match(t)
        if m:
            out += _pgbackrest(doc, line, m.group("key"), m.group("value"), storage)
    out += _borgmatic(doc, storage, sc)
    return out


def _with_chain(place, chain: list[Origin]):
    place.fact.chain = list(chain) + [o for o in place.fact.chain if o not in chain]
    return place


def _named_values(doc) -> Iterator[tuple[str, tuple[str, int, list[Origin]]]]:
    """NAME -> (value, line, chain) of backup settings: environment (resolved), structured keys, text lines."""
    wanted = set(ENV_NAMES) | set(_data().get("env_services") or {}) | set(_data().get("s3_prefix_vars") or []) | \
        set(_data().get("s3_endpoint_vars") or []) | set(_data().get("s3_region_vars") or [])
    if doc.kind.value in ("env", "shell", "compose"):
        for name, r in resolve.env_of(doc).items():
            if name in wanted and isinstance(r.value, str):
                line = next((o.line for o in r.chain if o.file == doc.rel and o.line), None) or doc.find_line(name)
                yield name, (r.value, line or 1, [o for o in r.chain if o.file != doc.rel])
    if doc.structured:
        for d in all_dicts(doc):
            if isinstance(d.get("name"), str) and d["name"] in wanted and isinstance(d.get("value"), str):
                yield d["name"], (d["value"], doc.key_line(d, "value") or 1, [])  # Kubernetes env list
            for key, value in d.items():
                if key in wanted and isinstance(value, str):
                    yield key, (value, doc.key_line(d, key) or 1, [])
        return
    for line, _end, t in value_texts(doc):
        for m in ASSIGN_RE.finditer(t):
            if m.group("name") in wanted:
                yield m.group("name"), (m.group("value"), line, [])


def _repository(doc, line: int, repo: str, what: str, storage, sc):
    repo = repo.strip().strip("\"'")
    if not repo or is_unresolved(repo) and not resolve.any_value(repo):
        return None
    if is_unresolved(repo):
        cands = [c for c in resolve.any_value(repo) if isinstance(c.value, str) and not is_unresolved(c.value)]
        if len(cands) != 1:
            return None
        repo, chain = cands[0].value, list(cands[0].chain)
    else:
        chain = []
    m = re.match(r"^(?P<t>[a-z][a-z0-9]{1,10}):(?P<rest>.+)$", repo)
    if m and not repo.startswith("ssh://"):
        t, rest = m.group("t"), m.group("rest")
        services = _data().get("restic_services") or {}
        if t in services:
            return storage._fact(doc, line, "backup", "restic", _service(services[t], f"{what} {t}:"),
                                 provider=t, chain=chain or None)
        if t == "rclone":
            name = rest.split(":", 1)[0]
            return storage._rclone_target(doc, line, name, storage.workspace_remotes(sc))
        if t in ("s3", "rest", "sftp"):
            host = _host(rest)
            if host:
                v = storage._endpoint(host)
                if host.startswith("s3.amazonaws.com") or host == "s3.amazonaws.com":
                    v = Verdict(Place.ABROAD, "restic repository on Amazon S3 (s3.amazonaws.com), abroad", "US", "aws")
                return storage._fact(doc, line, "backup", "restic", _reason(v, what), endpoint=host,
                                     chain=chain or None)
        return None  # swift: (the OpenStack environment decides), local paths, other backends
    host = _host(repo)
    if host and ("@" in repo or repo.startswith("ssh://")):
        return storage._fact(doc, line, "backup", "borg", _reason(storage._endpoint(host), what), endpoint=host,
                             chain=chain or None)
    return None


def _host(rest: str) -> str | None:
    rest = rest.lstrip("/")
    if "://" in rest:
        rest = rest.split("://", 1)[1]
    m = SSH_HOST_RE.match(rest)
    return m.group("host").strip("[]") if m else None


def _reason(v: Verdict, what: str) -> Verdict:
    from dataclasses import replace

    return replace(v, reason=f"{what}: {v.reason}")


def _walg(doc, named: dict, storage) -> list:
    out = []
    services = _data().get("env_services") or {}
    for name, (value, line, chain) in named.items():
        if services.get(name):
            out.append(storage._fact(doc, line, "backup", "wal-g", _service(services[name], f"{name}={value}"),
                                     chain=chain or None))
    for prefix in _data().get("s3_prefix_vars") or []:
        if prefix not in named:
            continue
        value, line, chain = named[prefix]
        endpoint = next((named[k] for k in _data().get("s3_endpoint_vars") or [] if k in named), None)
        region = next((named[k] for k in _data().get("s3_region_vars") or [] if k in named), None)
        if endpoint is not None:
            v = _reason(storage._endpoint(endpoint[0]), f"{prefix} with endpoint {endpoint[0]}")
        elif region is not None and not is_unresolved(region[0]):
            v = _reason(classify_region(region[0], "aws"), f"{prefix} on Amazon S3")
        else:
            v = Verdict(Place.ABROAD, f"{prefix} without an endpoint setting goes to Amazon S3, abroad", "US", "aws")
        out.append(storage._fact(doc, line, "backup", "wal-g", v, chain=chain or None))
    return out


def _pgbackrest(doc, line: int, key: str, value: str, storage) -> list:
    services = _data().get("pgbackrest_services") or {}
    if key.endswith("-type") and value in services:
        return [storage._fact(doc, line, "backup", "pgbackrest", _service(services[value], f"pgBackRest {key}={value}"))]
    if key.endswith("-s3-endpoint"):
        return [storage._fact(doc, line, "backup", "pgbackrest", _reason(storage._endpoint(value), f"pgBackRest {key}"),
                              endpoint=value)]
    return []


def _borgmatic(doc, storage, sc) -> list:
    """borgmatic configuration: `repositories:` as strings or as {path: ...} (1.7.10+)."""
    out = []
    if not doc.structured:
        return out
    for d in all_dicts(doc):
        repos = d.get("repositories")
        for item in repos if isinstance(repos, list) else []:
            path = item.get("path") if isinstance(item, dict) else item
            if isinstance(path, str):
                line = (doc.key_line(item, "path") if isinstance(item, dict) else None) or \
                    doc.find_line(path) or doc.key_line(d, "repositories") or 1
                p = _repository(doc, line, path, "borgmatic repository", storage, sc)
                out += [p] if p is not None else []
    return out
