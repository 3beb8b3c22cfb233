"""Pulumi programs in other languages read statically: config reads followed to the stack configuration."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovstack import runner
from sovstack.catalogue import load
from sovstack.models import Status
from sovstack.rules import pulumistatic

POLICIES = Path(__file__).resolve().parents[2] / "policies"


@pytest.mark.parametrize("text,want", [
    ('const cfg = new pulumi.Config();\nconst region = cfg.require("site");\n', [(2, "site", None, "region")]),
    ('const aws = new pulumi.Config("aws");\nnew P("p", { region: aws.get("region") });\n',
     [(2, "region", "aws", "region")]),
    ('let c: pulumi.Config = new pulumi.Config("net");\nconst u = c.requireSecret<string>("authUrl");\n',
     [(2, "authUrl", "net", "u")]),
    ('const z = new pulumi.Config().require("zone");\n', [(1, "zone", None, "z")]),
    ('conf := config.New(ctx, "")\nzone := conf.Require("placement")\n', [(2, "placement", None, "zone")]),
    ('r := config.Require(ctx, "aws:region")\n', [(1, "aws:region", None, "r")]),
    ('var config = new Config("yandex");\nZone = config.Require("zone"),\n', [(2, "zone", "yandex", "Zone")]),
    ('var c = ctx.config();\nvar region = c.require("region");\n', [(2, "region", None, "region")]),
    ('const cfg = new pulumi.Config();\n// const region = cfg.require("site");\n', []),
    ('const other = makeThing();\nconst r = other.get("region");\n', []),  # not a Config object
])
def test_config_refs(text, want):
    got = [(r.line, r.key, r.namespace, r.hint) for r in pulumistatic.config_refs(text)]
    assert got == want


@pytest.fixture(scope="module")
def catalogue():
    return load(POLICIES)


def _res006(tmp_path, files, catalogue):
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    res = runner.run(runner.Options(paths=[tmp_path]), catalogue)
    return [f for f in res.findings if f.status is Status.FAILED and f.policy_id == "SOV-RES-006"]


def test_csharp_region_from_every_stack(tmp_path, catalogue):
    files = {"Pulumi.yaml": "name: citizens\nruntime: dotnet\n",
             "Pulumi.msk.yaml": "config:\n  citizens:where: ru-central1-a\n",
             "Pulumi.ams.yaml": "config:\n  citizens:where: ams3\n",
             "Program.cs": 'using Pulumi;\nreturn await Deployment.RunAsync(() =>\n{\n    var config = new Config();\n'
                           '    var region = config.Require("where");\n});\n'}
    got = _res006(tmp_path, files, catalogue)
    assert [(f.file, f.line) for f in got] == [("Program.cs", 5)]
    assert any(o.file == "Pulumi.ams.yaml" and o.line == 2 for o in got[0].chain)


def test_project_default_in_pulumi_yaml_is_a_value_too(tmp_path, catalogue):
    files = {"Pulumi.yaml": "name: citizens\nruntime: nodejs\nconfig:\n  site:\n    type: string\n    default: fsn1\n",
             "index.ts": 'import * as pulumi from "@pulumi/pulumi";\nconst cfg = new pulumi.Config();\n'
                         'const region = cfg.get("site") || "ru-central1";\n'}
    got = _res006(tmp_path, files, catalogue)
    assert [(f.file, f.line) for f in got] == [("index.ts", 3)]


def test_a_key_with_no_location_role_and_no_hint_is_not_judged(tmp_path, catalogue):
    files = {"Pulumi.yaml": "name: citizens\nruntime: nodejs\n",
             "Pulumi.prod.yaml": "config:\n  citizens:mirror: https://mirror.example.de\n",
             "index.ts": 'import * as pulumi from "@pulumi/pulumi";\nconst cfg = new pulumi.Config();\n'
                         'const m = cfg.require("mirror");\n'}
    assert _res006(tmp_path, files, catalogue) == []


def test_pulumi_yaml_stack_name_interpolation(tmp_path, catalogue):
    files = {"Pulumi.yaml": "name: c\nruntime: yaml\nresources:\n  vm:\n    type: yandex:ComputeInstance\n"
                            "    properties:\n      zone: ${pulumi.stack}-a\n",
             "Pulumi.kz1.yaml": "config: {}\n",
             "Pulumi.ru-central1.yaml": "config: {}\n"}
    got = _res006(tmp_path, files, catalogue)
    assert [(f.file, f.line) for f in got] == [("Pulumi.yaml", 7)]
    assert "kz1-a" in got[0].message
