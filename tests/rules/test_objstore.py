"""Object stores in structured configuration (Helm values and templates, manifests, Velero, Thanos, Loki)."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovstack import runner
from sovstack.catalogue import load
from sovstack.models import Status

POLICIES = Path(__file__).resolve().parents[2] / "policies"


@pytest.fixture(scope="module")
def catalogue():
    return load(POLICIES)


def _failed(tmp_path: Path, files: dict[str, str], catalogue, policies=("SOV-RES-009", "SOV-LOC-004")):
    for rel, text in files.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text, encoding="utf-8")
    res = runner.run(runner.Options(paths=[tmp_path]), catalogue)
    return sorted((f.policy_id, f.file, f.line, f.message) for f in res.findings
                  if f.status is Status.FAILED and f.policy_id in policies)


CHART = {"c/Chart.yaml": "apiVersion: v2\nname: c\nversion: 0.1.0\n"}


def test_helm_template_region_is_resolved_from_values_with_its_chain(tmp_path, catalogue):
    files = {**CHART,
             "c/values.yaml": "backup:\n  s3:\n    bucket: b\n    region: us-west-2\n",
             "c/templates/bsl.yaml": "apiVersion: velero.io/v1\nkind: BackupStorageLocation\nspec:\n  provider: aws\n"
                                     "  objectStorage:\n    bucket: {{ .Values.backup.s3.bucket }}\n  config:\n"
                                     "    region: {{ .Values.backup.s3.region }}\n"}
    (tmp_path / "c/templates").mkdir(parents=True)
    got = _failed(tmp_path, files, catalogue)
    bsl = [g for g in got if g[1] == "c/templates/bsl.yaml"]
    assert [(p, line) for p, _, line, _ in bsl] == [("SOV-RES-009", 8)]
    assert "us-west-2" in bsl[0][3] and "Amazon S3" in bsl[0][3]
    res = runner.run(runner.Options(paths=[tmp_path]), catalogue)
    finding = next(f for f in res.findings if f.file == "c/templates/bsl.yaml" and f.status is Status.FAILED)
    assert any(o.file == "c/values.yaml" and o.line == 4 for o in finding.chain)


def test_helm_template_with_domestic_endpoint_in_values_is_clean(tmp_path, catalogue):
    files = {**CHART,
             "c/values.yaml": "backup:\n  s3:\n    bucket: b\n    region: us-east-1\n"
                              "    endpoint: https://storage.yandexcloud.net\n",
             "c/templates/bsl.yaml": "kind: BackupStorageLocation\nspec:\n  provider: aws\n  objectStorage:\n"
                                     "    bucket: x\n  config:\n    region: {{ .Values.backup.s3.region }}\n"
                                     "    s3Url: {{ .Values.backup.s3.endpoint }}\n"}
    assert _failed(tmp_path, files, catalogue) == []


def test_unresolved_and_empty_chart_values_raise_nothing(tmp_path, catalogue):
    files = {**CHART,
             "c/values.yaml": "backup:\n  s3:\n    bucket: \"\"\n    region: \"\"\n    endpoint: \"\"\n",
             "c/templates/secret.yaml": "kind: Secret\nstringData:\n  objstore.yml: x\ntype: Opaque\n",
             "c/templates/bsl.yaml": "kind: BackupStorageLocation\nspec:\n  provider: aws\n  objectStorage:\n"
                                     "    bucket: {{ .Values.other.bucket }}\n  config:\n"
                                     "    s3Url: {{ .Values.other.url }}\n"}
    assert _failed(tmp_path, files, catalogue) == []


@pytest.mark.parametrize("text,abroad", [
    ("type: S3\nconfig:\n  bucket: m\n  endpoint: s3.eu-west-1.amazonaws.com\n", True),
    ("type: GCS\nconfig:\n  bucket: m\n", True),
    ("type: AZURE\nconfig:\n  container: m\n  storage_account: a\n", True),
    ("type: S3\nconfig:\n  bucket: m\n  region: eu-north-1\n", True),
    ("type: S3\nconfig:\n  bucket: m\n  endpoint: storage.yandexcloud.net\n  region: us-east-1\n", False),
    ("type: S3\nconfig:\n  bucket: m\n  endpoint: minio.monitoring.svc:9000\n", False),
    ("type: FILESYSTEM\nconfig:\n  directory: /data\n", False),
    ("storage_config:\n  aws:\n    s3: s3://eu-west-1/chunks\n", True),
    ("storage_config:\n  aws:\n    s3: s3://key:secret@s3.storage.selcloud.ru/chunks\n", False),
    ("common:\n  storage:\n    backend: gcs\n    gcs:\n      bucket_name: mimir\n", True),
    ("common:\n  storage:\n    gcs:\n      chunkBufferSize: 0\n", False),
    ("backup:\n  s3:\n    bucket: b\n    region: ru-central1\n", False),  # not an AWS region: not concluded here
    ("persistence:\n  enabled: true\n  size: 10Gi\n  storageClass: fast\n", False),
    ("replication:\n  region: eu-west-1\n  enabled: true\n", False),  # a region without a bucket is not a store
])
def test_object_store_shapes(tmp_path, catalogue, text, abroad):
    got = _failed(tmp_path, {"objstore.yaml": text}, catalogue, ("SOV-RES-009",))
    assert bool(got) is abroad, got


def test_container_env_endpoint(tmp_path, catalogue):
    text = ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: x\n"
            "      env:\n        - name: AWS_ENDPOINT_URL_S3\n          value: https://s3.eu-central-003.backblazeb2.com\n"
            "        - name: S3_ENDPOINT\n          value: https://storage.yandexcloud.net\n")
    got = _failed(tmp_path, {"pod.yaml": text}, catalogue, ("SOV-RES-009",))
    assert [(g[0], g[2]) for g in got] == [("SOV-RES-009", 11)]


def test_unknown_literal_store_endpoint_is_unverified(tmp_path, catalogue):
    got = _failed(tmp_path, {"values.yaml": "backup:\n  s3:\n    endpoint: https://s3.acme-storage.com\n    bucket: b\n"},
                  catalogue)
    assert [(g[0], g[2]) for g in got] == [("SOV-LOC-004", 3)]


def test_env_files_compose_and_configmaps_name_store_endpoints(tmp_path, catalogue):
    files = {"a.env": "RESTIC_REPOSITORY=s3:https://s3.hoster.de/b\nRESTIC_REPOSITORY_2=/srv\nS3_ENDPOINT=http://minio:9000\n",
             "docker-compose.yml": "services:\n  app:\n    image: a\n    environment:\n"
                                   "      - S3_ENDPOINT_URL=https://objects.example.fi\n"
                                   "      - S3_BUCKET=citizens.example.de\n",
             "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n"
                        "  AWS_ENDPOINT_URL: https://storage.yandexcloud.net\n  MINIO_URL: https://s3.us-west-004.backblazeb2.com\n"}
    got = [(p, f, line) for p, f, line, _ in _failed(tmp_path, files, catalogue, ("SOV-RES-009",))]
    assert got == [("SOV-RES-009", "a.env", 1), ("SOV-RES-009", "cm.yaml", 7), ("SOV-RES-009", "docker-compose.yml", 5)]


def test_objstore_config_embedded_as_a_yaml_string(tmp_path, catalogue):
    secret = ("apiVersion: v1\nkind: Secret\nmetadata:\n  name: thanos-objstore\nstringData:\n  objstore.yml: |\n"
              "    type: S3\n    config:\n      bucket: metrics\n      endpoint: s3.fr-par.scw.cloud\n")
    values = "objstoreConfig: |-\n  type: s3\n  config:\n    bucket: m\n    endpoint: storage.yandexcloud.net\n"
    got = _failed(tmp_path, {"secret.yaml": secret, "values.yaml": values}, catalogue, ("SOV-RES-009",))
    assert [(f, line) for _, f, line, _ in got] == [("secret.yaml", 6)]
