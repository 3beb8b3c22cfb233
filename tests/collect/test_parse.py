"""Reading one file: templates wherever they live, every valid file read, documentation apart, content over name."""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
import pytest

from sovstack.collect import discover, parse
from sovstack.collect.document import Document
from sovstack.models import Kind

ESCAPE = "{{ self.__init__.__globals__.__builtins__.__import__('os').system('touch PWNED') }}"


def read(tmp_path: Path, rel: str, data: str | bytes) -> Document | parse.Skipped | parse.ParseError:
    path = tmp_path / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data if isinstance(data, bytes) else data.encode())
    return parse.read(discover.Candidate(path, rel, tmp_path))


def test_jinja_json_template_keeps_its_structure(tmp_path):
    text = ('{\n  "resources": [\n{% for i in range(n) %}\n    {"name": "vm-{{ i }}", "type": "x"}'
            '{% if not loop.last %},{% endif %}\n{% endfor %}\n  ]\n}\n')
    doc = read(tmp_path, "roles/gen/templates/vms.json", text)
    assert isinstance(doc, Document) and doc.template and doc.structured
    assert doc.data[0]["resources"][0]["name"] == "vm-{{ i }}"


def test_json_template_whose_structure_does_not_survive_is_a_template(tmp_path):
    text = '{\n  "a": [\n  {% for x in xs %}\n    "{{ x }}"{% if not loop.last %},\n  {% endif %}{% endfor %}\n  ]\n}\n'
    doc = read(tmp_path, "roles/gen/templates/list.json", text)
    assert isinstance(doc, Document) and doc.template


@pytest.mark.parametrize("rel", ["example/alertmanager.yaml", "charts/x/templates/config.yaml"])
def test_malformed_yaml_is_an_error_even_with_template_strings_or_a_templates_folder(tmp_path, rel):
    text = ("route:\n  receiver: slack\nreceivers:\n- name: slack\n  slack_configs:\n"
            "  - api_url: https://hooks.slack.com/services/T0/B0/x\n    title: '{{ template \"t\" . }}'\n"
            "\n\n\n\n\n    text: [unclosed\n  bad: indentation\n")
    res = read(tmp_path, rel, text)
    assert isinstance(res, parse.ParseError) and "malformed YAML" in res.reason


def test_file_named_as_template_is_never_malformed_yaml(tmp_path):
    doc = read(tmp_path, "roles/x/templates/conf.yml.j2", "a: 1\n{% if x %}\n  b: [\n{% endif %}\n")
    assert isinstance(doc, Document) and doc.template


def test_crd_with_value_tag_reads_and_its_schema_is_documentation(tmp_path):
    text = ("apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: a.example.com\n"
            "spec:\n  versions:\n  - name: v1\n    schema:\n      openAPIV3Schema:\n        properties:\n"
            "          telegramConfigs:\n            description: apiURL defines the Telegram API URL, e.g. "
            "https://api.telegram.org.\n            enum: [!!value =, '!=']\n          slackApiUrl:\n"
            "            description: See https://api.slack.com/docs\n    served: true\n")
    doc = read(tmp_path, "crds/crd.yaml", text)
    assert isinstance(doc, Document) and doc.kind is Kind.KUBERNETES
    assert not any("telegram" in s.value.lower() or "slack" in s.value.lower() for s in doc.scalars)
    assert "telegramConfigs" not in json.dumps(doc.data)
    assert doc.data[0]["spec"]["versions"][0]["served"] is True  # configuration outside the schema stays
    assert doc.is_documentation(12) and not doc.is_documentation(16)


def test_json_schema_is_documentation(tmp_path):
    text = json.dumps({"$schema": "http://json-schema.org/draft-07/schema#", "properties": {"webhook": {
        "default": "https://api.telegram.org/bot"}}}, indent=2)
    doc = read(tmp_path, "charts/x/values.schema.json", text)
    assert isinstance(doc, Document) and not [s for s in doc.scalars if "telegram" in s.value]


def test_helm_values_with_deployment_key_is_not_pulumi_state(tmp_path):
    doc = read(tmp_path, "values.yaml", "deployment:\n  replicas: 1\n  image: x\n")
    assert isinstance(doc, Document) and doc.kind is Kind.YAML
    export = {"version": 3, "deployment": {"manifest": {"time": "t", "magic": "m", "version": "v3"},
                                           "resources": [{"urn": "urn:pulumi:dev::p::pulumi:pulumi:Stack::p-dev",
                                                          "type": "pulumi:pulumi:Stack"}]}}
    state = read(tmp_path, "state.json", json.dumps(export))
    assert isinstance(state, Document) and state.kind is Kind.PULUMI_STATE


@pytest.mark.parametrize("rel,text,kind", [
    ("notes/alertmanager.txt", "route:\n  receiver: tg\nreceivers:\n- name: tg\n  telegram_configs:\n  - chat_id: 1\n",
     Kind.ALERTMANAGER),
    ("deploy/stack.conf", "services:\n  bot:\n    image: bot:1\n    environment:\n      - A=b\n", Kind.COMPOSE),
    ("docs/compose.md", "services:\n  bot:\n    image: bot:1\n", Kind.COMPOSE),
    ("run.txt", "#!/bin/sh\ncurl https://api.telegram.org/bot1/sendMessage\n", Kind.SHELL),
    ("secrets.txt", "# bot\nTELEGRAM_TOKEN=1:abc\nexport CHAT_ID=5\n", Kind.ENV),
    ("image.png", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n", Kind.KUBERNETES),
    ("apprise.txt", "# ops\nops, db = tgram://1:abc/5\n; old\ninclude extra.cfg\nall = ops, db\n", Kind.CONFIG),
    ("notify.txt", "urls:\n  - json://127.0.0.1/x\n  - discord://1/abc:\n      - tag: ops\n", Kind.YAML),
])
def test_content_decides_not_the_name(tmp_path, rel, text, kind):
    doc = read(tmp_path, rel, text)
    assert isinstance(doc, Document) and doc.kind is kind


@pytest.mark.parametrize("rel,data,evidence", [
    ("README.md", "# Title\n\nSome prose: with a colon.\n", "prose (.md) with no configuration content"),
    ("notes.txt", "Remember to water the plants.\nCall the office on Monday.\n", "prose (.txt) with no configuration content"),
    ("links.txt", "https://example.org/a\nhttps://example.org/b\n", "prose (.txt) with no configuration content"),
    ("mirrors.txt", "rsync://mirror.example.org/debian\ngit://git.example.org/x.git\n",
     "prose (.txt) with no configuration content"),
    ("howto.txt", "Write tgram://token/chat\ninto apprise.txt\n", "prose (.txt) with no configuration content"),
    ("logo.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file type (.png) and binary content (PNG image)"),
    ("font.dat", bytes(range(256)) * 4, "binary content: NUL byte at offset 0"),
    ("LICENSE", "Copyright \xe9".encode("latin-1"), "prose (LICENSE) and not UTF-8 text"),
])
def test_skipped_says_why(tmp_path, rel, data, evidence):
    res = read(tmp_path, rel, data)
    assert isinstance(res, parse.Skipped) and evidence in res.reason


def test_a_binary_format_known_by_its_signature_is_skipped_under_any_name(tmp_path):
    import pickle

    data = pickle.dumps({"conversations": {"a known bot replaced by the bridge": [1, 2, 3]}, "users": ["x"] * 40},
                        protocol=4)
    res = read(tmp_path, "tests/data/chat_state.v20", data)
    assert isinstance(res, parse.Skipped) and "Pickle" in res.reason and "signature" in res.reason
    # the same bytes under a text kind's name are an error: a YAML file with binary bytes hides text
    assert isinstance(read(tmp_path, "alerts.yml", data), parse.ParseError)


@pytest.mark.parametrize("rel", ["notes.txt", "alerts.yml", "config", "settings.md"])
def test_text_with_nul_bytes_is_an_error_whatever_the_name(tmp_path, rel):
    res = read(tmp_path, rel, b"receivers:\n- name: tg\x00\n  telegram_configs: []\n")
    assert isinstance(res, parse.ParseError) and "NUL byte at offset 21" in res.reason


def test_templates_are_parsed_never_rendered(tmp_path, monkeypatch):
    def refuse(*_a, **_k):
        raise AssertionError("a template was compiled or rendered")

    monkeypatch.setattr(jinja2.Environment, "compile", refuse)
    monkeypatch.setattr(jinja2.Template, "render", refuse)
    for rel, text in [("templates/notify.conf.j2", ESCAPE + "\n"),
                      ("roles/x/templates/cm.yml.j2", "{% set _ = d.__setitem__('k', 1) %}\nk: {{ ''|attr('x') }}\n"),
                      ("playbooks/site.yml", f"- hosts: all\n  tasks:\n    - ansible.builtin.debug:\n"
                                             f"        msg: \"{ESCAPE}\"\n")]:
        res = read(tmp_path, rel, text)
        assert isinstance(res, Document), res  # read as a template, not refused
    assert not list(tmp_path.rglob("PWNED"))


def test_check_evaluates_a_hostile_template_without_running_it(tmp_path, sovstack):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "notify.conf.j2").write_text(ESCAPE + "\nurl = https://api.telegram.org/bot1/x\n")
    code, result = sovstack.json(str(tmp_path))
    assert code == 1 and result["summary"]["errors"] == 0
    assert any(f["file"] == "templates/notify.conf.j2" and f["status"] == "failed" for f in result["findings"])
    assert not list(tmp_path.rglob("PWNED")) and not list(Path.cwd().glob("PWNED"))


def test_telegram_receiver_in_helm_values_with_deployment_key_is_found(tmp_path, sovstack):
    (tmp_path / "values.yaml").write_text(
        "deployment:\n  replicas: 1\nalertmanager:\n  config:\n    route:\n      receiver: tg\n    receivers:\n"
        "      - name: tg\n        telegram_configs:\n          - bot_token: '1:abc'\n            chat_id: 42\n")
    code, result = sovstack.json(str(tmp_path))
    assert code == 1
    assert any(f["file"] == "values.yaml" and f["status"] == "failed" and f["policy_id"].startswith("SOV-MSG")
               for f in result["findings"])


def test_settings_saved_as_text_are_evaluated(tmp_path):
    doc = read(tmp_path, "notify.txt", "notify_url: https://api.telegram.org/bot1:abc/sendMessage\nchat_id: 5\n")
    assert isinstance(doc, Document) and doc.kind is Kind.YAML and doc.structured


def test_malformed_alertmanager_example_with_quoted_go_templates_is_an_error(tmp_path):
    """kube-prometheus examples/alertmanager-config-with-template.yaml: broken indentation right where the
    receiver's quoted template strings are; the quotes make them values, so nothing excuses the file."""
    text = ("global:\n  slack_api_url: url\nroute:\n  receiver: slack\nreceivers:\n- name: slack\nslack_configs:\n"
            "- channel: '#alerts'\n  send_resolved: true\n   title: '{{ template \"slack.title\" . }}'\n"
            "    color: '{{ template \"slack.color\" . }}'\n    text: '{{ template \"slack.text\" . }}\n\n"
            "templates:\n- '/etc/alertmanager/*.tmpl'\n")
    res = read(tmp_path, "examples/alertmanager-config-with-template.yaml", text)
    assert isinstance(res, parse.ParseError) and "malformed YAML" in res.reason


def test_quotes_inside_tags_do_not_make_a_template_malformed(tmp_path):
    text = 'metadata:\n  labels:\n    app: "{{ template "name" . }}"\n    url: "{{ .Values.url }}"\n'
    doc = read(tmp_path, "charts/x/templates/svc.yaml", text)
    assert isinstance(doc, Document) and doc.template and doc.data[0]["metadata"]["labels"]["app"]


def test_schema_in_text_no_parser_structures_is_documentation(tmp_path):
    text = ("// generated\n{ spec+: { versions+: [\n  {\n    name: 'v1',\n    schema: {\n      openAPIV3Schema: {\n"
            "        description: 'apiURL defines the Telegram API URL, e.g. https://api.telegram.org.',\n"
            "      },\n    },\n    served: true,\n  },\n] } }\n")
    doc = read(tmp_path, "jsonnet/crd.libsonnet", text)
    assert isinstance(doc, Document) and not doc.structured
    assert doc.is_documentation(7) and not doc.is_documentation(10)
