"""Channel facts of the specific messenger policies (SOV-MSG-001..010): what each extractor yields and where, that
a document's facts are extracted once per evaluation, and that the per-node extractors give checkov's view (one
task, resource or object, no document) the same facts."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovstack import facts, resolve, runner
from sovstack.catalogue import load
from sovstack.collect import embedded, parse
from sovstack.collect.discover import Candidate
from sovstack.extract import alerting, ansible, credentials, endpoints, kubernetes, terraform
from sovstack.facts import Channel, Workspace
from sovstack.models import Status

POLICIES = Path(__file__).resolve().parents[2] / "policies"

CONFIGMAP = """\
apiVersion: v1
kind: ConfigMap
metadata:
  name: alertmanager-config
data:
  alertmanager.yml: |
    route:
      receiver: duty
    receivers:
      - name: duty
        telegram_configs:
          - bot_token_file: /etc/am/tg
            chat_id: -100123
      - name: chat
        slack_configs:
          - api_url: https://chat.example.ru/hooks/abc
"""


def _doc(tmp: Path, name: str, text: str):
    path = tmp / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    doc = parse.read(Candidate(path, name, tmp))
    assert hasattr(doc, "kind"), doc  # parsed, not skipped
    return doc


def _channels(doc, hows) -> list[Channel]:
    return [f for f in facts.of(doc, hows=hows) if isinstance(f, Channel)]


@pytest.fixture(scope="module")
def catalogue():
    return load(POLICIES)


def test_telegram_receiver_of_an_alertmanager_config_in_a_configmap(tmp_path, catalogue):
    doc = _doc(tmp_path, "cm.yaml", CONFIGMAP)
    sub = next(e for e in embedded.documents(doc) if e.doc.kind.value == "alertmanager")
    found = _channels(sub.doc, alerting.ALERTMANAGER)
    # the telegram receiver, on the outer file's line; the Slack-format receiver posting to a self-hosted
    # Mattermost is no channel to Slack
    assert [(f.how, f.service, f.line, f.resource) for f in found] == [
        (alerting.RECEIVER, "telegram", 11, "receiver.duty")]
    assert "receiver 'duty' sends alerts to" in found[0].message and "(telegram_configs)" in found[0].message
    res = runner.run(runner.Options(paths=[tmp_path]), catalogue)
    hits = [(f.file, f.line) for f in res.findings if f.status is Status.FAILED and f.policy_id == "SOV-MSG-004"]
    assert hits == [("cm.yaml", 11)]


def test_slack_receiver_to_slack_itself_is_a_channel(tmp_path):
    doc = _doc(tmp_path, "alertmanager.yml", "route:\n  receiver: r\nreceivers:\n  - name: r\n    slack_configs:\n"
                                            "      - api_url: https://hooks.slack.com/services/T0/B0/X\n")
    assert [(f.how, f.service, f.line) for f in _channels(doc, alerting.ALERTMANAGER)] == [
        (alerting.RECEIVER, "slack", 5)]


def test_grafana_contact_point_and_a_bare_type_elsewhere(tmp_path):
    doc = _doc(tmp_path, "contact.yaml", "apiVersion: 1\ncontactPoints:\n  - orgId: 1\n    name: ops\n    receivers:\n"
                                         "      - uid: tg1\n        type: telegram\n        settings:\n"
                                         "          chatid: '-1'\n")
    assert [(f.how, f.service, f.line, f.resource) for f in _channels(doc, {alerting.CONTACT_POINT})] == [
        (alerting.CONTACT_POINT, "telegram", 7, "contact-point.tg1")]
    bare = _doc(tmp_path, "other.yaml", "widgets:\n  - type: slack\n    size: 2\n")
    assert _channels(bare, {alerting.CONTACT_POINT}) == []


def test_endpoint_under_a_deny_list_is_no_channel(tmp_path):
    doc = _doc(tmp_path, "vars.yml", "notify_url: https://api.telegram.org/bot{{ t }}/sendMessage\n"
                                     "egress_guard_deny_hosts:\n  - api.telegram.org\n")
    assert [(f.how, f.service, f.line) for f in _channels(doc, endpoints.HOWS)] == [(endpoints.URL, "telegram", 1)]


def test_credentials_named_settings_before_token_patterns_and_none_in_kubernetes(tmp_path):
    doc = _doc(tmp_path, "app.env", "# settings\nTELEGRAM_BOT_TOKEN=abc\nEMPTY_SLACK_WEBHOOK=''\n")
    found = _channels(doc, credentials.HOWS)
    assert [(f.how, f.service, f.line, f.credential_ref) for f in found] == [
        (credentials.CREDENTIAL, "telegram", 2, "TELEGRAM_BOT_TOKEN")]
    k8s = _doc(tmp_path, "cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  TELEGRAM_TOKEN: a\n")
    assert _channels(k8s, credentials.HOWS) == []  # read with its structure by the workload extractor
    assert [(f.how, f.line) for f in _channels(k8s, kubernetes.HOWS)] == [(kubernetes.DATA, 6)]


PLAYBOOK = """\
- hosts: all
  tasks:
    - name: tell the duty chat
      community.general.telegram:
        token: "{{ tg_token }}"
    - name: post by hand
      ansible.builtin.uri:
        url: "https://api.telegram.org/bot{{ tg_token }}/sendMessage"
    - name: install the notifier
      ansible.builtin.copy:
        src: telegram-send.sh
        dest: /usr/local/bin/telegram-send.sh
    - name: harmless
      ansible.builtin.debug:
        msg: hello
"""


def test_ansible_tasks_one_fact_per_family_with_their_lines(tmp_path):
    doc = _doc(tmp_path, "site.yml", PLAYBOOK)
    found = _channels(doc, ansible.HOWS)
    assert sorted((f.how, f.service, f.line) for f in found) == [
        (ansible.CALL, "telegram", 8), (ansible.MODULE, "telegram", 4), (ansible.INSTALL, "telegram", 11)]
    assert all(f.node is not None and f.node.get("name") for f in found)


def test_checkov_view_one_node_without_a_document_gives_the_same_facts(tmp_path):
    doc = _doc(tmp_path, "site.yml", PLAYBOOK)
    task = doc.data[0][0]["tasks"][1]
    alone = facts.of_node(task, "ansible.builtin.uri", ansible.call_channels)  # no document being read
    assert [f.how for f in alone] == [ansible.CALL] and "api.telegram.org" in alone[0].endpoint
    assert alone[0].line == task["__startline__"]  # without a document: the task's first line
    with resolve.scope(doc, Workspace([doc])), facts.reading(doc):
        inside = facts.of_node(task, "ansible.builtin.uri", ansible.call_channels)
    assert [(f.how, f.message, f.line) for f in inside] == [(ansible.CALL, alone[0].message, 8)]


def test_kubernetes_workload_env_envfrom_and_args(tmp_path):
    doc = _doc(tmp_path, "deploy.yaml", """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: bot
spec:
  template:
    spec:
      containers:
        - name: app
          image: app:1
          env:
            - name: SLACK_WEBHOOK_URL
              valueFrom: {secretKeyRef: {name: s, key: k}}
            - name: HOOK
              value: https://discord.com/api/webhooks/1/x
          envFrom:
            - secretRef:
                name: telegram-bot
          args: ["--telegram-token=$(T)"]
""")
    found = _channels(doc, kubernetes.HOWS)
    assert [(f.how, f.service, f.line) for f in found] == [
        (kubernetes.ENV, "slack", 12), (kubernetes.ENV_VALUE, "discord", 14), (kubernetes.ENV_FROM, "telegram", 18),
        (kubernetes.ARG, "telegram", 19)]


def test_terraform_resources_by_provider_block_and_type(tmp_path):
    doc = _doc(tmp_path, "main.tf", """\
resource "slack_conversation" "ops" {
  name = "ops"
}

resource "yandex_monitoring_alert" "a" {
  name = "a"
  slack_config {
    url = var.hook
  }
}

resource "grafana_contact_point" "x" {
  name = "x"
}

resource "aws_instance" "vm" {
  ami = "x"
}
""")
    found = _channels(doc, terraform.HOWS)
    assert [(f.how, f.line) for f in found][:1] == [(terraform.RESOURCE, 1)]
    assert all(f.how in terraform.HOWS for f in found) and not any(f.resource == "aws_instance" for f in found)


def test_facts_are_extracted_once_per_document_evaluation(tmp_path, catalogue, monkeypatch):
    (tmp_path / "site.yml").write_text(PLAYBOOK, encoding="utf-8")
    calls = []
    real = ansible.messengers.messenger_for_module
    monkeypatch.setattr(ansible.messengers, "messenger_for_module", lambda m: calls.append(m) or real(m))
    res = runner.run(runner.Options(paths=[tmp_path]), catalogue)
    assert {f.policy_id for f in res.findings if f.status is Status.FAILED} >= {"SOV-MSG-001", "SOV-MSG-002",
                                                                               "SOV-MSG-003"}
    # four tasks, each read once: by the document's extraction, which SOV-MSG-001 (task by task) and SOV-MSG-011
    # (the whole document) share
    assert len(calls) == 4
    calls.clear()
    runner.run(runner.Options(paths=[tmp_path]), catalogue)
    assert len(calls) == 4  # a new run extracts afresh


def test_outside_a_run_nothing_is_cached(tmp_path):
    doc = _doc(tmp_path, "alertmanager.yml", "receivers:\n  - name: r\n    telegram_configs:\n      - chat_id: 1\n")
    first = facts.of(doc, hows=alerting.ALERTMANAGER)
    assert first and facts.of(doc, hows=alerting.ALERTMANAGER) is not first
    with resolve.scope(doc, Workspace([doc])):
        a = facts.of(doc)
        b = facts.of(doc)
        assert [id(f) for f in a] == [id(f) for f in b]  # the same fact objects: one extraction
