"""Value resolution across files: Terraform, Ansible/Jinja, environment files and Helm values."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovstack import resolve, runner
from sovstack.catalogue import load
from sovstack.collect import parse
from sovstack.collect.discover import Candidate
from sovstack.facts import Workspace
from sovstack.models import Status

POLICIES = Path(__file__).resolve().parents[2] / "policies"


def _doc(root: Path, rel: str):
    doc = parse.read(Candidate(root / rel, rel, root))
    assert not isinstance(doc, (parse.ParseError, parse.Skipped)), doc
    return doc


def _write(root: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")


def _values(cands):
    return sorted(str(c.value) for c in cands)


def test_terraform_default_tfvars_and_auto_tfvars_precedence(tmp_path):
    _write(tmp_path, {"variables.tf": 'variable "zone" {\n  default = "ru-central1-a"\n}\n',
                      "main.tf": 'resource "yandex_compute_instance" "vm" {\n  zone = var.zone\n}\n',
                      "terraform.tfvars": 'zone = "ru-central1-b"\n'})
    doc = _doc(tmp_path, "main.tf")
    with resolve.scope(doc) as sc:
        got = resolve.terraform("${var.zone}")
    assert _values(got) == ["ru-central1-b"]
    assert got[0].chain[0].file == "terraform.tfvars" and got[0].chain[0].line == 1
    assert str(tmp_path / "terraform.tfvars") in sc.deps
    (tmp_path / "z.auto.tfvars").write_text('zone = "kz1-a"\n')
    with resolve.scope(doc):
        assert _values(resolve.terraform("${var.zone}")) == ["kz1-a"]


def test_other_tfvars_files_are_alternatives(tmp_path):
    _write(tmp_path, {"main.tf": 'variable "zone" {\n  default = "ru-central1-a"\n}\n',
                      "envs.tfvars": 'zone = "kz1-b"\n'})
    with resolve.scope(_doc(tmp_path, "main.tf")):
        assert _values(resolve.terraform("${var.zone}")) == ["kz1-b", "ru-central1-a"]


@pytest.mark.parametrize("expr, want", [
    ('"${var.region}-a"', "kz1-a"),
    ('"${local.m["prod"]}"', "kz1-a"),
    ('"${lookup(local.m, "prod", "x")}"', "kz1-a"),
    ('"${format("%s-%s", var.region, "b")}"', "kz1-b"),
    ('"${join("-", ["kz1", "c"])}"', "kz1-c"),
    ('"${var.zones[0]}"', "kz1-d"),
    ('"${upper(local.zone)}"', "KZ1-A"),
    ('"${try(var.nope, "kz1-a")}"', "kz1-a"),
    ('"${coalesce("", var.region)}"', "kz1"),
])
def test_hcl_constant_operations(tmp_path, expr, want):
    _write(tmp_path, {"main.tf": 'variable "region" { default = "kz1" }\n'
                                 'variable "zones" { default = ["kz1-d"] }\n'
                                 'locals {\n  zone = "${var.region}-a"\n  m = { prod = "kz1-a" }\n}\n'
                                 f'output "x" {{ value = {expr} }}\n'})
    doc = _doc(tmp_path, "main.tf")
    raw = doc.data[0]["output"][0]["x"]["value"]
    with resolve.scope(doc):
        assert _values(resolve.terraform(raw)) == [want]


def test_conditional_gives_both_branches_and_unknowns_stay_unresolved(tmp_path):
    _write(tmp_path, {"main.tf": 'variable "prod" {}\n'})
    with resolve.scope(_doc(tmp_path, "main.tf")):
        assert _values(resolve.terraform('${var.prod ? "kz1-a" : "ru-central1-a"}')) == ["kz1-a", "ru-central1-a"]
        assert resolve.terraform("${var.prod}") == []
        assert resolve.terraform("${data.x.y.zone}") == []
        assert resolve.terraform("%{ if true }a%{ endif }") == []


def test_module_input_reaches_the_module_variable(tmp_path):
    _write(tmp_path, {"main.tf": 'module "k8s" {\n  source = "./modules/k8s"\n  zone   = "kz1-a"\n}\n',
                      "modules/k8s/main.tf": 'variable "zone" {\n  default = "ru-central1-a"\n}\n'
                                             'resource "yandex_compute_instance" "vm" {\n  zone = var.zone\n}\n'})
    doc = _doc(tmp_path, "modules/k8s/main.tf")
    ws = Workspace([doc], [tmp_path / "main.tf", tmp_path / "modules/k8s/main.tf"])
    with resolve.scope(doc, ws) as sc:
        got = resolve.terraform("${var.zone}")
    assert _values(got) == ["kz1-a"]
    assert got[0].chain[-1].note == "module.k8s input zone" and got[0].chain[-1].file == "main.tf"
    assert not sc.cacheable


def test_jinja_group_vars_role_defaults_and_string_operations(tmp_path):
    _write(tmp_path, {
        "group_vars/all.yml": "region: kz\nsuffix: '1-a'\n",
        "group_vars/msk.yml": "region: ru-central\n",
        "roles/app/defaults/main.yml": "region: ignored\nbucket_host: \"{{ 'storage.' ~ domain }}\"\ndomain: yandexcloud.kz\n",
        "roles/app/tasks/main.yml": "- name: t\n  set_fact:\n    joined: \"{{ ['a', 'b'] | join('-') }}\"\n",
    })
    doc = _doc(tmp_path, "roles/app/tasks/main.yml")
    with resolve.scope(doc):
        assert _values(resolve.jinja("{{ region ~ suffix }}")) == ["kz1-a", "ru-central1-a"]
        assert _values(resolve.jinja("{{ bucket_host }}")) == ["storage.yandexcloud.kz"]
        assert _values(resolve.jinja("{{ joined }}")) == ["a-b"]
        assert _values(resolve.jinja("{{ missing | default('kz1-b') }}")) == ["kz1-b"]
        assert _values(resolve.jinja("{{ '%s-c' | format(region) }}"))[0] in ("kz-c", "ru-central-c")
        assert resolve.jinja("{{ lookup('env', 'X') }}") == []
        got = resolve.jinja("{{ bucket_host }}")[0]
        assert [o.file for o in got.chain] == ["roles/app/defaults/main.yml"] * 2


def test_unknown_variables_as_holes_keep_the_constant_parts(tmp_path):
    _write(tmp_path, {"tasks.yml": "- set_fact:\n    hook: \"{{ ['https://hooks.', 'slack.com/x/', hook_id] | join }}\"\n"})
    doc = _doc(tmp_path, "tasks.yml")
    with resolve.scope(doc):
        assert resolve.jinja("{{ hook }}") == []  # the whole is unknown
        got = resolve.jinja("{{ hook }}", holes=True)
        assert _values(got) == ["https://hooks.slack.com/x/{{?}}"]
        assert [o.note for o in got[0].chain] == ["hook from set_fact"]
        assert resolve.jinja("{{ hook }}") == []  # holes do not leak into the next question


def test_compose_env_file_and_dotenv(tmp_path):
    _write(tmp_path, {".env": "S3_HOST=s3.eu-central-1.amazonaws.com\n",
                      "app.env": "BUCKET=logs\n",
                      "docker-compose.yml": "services:\n  app:\n    image: x\n    env_file: app.env\n"
                                            "    environment:\n      URL: https://${S3_HOST}/${BUCKET}\n"})
    doc = _doc(tmp_path, "docker-compose.yml")
    with resolve.scope(doc):
        got = resolve.shell("https://${S3_HOST}/${BUCKET}")
        assert _values(got) == ["https://s3.eu-central-1.amazonaws.com/logs"]
        assert {o.file for o in got[0].chain} == {".env", "app.env"}
        assert resolve.shell("${NOPE}") == []
        assert _values(resolve.shell("${NOPE:-x}")) == ["x"]


def test_systemd_environment_file(tmp_path):
    _write(tmp_path, {"notify.env": "export OS_AUTH_URL=https://kz-1.cloud.api.selcloud.ru/identity/v3\n",
                      "notify.service": "[Service]\nEnvironmentFile=-/etc/app/notify.env\nEnvironment=\"A=b\"\n"
                                        "ExecStart=/bin/x $OS_AUTH_URL\n"})
    with resolve.scope(_doc(tmp_path, "notify.service")):
        assert _values(resolve.shell("$OS_AUTH_URL $A")) == ["https://kz-1.cloud.api.selcloud.ru/identity/v3 b"]


def test_helm_values_into_templates(tmp_path):
    _write(tmp_path, {"chart/Chart.yaml": "name: c\nversion: 1.0.0\n",
                      "chart/values.yaml": "storage:\n  endpoint: storage.googleapis.com\n",
                      "chart/templates/cm.yaml": "data:\n  x: '{{ .Values.storage.endpoint }}'\n"})
    with resolve.scope(_doc(tmp_path, "chart/templates/cm.yaml")):
        got = resolve.helm("https://{{ .Values.storage.endpoint }}/b")
        assert _values(got) == ["https://storage.googleapis.com/b"]
        assert got[0].chain[0].file == "chart/values.yaml" and got[0].chain[0].line == 2
        assert _values(resolve.helm('{{ .Values.nope | default "x" }}')) == ["x"]
        assert resolve.helm("{{ .Values.nope }}") == []


def test_resolution_never_leaves_the_scanned_tree(tmp_path):
    (tmp_path / "outside.tfvars").write_text('zone = "kz1-a"\n')
    _write(tmp_path / "tree", {"main.tf": 'variable "zone" {}\n'})
    with resolve.scope(_doc(tmp_path / "tree", "main.tf")) as sc:
        assert resolve.terraform("${var.zone}") == []
        assert sc.read_text(tmp_path / "outside.tfvars") is None


def test_variable_default_decides_the_location_with_its_chain(tmp_path):
    _write(tmp_path, {"variables.tf": 'variable "zone" {\n  default = "kz1-a"\n}\n',
                      "main.tf": 'provider "yandex" {\n  zone = var.zone\n}\n'
                                 'resource "yandex_compute_instance" "vm" {\n  zone = var.zone\n}\n'})
    res = runner.run(runner.Options(paths=[tmp_path]), load(POLICIES))
    failed = {(f.policy_id, f.line): f for f in res.findings if f.status is Status.FAILED}
    assert set(failed) == {("SOV-RES-001", 2), ("SOV-RES-002", 5)}
    assert failed["SOV-RES-002", 5].chain[0].file == "variables.tf" and failed["SOV-RES-002", 5].chain[0].line == 2
    (tmp_path / "variables.tf").write_text('variable "zone" {\n  default = "ru-central1-b"\n}\n')
    res = runner.run(runner.Options(paths=[tmp_path]), load(POLICIES))
    assert not [f for f in res.findings if f.status is Status.FAILED]


def test_cache_entry_is_invalidated_when_a_resolved_file_changes(tmp_path):
    tree, cache = tmp_path / "t", tmp_path / "cache"
    _write(tree, {"variables.tf": 'variable "zone" {\n  default = "ru-central1-b"\n}\n',
                  "main.tf": 'resource "yandex_compute_instance" "vm" {\n  zone = var.zone\n}\n'})
    opts = runner.Options(paths=[tree], cache_dir=cache)
    cat = load(POLICIES)
    assert not [f for f in runner.run(opts, cat).findings if f.status is Status.FAILED]
    (tree / "variables.tf").write_text('variable "zone" {\n  default = "kz1-a"\n}\n')
    failed = [f for f in runner.run(opts, cat).findings if f.status is Status.FAILED]
    assert [(f.file, f.policy_id) for f in failed] == [("main.tf", "SOV-RES-002")]
    (tree / "terraform.tfvars").write_text('zone = "ru-central1-a"\n')  # a new file in the folder counts too
    assert not [f for f in runner.run(opts, cat).findings if f.status is Status.FAILED]
