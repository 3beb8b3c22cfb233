"""The offline plan: Pulumi programs run isolated under mocks; anything that cannot be planned is an input error."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from sovstack.collect import discover, parse
from sovstack.collect.pulumiplan import plan, project

PROVIDER = 'openstack.Provider("site", auth_url="https://infra.mail.ru:35357/v3/", region="RegionOne")'


def make_project(root: Path, program: str, stacks: dict[str, str] | None = None, pulumi_yaml: str | None = None):
    root.mkdir(parents=True, exist_ok=True)
    (root / "Pulumi.yaml").write_text(pulumi_yaml or "name: demo\nruntime: python\nmain: app/\n"
                                      "config:\n  size:\n    type: integer\n    default: 10\n")
    (root / "app").mkdir(exist_ok=True)
    (root / "app" / "__main__.py").write_text(textwrap.dedent(program))
    for name, text in (stacks if stacks is not None else {"dev": "config:\n  demo:size: 20\n"}).items():
        (root / f"Pulumi.{name}.yaml").write_text(text)
    return root


def projects_in(root: Path):
    docs = [d for c in discover.walk(root) if isinstance(c, discover.Candidate)
            for d in [parse.read(c)] if hasattr(d, "kind")]
    return project.find(docs)


def plan_one(root: Path, **limits) -> plan.PlanDocument | plan.PlanError:
    projects, problems = projects_in(root)
    assert not problems, problems
    return plan.run_stack(projects[0], projects[0].stacks[0], plan.Limits(**limits))


GOOD = f"""
    import pulumi
    import pulumi_openstack as openstack

    cfg = pulumi.Config()
    site = {PROVIDER}

    class Store(pulumi.ComponentResource):
        def __init__(self, name, opts=None):
            super().__init__("demo:storage:Store", name, None, opts)
            self.volume = openstack.blockstorage.Volume(
                f"{{name}}-data", size=cfg.require_int("size"),
                opts=pulumi.ResourceOptions(parent=self, provider=site, protect=True))
            self.register_outputs({{"volume": self.volume.id}})

    store = Store("db")
    pulumi.export("inventory", {{"hosts": [{{"name": "db-1", "address": "10.0.0.5"}}]}})
    pulumi.export("token", cfg.require_secret("token"))
"""


def test_plan_records_graph_with_parents_providers_protect_and_positions(tmp_path):
    root = make_project(tmp_path / "p", GOOD, {"dev": "config:\n  demo:size: 20\n  demo:token:\n    secure: AAABAx==\n"})
    doc = plan_one(root)
    assert isinstance(doc, plan.PlanDocument), doc
    resources = {r["type"]: r for r in doc.data[0]["deployment"]["resources"]}
    volume = resources["openstack:blockstorage/volume:Volume"]
    assert volume["inputs"]["size"] == 20  # the stack file overrides the project default
    assert volume["protect"] is True
    assert volume["parent"] == resources["demo:storage:Store"]["urn"]
    assert volume["provider"].startswith(resources["pulumi:providers:openstack"]["urn"])
    assert doc.position(volume) == ("app/__main__.py", 11)
    outputs = resources["pulumi:pulumi:Stack"]["outputs"]
    assert outputs["inventory"]["hosts"][0]["address"] == "10.0.0.5"
    assert outputs["token"] == project.SECRET_PLACEHOLDER  # secure: values are never decrypted
    assert doc.stack == "dev" and doc.rel == "Pulumi.dev.yaml"


def test_project_defaults_apply_without_stack_file(tmp_path):
    root = make_project(tmp_path / "p", GOOD.replace('cfg.require_secret("token")', '"x"'), stacks={})
    projects, _ = projects_in(root)
    assert [s.name for s in projects[0].stacks] == [project.OFFLINE_STACK]
    doc = plan.run_stack(projects[0], projects[0].stacks[0], plan.Limits())
    assert doc.rel == "Pulumi.yaml#offline"
    sizes = [r["inputs"].get("size") for r in doc.data[0]["deployment"]["resources"] if r["type"].endswith("Volume")]
    assert sizes == [10]


def test_resource_without_explicit_provider_gets_the_default_provider_from_stack_config(tmp_path):
    root = make_project(tmp_path / "p", """
        import pulumi_minio as minio
        minio.S3Bucket("b", bucket="backups")
    """, {"dev": "config:\n  minio:minioServer: s3.gov74.internal:9000\n"})
    doc = plan_one(root)
    res = {r["type"]: r for r in doc.data[0]["deployment"]["resources"]}
    assert res["pulumi:providers:minio"]["inputs"] == {"minioServer": "s3.gov74.internal:9000"}
    assert res["minio:index/s3Bucket:S3Bucket"]["provider"].startswith(res["pulumi:providers:minio"]["urn"])


@pytest.mark.parametrize("program, expected", [
    ("import pulumi\nraise ValueError('sovstack:site: unknown site x')\n", "ValueError: sovstack:site: unknown site x"),
    ("import pulumi_aws\n", "module 'pulumi_aws' is not installed"),
    ("import socket\ns = socket.socket()\ntry:\n    s.connect(('192.0.2.1', 443))\nexcept OSError:\n    pass\n",
     "tried to open a network connection (('192.0.2.1', 443))"),
    ("import socket\ntry:\n    socket.getaddrinfo('api.telegram.org', 443)\nexcept OSError:\n    pass\n",
     "tried to resolve a host name ('api.telegram.org')"),
    ("import subprocess\nsubprocess.run(['true'])\n", "tried to run a command"),
    ("x = bytearray(8 * 1024 ** 3)\n", "out of memory"),
    ("import sys\nsys.exit(3)\n", "SystemExit"),
])
def test_programs_that_cannot_be_planned_are_errors_with_the_reason(tmp_path, program, expected):
    root = make_project(tmp_path / "p", program)
    result = plan_one(root, memory_mb=1024)
    assert isinstance(result, plan.PlanError)
    assert expected in result.reason
    assert result.rel == "Pulumi.dev.yaml" and result.stack == "dev"


def test_program_that_never_ends_is_stopped_at_the_time_limit(tmp_path):
    root = make_project(tmp_path / "p", "while True:\n    pass\n")
    result = plan_one(root, timeout_s=3)
    assert isinstance(result, plan.PlanError)
    assert "time limit" in result.reason


def test_program_output_on_stdout_does_not_break_the_plan(tmp_path):
    root = make_project(tmp_path / "p", "print('{not json')\n" + textwrap.dedent(GOOD).replace(
        'cfg.require_secret("token")', '"x"'))
    assert isinstance(plan_one(root), plan.PlanDocument)


def test_other_runtimes_and_mains_outside_the_project_are_reported(tmp_path):
    make_project(tmp_path / "ts", "", pulumi_yaml="name: ts\nruntime: nodejs\n")
    make_project(tmp_path / "odd", "", pulumi_yaml="name: odd\nruntime: cobol\n")
    make_project(tmp_path / "out", "", pulumi_yaml="name: out\nruntime: python\nmain: ../elsewhere\n")
    make_project(tmp_path / "yml", "", pulumi_yaml="name: y\nruntime: yaml\nresources: {}\n")
    projects, problems = projects_in(tmp_path)
    reasons = dict(problems)
    assert projects == []
    assert "ts/Pulumi.yaml" not in reasons  # TypeScript, Go, C#, Java programs are read statically
    assert "runtime cobol" in reasons["odd/Pulumi.yaml"]
    assert "outside the project" in reasons["out/Pulumi.yaml"]
    assert "yml/Pulumi.yaml" not in reasons  # Pulumi YAML programs are read as config, nothing to run


def test_stack_config_strings_follow_pulumi_conventions():
    stack = project.stack_config("demo", {"demo:flag": True}, {"config": {
        "obj": {"a": [1, 2]}, "aws:region": "eu-west-1", "n": 3, "nested": {"k": {"secure": "x"}}}}, None, "s")
    assert stack.config == {"demo:flag": "true", "demo:obj": '{"a": [1, 2]}', "aws:region": "eu-west-1",
                            "demo:n": "3", "demo:nested": json.dumps({"k": project.SECRET_PLACEHOLDER})}
    assert stack.secret_keys == ["demo:nested"]


def test_cli_reports_unplannable_stack_as_input_error_and_still_reads_the_config(sovstack, tmp_path):
    root = make_project(tmp_path / "p", "raise RuntimeError('boom')\n", {"prod": "config:\n  aws:region: eu-west-1\n"})
    code, result = sovstack.json(root)
    assert code == 2
    errors = [i for i in result["inputs"] if i["status"] == "error"]
    assert errors == [{"path": "Pulumi.prod.yaml", "kind": "pulumi-program", "status": "error", "stack": "prod",
                       "error": "offline plan of stack prod failed: the program raised RuntimeError: boom "
                                "(at __main__.py:1)", "resources": None, "seconds": None, "reason": None,
                       "rule": None, "files": None}]
    assert any(f["policy_id"] == "SOV-RES-006" and f["status"] == "failed" for f in result["findings"])


def test_cli_no_plan_reports_stacks_as_not_evaluated(sovstack, tmp_path):
    root = make_project(tmp_path / "p", GOOD)
    code, result = sovstack.json(root, "--no-plan")
    assert code == 2
    [rec] = [i for i in result["inputs"] if i["kind"] == "pulumi-program" and i["stack"]]
    assert rec["status"] == "error" and "--no-plan" in rec["error"]


def test_cli_plan_finding_points_at_the_declaring_line(sovstack, tmp_path):
    program = GOOD.replace('"https://infra.mail.ru:35357/v3/"', '"https://auth.cloud.ovh.net/v3"').replace(
        'cfg.require_secret("token")', '"x"')
    root = make_project(tmp_path / "p", program)
    code, result = sovstack.json(root)
    assert code == 1
    [finding] = [f for f in result["findings"] if f["status"] == "failed" and f["policy_id"] == "SOV-RES-005"]
    assert finding["file"] == "app/__main__.py" and finding["line"] == 6
    assert "auth.cloud.ovh.net" in finding["message"] and "openstack.Provider" in finding["excerpt"]
    assert finding["pulumi"] == {"urn": "urn:pulumi:dev::demo::pulumi:pulumi:Stack$pulumi:providers:openstack::site"
                                        if False else finding["pulumi"]["urn"], "type": "pulumi:providers:openstack",
                                 "provider": "openstack", "stack": "dev"}
    assert finding["pulumi"]["urn"].endswith("pulumi:providers:openstack::site")


def test_zygote_plans_keep_isolation_limits_and_order(tmp_path):
    good = make_project(tmp_path / "good", GOOD.replace('cfg.require_secret("token")', '"x"'))
    loop = make_project(tmp_path / "loop", "while True:\n    pass\n")
    net = make_project(tmp_path / "net", "import socket\nsocket.getaddrinfo('api.telegram.org', 443)\n")
    hog = make_project(tmp_path / "hog", "x = bytearray(8 * 1024 ** 3)\n")
    projects = [projects_in(p)[0][0] for p in (good, loop, net, hog, good)]
    limits = plan.Limits(timeout_s=4, memory_mb=1024, workers=2)
    assert limits.zygote
    results = plan.Planning(projects, limits).results()
    assert isinstance(results[0], plan.PlanDocument) and isinstance(results[4], plan.PlanDocument)
    assert results[0].data == results[4].data  # a fresh process per stack: no state leaks between plans
    assert "time limit" in results[1].reason
    assert "resolve a host name ('api.telegram.org')" in results[2].reason
    assert "out of memory" in results[3].reason
