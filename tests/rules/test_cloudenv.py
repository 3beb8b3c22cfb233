"""Cloud client environment (SOV-RES-010, family "cloud-env"): region variables of cloud SDKs and CLIs abroad fail
wherever the environment is written; signing regions of S3-compatible clients and domestic regions stay clean."""

from __future__ import annotations

from pathlib import Path

from sovstack import runner
from sovstack.models import Status

from treecheck import failed_by_file

FAILING = {
    "a/.env": "AWS_REGION=eu-west-1\n",
    "b/env.sh": "export CDK_DEFAULT_REGION='ap-southeast-1'\n",
    "c/gha.yml": "on: push\njobs:\n  d:\n    runs-on: x\n    env:\n      CLOUDSDK_RUN_REGION: us-central1\n"
                 "    steps:\n      - run: gcloud run deploy\n",
    "d/playbook.yml": "- hosts: all\n  environment:\n    AZURE_LOCATION: northeurope\n  tasks: []\n",
    "e/compose.yaml": "services:\n  s:\n    image: x:1\n    environment:\n      - AWS_DEFAULT_REGION=us-west-2\n",
    "f/values.yaml": "extraEnv:\n  - name: YC_REGION\n    value: kz1\n",
    "g/.env": "OTEL_EXPORTER_OTLP_ENDPOINT=http://otel:4317\nAWS_REGION=eu-north-1\n",  # not an S3 endpoint
    "h/.env": "AWS_ENDPOINT_URL=https://s3.eu-west-1.amazonaws.com\nAWS_REGION=eu-west-1\n",  # Amazon's own
}

CLEAN = {
    "a/.env": "AWS_ENDPOINT_URL_S3=https://storage.yandexcloud.net\nAWS_REGION=us-east-1\n",
    "b/.env": "S3_ENDPOINT=https://s3.ru-1.storage.selcloud.ru\nAWS_DEFAULT_REGION=eu-central-1\n",
    "c/.env": "AWS_REGION=ru-central1\nYC_ZONE=ru-central1-a\n",
    "d/.env": "AWS_REGION=garage\nAWS_DEFAULT_REGION=\nCLOUDSDK_COMPUTE_REGION=${REGION}\n",
    "e/dep.yaml": ("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n    - name: c\n      image: x:1\n"
                   "      env:\n        - {name: AWS_S3_ENDPOINT, value: 'http://minio:9000'}\n"
                   "        - {name: AWS_REGION, value: us-east-1}\n"),
    "f/notes.yaml": "doc: AWS_REGION is eu-west-1 in the old setup\n",  # prose, not an environment
    "g/.env": "MY_AWS_REGION_NOTE=us-east-1\nHCLOUD_LOCATION=ru-msk\n",  # not a cloud variable; not Hetzner's
}


def _run(tmp: Path, files: dict[str, str], catalogue) -> dict[str, set[int]]:
    return failed_by_file(tmp, files, catalogue, lambda f: f.policy_id == "SOV-RES-010", lambda f: f.line)


def test_regions_abroad_fail(tmp_path, catalogue):
    found = _run(tmp_path, FAILING, catalogue)
    missed = sorted(set(FAILING) - set(found))
    assert not missed, f"missed: {missed}"
    assert found["c/gha.yml"] == {6} and found["f/values.yaml"] == {3} and found["g/.env"] == {2}


def test_signing_regions_and_domestic_regions_stay_clean(tmp_path, catalogue):
    assert _run(tmp_path, CLEAN, catalogue) == {}


def test_region_given_by_a_variable_is_unverified_unless_an_endpoint_signs_or_a_default_places_it(tmp_path, catalogue):
    files = {"a/.env": "YC_ZONE=${ZONE}\n",
             "b/.env": "S3_ENDPOINT=https://storage.yandexcloud.net\nAWS_REGION=${REGION}\n",
             "c/.env": "AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-ru-central1}\n",
             "d/.env": "AWS_DEFAULT_REGION=${AWS_DEFAULT_REGION:-eu-west-2}\n"}
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text, encoding="utf-8")
    res = runner.run(runner.Options(paths=[tmp_path]), catalogue)
    got = {(f.policy_id, f.file) for f in res.findings if f.status is Status.FAILED}
    assert got == {("SOV-LOC-004", "a/.env"), ("SOV-RES-010", "d/.env")}
