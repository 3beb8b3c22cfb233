"""Where data is uploaded or kept outside infrastructure code: rclone remotes, S3 command-line uploads, OpenStack
client environments (openrc, clouds.yaml). Each place is a DataLocation fact with its verdict and chain."""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator

import yaml

import sovstack.resolve.env  # noqa: F401  (resolve.env.parse_env_text)
from sovstack import resolve
from sovstack.checks.walk import value_texts
from sovstack.facts import DataLocation, Origin, extractor
from sovstack.rules import backups, knowledge
from sovstack.rules.locations import Place, Verdict, classify_endpoint, classify_region, is_unresolved

SECTION_RE = re.compile(r"^\s*\[([^\]]+)\]\s*$")
KV_RE = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*=\s*(.*?)\s*$")
RCLONE_CMD_RE = re.compile(r"\brclone\s+(?:-[^\s]+\s+)*(copy|copyto|sync|move|moveto|bisync|mount|cat|rcat|"
                           r"copyurl|serve)\b(?P<args>[^|;&#\n]*)")
RCLONE_CREATE_RE = re.compile(r"\brclone\s+config\s+create\s+(?P<name>[\w.-]+)\s+(?P<type>[\w-]+)(?P<args>[^|;&#\n]*)")
REMOTE_ARG_RE = re.compile(r"^(?P<name>[A-Za-z0-9_.\- ]{1,64}):(?!//)")
S3_CLI_RE = re.compile(r"\baws\b(?P<pre>[^|;&#\n]*?)\bs3(?:api)?\s+(?P<verb>cp|sync|mv|put-object|upload-part)\b"
                       r"(?P<args>[^|;&#\n]*)")
ENDPOINT_FLAG_RE = re.compile(r"--endpoint-url(?:=|\s+)(?P<url>[\"']?\{\{.*?\}\}[^\s\"']*[\"']?|\S+)")
GCS_CLI_RE = re.compile(r"\b(gsutil(\s+-m)?\s+(cp|rsync|mv)|gcloud\s+storage\s+(cp|rsync|mv))\b[^|;&#\n]*\bgs://")
AZ_CLI_RE = re.compile(r"\b(az\s+storage\s+(blob|file|fs)\s+(upload|upload-batch|sync)|azcopy\s+(copy|sync))\b")
MC_ALIAS_RE = re.compile(r"\bmc\s+(?:alias\s+set|config\s+host\s+add)\s+(?P<name>[\w.-]+)\s+(?P<url>\S+)")
OS_KEYS = ("OS_AUTH_URL", "OS_REGION_NAME")
STORE_KINDS = ("shell", "env", "config", "template", "source", "yaml", "ansible", "compose", "kubernetes", "json")


@dataclass
class Place_:
    """A data location found, with the verdict on where it is (the policies report it by place)."""

    fact: DataLocation
    verdict: Verdict
    family: str  # upload | openstack | cloud-env | store (an object store configured in Helm values, manifests...)


@lru_cache(maxsize=1)
def _rclone() -> dict[str, Any]:
    return knowledge.locations().get("rclone_backends") or {}


# ---- rclone -------------------------------------------------------------------------------------------------

def parse_rclone_conf(text: str) -> dict[str, dict[str, Any]]:
    """Remotes of an rclone.conf: name -> {type, provider, endpoint, region, line, ...}."""
    remotes: dict[str, dict[str, Any]] = {}
    current = None
    for n, line in enumerate(text.splitlines(), 1):
        m = SECTION_RE.match(line)
        if m:
            current = remotes.setdefault(m.group(1).strip(), {"line": n})
            continue
        m = KV_RE.match(line)
        if m and current is not None and not line.lstrip().startswith(("#", ";")):
            current[m.group(1).lower()] = m.group(2)
            current.setdefault("lines", {})[m.group(1).lower()] = n
    return remotes


def looks_like_rclone_conf(text: str) -> bool:
    remotes = parse_rclone_conf(text)
    return bool(remotes) and all("type" in r for r in remotes.values())


def remote_verdict(remote: dict[str, Any], name: str, remotes: dict[str, dict[str, Any]] | None = None,
                   depth: int = 0) -> Verdict:
    """Where an rclone remote keeps data: its backend type, else its endpoint, else its S3 provider; a wrapping
    remote (crypt, alias, chunker...) is where the remote it wraps is."""
    rtype = str(remote.get("type") or "").lower()
    table = _rclone()
    if rtype in (table.get("abroad") or {}):
        return Verdict(Place.ABROAD, f"rclone remote {name!r} is {table['abroad'][rtype]} (type {rtype}), a service "
                                     "abroad")
    if rtype in (table.get("domestic") or {}):
        return Verdict(Place.DOMESTIC, f"rclone remote {name!r} is {table['domestic'][rtype]}", "RU")
    endpoint = remote.get("endpoint") or remote.get("url") or remote.get("host") or remote.get("auth")
    if endpoint:
        v = _endpoint(str(endpoint))
        return Verdict(v.place, f"rclone remote {name!r} ({rtype}): {v.reason}", v.country, v.operator, v.chain)
    provider = str(remote.get("provider") or "")
    if rtype == "s3" and provider in (table.get("s3_providers_abroad") or []):
        return Verdict(Place.ABROAD, f"rclone remote {name!r} is S3 provider {provider} with its default endpoint, "
                                     "abroad")
    if rtype in ("alias", "crypt", "chunker", "compress", "hasher", "union", "combine", "cache") and remote.get("remote"):
        inner = str(remote["remote"]).split(":", 1)[0]
        if remotes and inner in remotes and depth < 4:
            v = remote_verdict(remotes[inner], inner, remotes, depth + 1)
            return Verdict(v.place, f"rclone remote {name!r} wraps {inner!r}: {v.reason}", v.country, v.operator,
                           v.chain)
        return Verdict(Place.UNKNOWN, f"rclone remote {name!r} wraps {remote['remote']}")
    return Verdict(Place.UNKNOWN, f"rclone remote {name!r} (type {rtype or 'unknown'}): no endpoint recorded")


def _endpoint(value: str) -> Verdict:
    """classify_endpoint after resolving variables of the current document (shell, .env, compose...)."""
    if is_unresolved(value):
        cands = resolve.any_value(value)
        if cands and all(isinstance(c.value, str) and not is_unresolved(c.value) for c in cands):
            from dataclasses import replace

            from sovstack.rules.locations import combine

            return combine([replace(classify_endpoint(c.value), chain=tuple(c.chain), value=c.value) for c in cands])
    return classify_endpoint(value)


def workspace_remotes(sc: resolve.Scope | None) -> dict[str, tuple[dict[str, Any], Path]]:
    """rclone remotes defined in any rclone.conf of the scanned tree (read through the resolution scope)."""
    if sc is None:
        return {}
    key = "rclone-remotes"
    if key not in sc.memo:
        out: dict[str, tuple[dict[str, Any], Path]] = {}
        files = sc.ws.files if sc.ws is not None else []
        for path in files:
            if path.name.lower() in ("rclone.conf", ".rclone.conf"):
                text = sc.read_text(path)
                for name, remote in parse_rclone_conf(text or "").items():
                    out[name.lower()] = (remote, path)
        sc.memo[key] = out
    return sc.memo[key]


def _split(args: str) -> list[str]:
    try:
        return shlex.split(args, comments=False, posix=True)
    except ValueError:
        return args.split()


RCLONE_BOOL_FLAGS = {"-v", "-vv", "-vvv", "-P", "--progress", "--fast-list", "--dry-run", "-n", "--checksum", "-c",
                     "--update", "-u", "--ignore-existing", "--no-traverse", "--delete-excluded", "-q", "--quiet",
                     "--create-empty-src-dirs", "--copy-links", "-L", "--links", "-l", "--size-only", "--immutable",
                     "--stats-one-line", "--interactive", "-i", "--no-check-certificate", "--metadata", "-M",
                     "--use-server-modtime", "--no-update-modtime", "--inplace", "--check-first", "--ignore-times",
                     "--ignore-size", "--ignore-checksum", "--s3-no-check-bucket", "--drive-skip-gdocs", "--verbose"}


def rclone_targets(text: str) -> Iterator[tuple[str, str]]:
    """(remote name, matched text) for every remote an rclone command writes to or reads from: its positional
    arguments of the form name:path (a value of a flag, a local path or a drive letter is not a remote)."""
    for m in RCLONE_CMD_RE.finditer(text):
        after_flag = False
        for arg in _split(m.group("args")):
            if arg.startswith("-"):
                after_flag = "=" not in arg and arg not in RCLONE_BOOL_FLAGS
                continue
            if after_flag:
                after_flag = False
                continue
            r = REMOTE_ARG_RE.match(arg)
            if r and len(r.group("name").strip()) > 1:
                yield r.group("name").strip(), arg


# ---- facts --------------------------------------------------------------------------------------------------

def _fact(doc, line: int, store: str, how: str, verdict: Verdict, endpoint: str | None = None,
          provider: str | None = None, region: str | None = None, chain: list[Origin] | None = None,
          family: str = "upload") -> Place_:
    fact = DataLocation(line=line, how=how, store=store, endpoint=endpoint, provider=provider, region=region,
                        chain=list(chain or verdict.chain))
    return Place_(fact, verdict, family)


def places(doc) -> list[Place_]:
    """Every upload target, rclone remote and OpenStack client location of a document."""
    sc = resolve.current()
    key = ("storage-places", doc.rel)
    if sc is not None and key in sc.memo:
        return sc.memo[key]
    out: list[Place_] = []
    if doc.kind.value in ("config", "template") and doc.path.name.lower().endswith(".conf") and \
            looks_like_rclone_conf(doc.text):
        remotes = parse_rclone_conf(doc.text)
        for name, remote in remotes.items():
            out.append(_fact(doc, remote["line"], "upload", "rclone-remote", remote_verdict(remote, name, remotes),
                             endpoint=remote.get("endpoint"), provider=remote.get("type")))
    out += _commands(doc, sc)
    out += _openstack_env(doc)
    out += backups.places(doc, sc)
    out += _object_stores(doc)
    out += _cloud_env(doc)
    out = _one_per_line(out)
    if sc is not None:
        sc.memo[key] = out
    return out


def _commands(doc, sc) -> list[Place_]:
    out: list[Place_] = []
    if "rclone" not in doc.text and "s3" not in doc.text and "gs://" not in doc.text and "az " not in doc.text \
            and "azcopy" not in doc.text and "mc " not in doc.text:
        return out
    remotes = workspace_remotes(sc)
    for line, end, text in value_texts(doc):
        at = lambda needle: doc.find_line(needle, line, end) or line  # noqa: E731
        inline = {m.group("name").lower(): {"type": m.group("type"), **_kv(m.group("args"))}
                  for m in RCLONE_CREATE_RE.finditer(text)}
        for name, remote in inline.items():
            out.append(_fact(doc, at(f"config create {name}"), "upload", "rclone-config-create",
                             remote_verdict(remote, name), provider=remote.get("type")))
        for name, arg in rclone_targets(text):
            if name.lower() in inline:
                continue
            out.append(_rclone_target(doc, at(arg), name, remotes))
        for m in S3_CLI_RE.finditer(text):
            out.append(_s3_cli(doc, at(m.group(0)[:40]), m))
        for m in GCS_CLI_RE.finditer(text):
            out.append(_fact(doc, at("gs://"), "upload", "gsutil",
                             Verdict(Place.ABROAD, "upload to Google Cloud Storage (gs://), abroad", "US", "gcp")))
        for m in AZ_CLI_RE.finditer(text):
            out.append(_fact(doc, at(m.group(0)), "upload", "az-storage",
                             Verdict(Place.ABROAD, "upload to Azure Storage, abroad", "US", "azure")))
        for m in MC_ALIAS_RE.finditer(text):
            v = _endpoint(m.group("url"))
            out.append(_fact(doc, at(m.group(0)[:40]), "upload", "minio-client", v, endpoint=m.group("url")))
    return out


def _kv(args: str) -> dict[str, str]:
    out = {}
    for item in _split(args):
        if "=" in item:
            k, v = item.split("=", 1)
            out[k.lower()] = v
    return out


def _rclone_target(doc, line: int, name: str, remotes: dict[str, tuple[dict[str, Any], Path]]) -> Place_:
    known = remotes.get(name.lower())
    if known:
        remote, path = known
        v = remote_verdict(remote, name, {k: r for k, (r, _) in remotes.items()})
        chain = [resolve.origin(path, remote["line"], f"remote {name} defined in {path.name}"), *v.chain]
        return _fact(doc, line, "upload", "rclone", v, provider=remote.get("type"), chain=chain)
    table = _rclone()
    rtype = name.lower()
    if rtype in ("gdrive", "googledrive", "google-drive"):
        rtype = "drive"
    if rtype in (table.get("abroad") or {}):  # no config in the tree: a remote named after its service
        return _fact(doc, line, "upload", "rclone", Verdict(
            Place.ABROAD, f"rclone remote {name!r} names {table['abroad'][rtype]}, a service abroad (no rclone.conf "
                          "in the scanned tree defines it otherwise)"), provider=rtype)
    return _fact(doc, line, "upload", "rclone", Verdict(
        Place.UNKNOWN, f"rclone remote {name!r} is not defined in any rclone.conf of the scanned tree: where it "
                       "keeps data cannot be verified"))


def _s3_cli(doc, line: int, m: re.Match[str]) -> Place_:
    flags = m.group("pre") + " " + m.group("args")
    ep = ENDPOINT_FLAG_RE.search(flags)
    if ep:
        url = ep.group("url").strip("\"'")
        return _fact(doc, line, "upload", "aws-s3-cli", _endpoint(url), endpoint=url)
    env = resolve.env_of(doc)
    given = env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL")
    if given is not None:
        v = _endpoint(str(given.value))
        return _fact(doc, line, "upload", "aws-s3-cli", v, endpoint=str(given.value), chain=list(given.chain))
    if "--profile" in flags or "AWS_PROFILE" in env:
        return _fact(doc, line, "upload", "aws-s3-cli", Verdict(
            Place.UNKNOWN, "aws s3 upload through a named profile: its endpoint is in the profile, not in the tree"))
    return _fact(doc, line, "upload", "aws-s3-cli", Verdict(
        Place.ABROAD, "aws s3 upload without --endpoint-url goes to Amazon S3, abroad", "US", "aws"))


def _one_per_line(places: list[Place_]) -> list[Place_]:
    """One data location per line and verdict: a value read by two recognisers (a backup repository that is also an
    object-store endpoint variable) is one place, the first recogniser's."""
    out, seen = [], set()
    for p in places:
        key = (p.fact.line, p.verdict.place, p.family == "openstack")
        if key not in seen:
            seen.add(key)
            out.append(p)
    return out


# ---- object storage in structured configuration (Helm values, manifests, Velero/Thanos/Loki) -----------------

def _object_stores(doc) -> list[Place_]:
    from sovstack.rules import objstore

    found, seen = [], set()
    for s in objstore.stores(doc) + objstore.env_stores(doc):  # a compose environment map is read by both
        if (s.line, s.endpoint) not in seen:
            seen.add((s.line, s.endpoint))
            found.append(_fact(doc, s.line or 1, "bucket", "object-store-config", s.verdict, endpoint=s.endpoint,
                               region=s.region, family="store"))
    return found


# ---- OpenStack client environment --------------------------------------------------------------------------

def _openstack_env(doc) -> list[Place_]:
    if "OS_AUTH_URL" not in doc.text and "auth_url" not in doc.text and "profile" not in doc.text:
        return []
    if doc.kind.value in ("env", "shell", "config", "template", "compose"):
        env = resolve.env_of(doc) if doc.kind.value in ("env", "shell", "compose") else \
            resolve.env.parse_env_text(doc.text, doc.path, resolve.current())
        return _os_verdict(doc, env.get("OS_AUTH_URL"), env.get("OS_REGION_NAME"))
    out = []
    for data in doc.data if doc.structured else []:
        clouds = data.get("clouds") if isinstance(data, dict) else None
        for name, cloud in (clouds or {}).items() if isinstance(clouds, dict) else []:
            auth = cloud.get("auth") if isinstance(cloud, dict) else None
            url = auth.get("auth_url") if isinstance(auth, dict) else None
            region = cloud.get("region_name") if isinstance(cloud, dict) else None
            if not isinstance(url, str) and isinstance(cloud, dict) and isinstance(cloud.get("profile"), str):
                out += _os_profile(doc, name, cloud)
                continue
            line = doc.key_line(auth, "auth_url") if isinstance(auth, dict) else None
            r_line = doc.key_line(cloud, "region_name") if isinstance(cloud, dict) else None
            out += _os_verdict(doc, resolve.Resolved(url, (Origin(doc.rel, line, f"clouds.{name}.auth.auth_url"),))
                               if isinstance(url, str) else None,
                               resolve.Resolved(region, (Origin(doc.rel, r_line, f"clouds.{name}.region_name"),))
                               if isinstance(region, str) else None)
    return out


def _public_clouds() -> dict[str, tuple[str, Origin]]:
    """Vendor profiles a clouds-public.yaml of the scanned tree defines: name -> (auth_url, where it is set)."""
    sc = resolve.current()
    if sc is None or sc.ws is None:
        return {}
    key = "openstack-public-clouds"
    if key not in sc.memo:
        out: dict[str, tuple[str, Origin]] = {}
        for path in sc.ws.files:
            if path.name.lower() not in ("clouds-public.yaml", "clouds-public.yml"):
                continue
            text = sc.read_text(path) or ""
            try:
                data = yaml.safe_load(text)
            except yaml.YAMLError:
                continue
            clouds = data.get("public-clouds") if isinstance(data, dict) else None
            for pname, prof in clouds.items() if isinstance(clouds, dict) else []:
                auth = prof.get("auth") if isinstance(prof, dict) else None
                url = auth.get("auth_url") if isinstance(auth, dict) else None
                if isinstance(url, str) and url.strip():
                    line = resolve.line_of(text, "auth_url", resolve.line_of(text, str(pname)) or 1)
                    where = resolve.origin(path, line, f"profile {pname} auth_url in {path.name}", sc)
                    out.setdefault(str(pname), (url, where))
        sc.memo[key] = out
    return sc.memo[key]


def _os_profile(doc, name: str, cloud: dict[str, Any]) -> list[Place_]:
    """A clouds.yaml entry that names an openstacksdk vendor profile instead of an auth_url."""
    from sovstack.rules.locations import operator

    profile = cloud["profile"].strip()
    oid = (knowledge.locations().get("openstack_profiles") or {}).get(profile.lower())
    line = doc.key_line(cloud, "profile")
    chain = [Origin(doc.rel, line, f"clouds.{name}.profile")]
    own = _public_clouds().get(profile)
    if own is not None:  # a profile the tree defines itself (clouds-public.yaml `public-clouds:`)
        url, origin = own
        region = cloud.get("region_name")
        places = _os_verdict(doc, resolve.Resolved(url, (origin,)),
                             resolve.Resolved(region, (Origin(doc.rel, doc.key_line(cloud, "region_name"),
                                                                  f"clouds.{name}.region_name"),))
                             if isinstance(region, str) else None)
        for p in places:
            p.fact.line = line or p.fact.line
            p.fact.chain = [origin, *chain]
        return places
    if oid is None:
        v = Verdict(Place.UNKNOWN, f"OpenStack vendor profile {profile!r} is not in the location catalogue")
    else:
        group, op = operator(oid)
        place = Place.ABROAD if group == "foreign" else Place.UNKNOWN
        v = Verdict(place, f"vendor profile {profile!r} is {op['name']} ({op.get('country')})", op.get("country"), oid)
    return [_fact(doc, line or 1, "compute", "clouds-profile", v, provider=profile, chain=chain, family="openstack")]


def _os_verdict(doc, url: resolve.Resolved | None, region: resolve.Resolved | None) -> list[Place_]:
    if url is None or not isinstance(url.value, str):
        return []
    line = url.chain[0].line if url.chain and url.chain[0].file == doc.rel else doc.find_line("OS_AUTH_URL")
    v = _endpoint(url.value)
    if region is not None and isinstance(region.value, str) and region.value and v.operator and \
            v.place not in (Place.UNRESOLVED, Place.ABROAD) and not is_unresolved(region.value):
        try:
            rv = classify_region(region.value, v.operator)
        except KeyError:  # a site id, not an operator: the site's endpoint decides
            rv = None
        if rv is not None and rv.place is Place.ABROAD:
            r_line = region.chain[0].line if region.chain and region.chain[0].file == doc.rel else line
            return [_fact(doc, r_line or line, "compute", "openrc", rv, endpoint=url.value, region=region.value,
                          chain=list(region.chain), family="openstack")]
    return [_fact(doc, line or 1, "compute", "openrc", v, endpoint=url.value,
                  region=region.value if region else None, chain=list(url.chain), family="openstack")]


# ---- cloud client environment: AWS_REGION, CLOUDSDK_COMPUTE_REGION, AZURE_LOCATION, YC_ZONE... ---------------

# an explicit object-store endpoint beside an AWS_* region: the region is then the client's signing parameter
SIGNING_ENDPOINT_RE = re.compile(r"^(AWS_ENDPOINT(_URL)?(_S3)?|([A-Z0-9]+_)*(S3|MINIO|OBJECT_STORAGE)"
                                 r"_(ENDPOINT|ENDPOINT_URL|URL|HOST))$", re.I)


@lru_cache(maxsize=1)
def _cloud_vars() -> dict[str, str]:
    return {k.upper(): v for k, v in (knowledge.locations().get("cloud_env_regions") or {}).items()}


def _cloud_env(doc) -> list[Place_]:
    """Environment settings that place a cloud SDK or CLI in a region abroad: .env files and shell exports (one
    environment per file), and every mapping or env list of a structured document (compose `environment:`,
    Kubernetes `env:` lists, CI `variables:`/`env:`, Ansible `environment:`), each its own environment."""
    names = _cloud_vars()
    if not any(n in doc.text for n in names):
        return []
    out: list[Place_] = []
    for group in _env_groups(doc):
        for name, (value, line) in group.items():
            oid = names.get(name.upper())
            if oid is None or not isinstance(value, str) or not value.strip():
                continue
            v = _cloud_region(doc, name, value.strip().strip("\"'"), oid, group)
            if v is not None:
                out.append(_fact(doc, line or 1, "compute", "cloud-env", v, provider=oid, region=value,
                                 chain=[Origin(doc.rel, line, f"{name} in the environment")], family="cloud-env"))
    return out


def _cloud_region(doc, name: str, value: str, oid: str, group: dict[str, tuple[Any, int | None]]) -> Verdict | None:
    """Verdict on one region variable when it places the client abroad (or, given by a variable, cannot be
    verified), else None (domestic, not a region of that operator, or a signing region of an S3-compatible client)."""
    from sovstack.rules.locations import is_foreign_operator

    kind = "zone" if name.upper().endswith("ZONE") else "region"
    if oid == "aws" and _signing_endpoint(group):
        return None  # an explicit non-AWS endpoint: the region only signs requests
    if is_unresolved(value):
        cands = resolve.any_value(value, doc)  # ${REGION:-ru-central1}: the values it can take, when all are known
        if cands and all(isinstance(c.value, str) and c.value.strip() and not is_unresolved(c.value) for c in cands):
            found = [v for c in cands if (v := _cloud_region(doc, name, c.value.strip(), oid, group)) is not None]
            return found[0] if found else None
        from sovstack.rules.locations import operator  # fail closed: reported as unverified (SOV-LOC-004)

        return Verdict(Place.UNRESOLVED, f"{name} is given by a variable ({value}): the {kind} of the "
                                         f"{operator(oid)[1]['name']} client cannot be verified", None, oid)
    if not is_foreign_operator(oid):
        v = classify_region(value, oid, kind)
        return replace_reason(v, f"{name}={value}: {v.reason}") if v.place is Place.ABROAD else None
    bare = classify_region(value, None, kind)
    if bare.place is not Place.ABROAD or bare.operator != oid:
        return None  # not a region of that operator: a signing region or a name of another cloud
    v = classify_region(value, oid, kind)
    return replace_reason(v, f"{name}={value}: {v.reason}")


def _signing_endpoint(group: dict[str, tuple[Any, int | None]]) -> bool:
    """The environment names an object-store endpoint that is not Amazon's (or one given by a variable)."""
    return any(SIGNING_ENDPOINT_RE.match(str(k)) and isinstance(v, str) and v.strip() and
               "amazonaws.com" not in v.lower() for k, v in ((k, ev) for k, (ev, _) in group.items()))


def replace_reason(v: Verdict, reason: str) -> Verdict:
    from dataclasses import replace

    return replace(v, reason=reason)


def _env_groups(doc) -> Iterator[dict[str, tuple[Any, int | None]]]:
    """Environments of a document: name -> (value, line)."""
    if doc.kind.value in ("env", "shell") or doc.path.name.lower().startswith(".env") or \
            doc.path.suffix.lower() == ".env":
        env = resolve.env.parse_env_text(doc.text, doc.path, resolve.current())
        yield {k: (r.value, r.chain[0].line if r.chain and r.chain[0].file == doc.rel else doc.find_line(f"{k}="))
               for k, r in env.items()}
        return
    if not doc.structured:
        return
    stack: list[Any] = list(doc.data or [])
    seen = 0
    while stack and seen < 20000:
        node = stack.pop()
        seen += 1
        if isinstance(node, dict):
            group = {str(k): (v, doc.key_line(node, k)) for k, v in node.items() if isinstance(v, (str, int))}
            if any(k.upper() in _cloud_vars() for k in group):
                yield group
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
        elif isinstance(node, list):
            pairs = {str(i["name"]): (i.get("value"), doc.key_line(i, "value") or doc.key_line(i, "name"))
                     for i in node if isinstance(i, dict) and isinstance(i.get("name"), str) and "value" in i}
            strings = {str(i).split("=", 1)[0].strip(): (str(i).split("=", 1)[1], doc.find_line(str(i)))
                       for i in node if isinstance(i, str) and "=" in i}
            group = {**pairs, **strings}
            if any(k.upper() in _cloud_vars() for k in group):
                yield group
            stack.extend(v for v in node if isinstance(v, (dict, list)))


@extractor(*STORE_KINDS)
def storage_facts(doc, ws) -> list[DataLocation]:
    return [p.fact for p in places(doc)]
