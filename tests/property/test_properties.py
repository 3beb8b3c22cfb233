"""Property-based tests (hypothesis): the parsers, the location classifier and the waiver engine hold their
contracts for any input, not just the ones we thought of."""

from __future__ import annotations

import datetime as dt
import string
from pathlib import Path

import pathspec
import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sovstack.collect import discover, parse, yamlload
from sovstack.collect.document import Document
from sovstack.models import Category, Finding, Severity, Status
from sovstack.rules import locations, messengers
from sovstack.rules.locations import Place
from sovstack.waivers import Waiver, WaiverError, apply_waivers, load

FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

# ---- parsers --------------------------------------------------------------------------------------------------
yaml_ish = st.text(alphabet=string.printable + "ёжЖ\u00a0\ufeff", max_size=400) | st.builds(
    lambda keys: "\n".join(f"{'  ' * (i % 4)}{k}: {v}" for i, (k, v) in enumerate(keys)),
    st.lists(st.tuples(st.from_regex(r"[a-z_]{1,8}", fullmatch=True), st.text(max_size=20)), max_size=20))


@FAST
@given(yaml_ish)
def test_yaml_loader_returns_data_or_a_yaml_error(text):
    try:
        loaded = yamlload.load(text)
    except (yaml.YAMLError, yamlload.YamlLimitError):
        return
    for scalar in loaded.scalars:
        assert scalar.line >= 1 and scalar.end_line >= scalar.line - 1


@FAST
@given(st.integers(min_value=1, max_value=3000), st.sampled_from(["[", "{", "- "]))
def test_nesting_is_refused_not_crashed(depth, opener):
    text = {"[": "[" * depth + "]" * depth, "{": "{a: " * depth + "b" + "}" * depth,
            "- ": "".join("  " * i + "- \n" for i in range(depth)) + "  " * depth + "x"}[opener]
    try:
        yamlload.load(text)
        assert depth <= yamlload.MAX_DEPTH + 1
    except yamlload.YamlLimitError:
        assert depth > yamlload.MAX_DEPTH // 2
    except yaml.YAMLError:
        pass


@FAST
@given(st.binary(max_size=600), st.sampled_from(["a.yml", "b.json", "c.tf", "d.xml", "e.py", "f.env", "g.j2",
                                                  "Pulumi.dev.yaml", "h.sh", "i.conf"]))
def test_read_never_raises(tmp_path_factory, data, name):
    folder = tmp_path_factory.mktemp("p")
    (folder / name).write_bytes(data)
    result = parse.read(discover.Candidate(path=folder / name, rel=name, root=folder))
    assert isinstance(result, (Document, parse.Skipped, parse.ParseError))
    if isinstance(result, parse.ParseError):
        assert result.reason and result.rel == name


# ---- location classifier --------------------------------------------------------------------------------------
DOMESTIC = ["storage.yandexcloud.net", "infra.mail.ru", "ru-3.cloud.api.selcloud.ru", "hc.sbercloud.ru"]
FOREIGN = ["s3.amazonaws.com", "storage.googleapis.com", "api.yandexcloud.kz", "auth.cloud.ovh.net"]
label = st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True)


def _url(host, scheme, port, path, upper):
    h = host.upper() if upper else host
    return f"{scheme}{h}{f':{port}' if port else ''}{path}"


url_parts = (st.sampled_from(["", "https://", "http://", "s3://"]), st.one_of(st.none(), st.integers(1, 65535)),
             st.sampled_from(["", "/", "/v3/", "/bucket/key?x=1"]), st.booleans())


@FAST
@given(st.sampled_from(DOMESTIC + FOREIGN), *url_parts)
def test_known_endpoints_keep_their_place_however_written(host, scheme, port, path, upper):
    expected = Place.DOMESTIC if host in DOMESTIC else Place.ABROAD
    assert locations.classify_endpoint(_url(host, scheme, port, path, upper)).place is expected


@FAST
@given(label, st.sampled_from(FOREIGN))
def test_subdomains_of_foreign_endpoints_are_abroad(sub, host):
    assert locations.classify_endpoint(f"https://{sub}.{host}/").place is Place.ABROAD


@FAST
@given(st.text(max_size=80))
def test_classifier_always_answers_with_a_reason(value):
    verdict = locations.classify_endpoint(value)
    assert verdict.place in Place and verdict.reason
    region = locations.classify_region(value)
    assert region.place in Place and region.reason


@FAST
@given(st.sampled_from([("api.telegram.org", "/bot1:AA/sendMessage"), ("hooks.slack.com", "/services/T/B/X"),
                        ("discord.com", "/api/webhooks/1/2"), ("chatapi.viber.com", "/pa/send_message")]),
       label, st.booleans())
def test_messenger_endpoints_found_in_any_url_and_lookalikes_not(endpoint, sub, upper):
    host, path = endpoint
    text = f"url: https://{host.upper() if upper else host}{path}"
    assert any(True for _ in messengers.find_endpoints(text))
    assume(sub not in ("org", "com"))
    lookalike = f"url: https://{host}.{sub}.example{path}"
    assert not any(hit.matched.lower().startswith(f"{host}.{sub}") for hit in messengers.find_endpoints(lookalike))


# ---- waiver engine --------------------------------------------------------------------------------------------
TODAY = dt.date(2026, 6, 1)
findings_st = st.lists(st.builds(
    lambda pid, status, file, sev: Finding(policy_id=pid, category=Category.FOREIGN_MESSENGER, status=status,
                                           severity=sev, file=file, message="m"),
    st.sampled_from(["SOV-MSG-001", "SOV-RES-002", "SOV-NET-001"]), st.sampled_from([Status.FAILED, Status.PASSED]),
    st.sampled_from(["a/main.yml", "b/main.tf", "c/x.yaml"]), st.sampled_from(list(Severity))), max_size=15)
waiver_st = st.builds(
    lambda pid, target, days: Waiver(id=f"W-{pid}-{target}", policy_id=pid, target=target, reason="accepted risk",
                                     owner="o", approved_by="a", ticket="T-1",
                                     expires=TODAY + dt.timedelta(days=days)),
    st.sampled_from(["SOV-MSG-001", "SOV-RES-002"]), st.sampled_from(["a/*", "*.tf", "c/x.yaml", "*"]),
    st.integers(-30, 200))


@FAST
@given(findings_st, st.lists(waiver_st, max_size=4))
def test_waivers_only_ever_turn_matching_failures_into_waived(findings, waivers):
    out = apply_waivers([f.model_copy() for f in findings], waivers, TODAY)
    assert len(out) == len(findings)
    for before, after in zip(findings, out):
        if before.status is not Status.FAILED:
            assert after.status is before.status  # a pass is never touched
            continue
        live = [w for w in waivers if w.matches(before) and w.expires >= TODAY]
        assert after.status in (Status.FAILED, Status.WAIVED)
        if after.status is Status.WAIVED:
            assert after.waiver is not None and any(w.id == after.waiver.id for w in live)


TREE_FILES = ["site.yml", "main.tf", ".env", "deploy/tasks.yml", "deploy/Notify.YAML", "infra/net/main.tf",
              "infra/net/vars/x.json", "a/b/c/d/e.conf", "Docs/ы ы.md", "deploy/group_vars/all.yml"]
TARGET_PIECES = ["*", "**", "?", "/", "[!.]", "[a-z]", "deploy", "main", ".tf", ".yml", "net", "tasks", "x", "!", " ",
                 "\\", "[", "]", "ы"]
targets = st.lists(st.sampled_from(TARGET_PIECES), min_size=1, max_size=6).map("".join)


@pytest.fixture(scope="module")
def tree(tmp_path_factory):
    root = tmp_path_factory.mktemp("tree")
    for rel in TREE_FILES:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("a: 1\n")
    return root


def _compiles(target: str) -> bool:
    try:
        pathspec.GitIgnoreSpec.from_lines([target])
    except ValueError:
        return False
    return True


def _waiver(target: str) -> Waiver:
    return Waiver(id="W-1", policy_id="SOV-MSG-001", target=target, reason="accepted risk", owner="o",
                  approved_by="a", ticket="T-1", expires=TODAY)


@FAST
@given(targets)
def test_a_waiver_target_covers_exactly_what_the_same_exclude_would_hide(tree, target):
    assume(target.strip() and not target.lstrip().startswith("!") and _compiles(target))
    def read(excludes):
        return {c.rel for c in discover.walk(tree, excludes) if isinstance(c, discover.Candidate)}

    everything = read([])
    covered = {rel for rel in everything if _waiver(target).covers(rel)}
    assert covered == everything - read([target]) or target in TREE_FILES


def _waiver_file(folder: Path, target: str, owner: str = "o", approver: str = "a") -> Path:
    path = folder / "sovstack-waivers.yaml"
    w = {"id": "W-1", "policy_id": "SOV-MSG-001", "target": target, "reason": "accepted risk here",
         "owner": owner, "approved_by": approver, "ticket": "T-1", "expires": str(TODAY)}
    path.write_text(yaml.safe_dump({"waivers": [w]}))
    return path


names = st.from_regex(r"[A-Za-z0-9_-][A-Za-z0-9_. -]{0,10}[A-Za-z0-9_]", fullmatch=True)
EXTS = [".yml", ".tf", ".json", ".env", ".conf", "", ".YAML"]


@st.composite
def varied_tree(draw):
    """A top-level file and files one to three folders down, with at least three extensions, a file without an
    extension and a one-letter name (a tree of only long dotted names is not varied: `??[!.]*.*` takes it in
    whole and still leaves Makefile, .env and x.conf out)."""
    paths = [draw(names) + EXTS[0]]
    for i in range(draw(st.integers(3, 6))):
        folders = draw(st.lists(names, min_size=i % 3 + 1, max_size=i % 3 + 1))
        paths.append("/".join([*folders, draw(names) + EXTS[(i + 1) % len(EXTS)]]))
    paths.append("/".join([*draw(st.lists(names, max_size=2)), draw(names)]))  # no extension
    paths.append("/".join([*draw(st.lists(names, max_size=2)), draw(st.sampled_from("abcxyzAZ019_")) +
                           draw(st.sampled_from(EXTS))]))  # one-letter name
    return paths


wildcards = st.lists(st.sampled_from(["*", "**", "?", "/", "[!.]", "[!x]", "*/", "/**", "*.*"]), min_size=1,
                     max_size=4).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(wildcards, varied_tree())
def test_a_target_that_takes_in_a_varied_tree_is_refused(tmp_path_factory, catalogue, target, paths):
    assume(_compiles(target) and all(_waiver(target).covers(p) for p in paths))
    with pytest.raises(WaiverError, match="W-1.*target"):
        load(_waiver_file(Path(tmp_path_factory.mktemp("w")), target), catalogue, TODAY)


@FAST
@given(st.sampled_from(["ivanov", "Ivan Petrov", "ciso@gov74.example", "Сидоров"]),
       st.sampled_from([str.upper, str.lower, str.title, lambda s: f"  {s} ", lambda s: s.replace(" ", "   ")]))
def test_an_owner_never_approves_their_own_waiver(tmp_path_factory, catalogue, owner, spell):
    path = _waiver_file(Path(tmp_path_factory.mktemp("w")), "deploy/tasks.yml", owner, spell(owner))
    with pytest.raises(WaiverError, match="W-1.*owner") as exc:
        load(path, catalogue, TODAY)
    assert str(path) in str(exc.value)


@FAST
@given(st.text(max_size=300))
def test_waiver_file_loader_gives_waivers_or_a_named_error(tmp_path_factory, catalogue, text):
    path = Path(tmp_path_factory.mktemp("w")) / "sovstack-waivers.yaml"
    path.write_text(text)
    try:
        waivers = load(path, catalogue, TODAY)
    except WaiverError as exc:
        assert str(path) in str(exc)
        return
    assert isinstance(waivers, list)
