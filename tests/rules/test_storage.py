"""Upload targets, rclone remotes, OpenStack environments and software fetches."""

from __future__ import annotations

import pytest

from sovstack.rules import dataservices, storage
from sovstack.rules.backends import classify_state_endpoint
from sovstack.rules.locations import Place


def test_rclone_conf_remotes_are_placed_by_type_endpoint_and_provider():
    remotes = storage.parse_rclone_conf("[a]\ntype = dropbox\n\n[b]\ntype = s3\nendpoint = https://storage.yandexcloud.net\n"
                                        "\n[c]\ntype = s3\nprovider = Wasabi\n\n[d]\ntype = crypt\nremote = b:x\n"
                                        "\n[e]\ntype = yandex\n")
    got = {name: storage.remote_verdict(r, name, remotes).place for name, r in remotes.items()}
    assert got == {"a": Place.ABROAD, "b": Place.DOMESTIC, "c": Place.ABROAD, "d": Place.DOMESTIC,
                   "e": Place.DOMESTIC}
    assert remotes["b"]["line"] == 4


def test_rclone_targets_skip_local_paths_and_flags():
    got = list(storage.rclone_targets("rclone --fast-list -v copy /srv/data 'my remote:bucket/x' --exclude a:b"))
    assert [name for name, _ in got] == ["my remote"]
    assert list(storage.rclone_targets("rclone copy C:\\data D:\\backup")) == []


@pytest.mark.parametrize("line, host, key, rel, path, want", [
    ("helm repo add stable https://charts.storage.googleapis.com", "charts.storage.googleapis.com", None, "x.sh", "", True),
    ("  repository: https://charts.storage.googleapis.com", "charts.storage.googleapis.com", None, "Chart.yaml", "", True),
    ("curl -fsSLO https://storage.googleapis.com/k/release/v1/kubectl.tar.gz", "storage.googleapis.com", None, "x.sh",
     "/k/release/v1/kubectl.tar.gz", True),
    ("curl -T dump.tar.gz https://b.s3.amazonaws.com/dump.tar.gz", "b.s3.amazonaws.com", None, "x.sh", "/dump.tar.gz",
     False),
    ("aws s3 cp x.deb s3://b/ --endpoint-url https://s3.amazonaws.com", "s3.amazonaws.com", None, "x.sh", "", False),
    ("logs_bucket: https://storage.googleapis.com/citizens-logs", "storage.googleapis.com", "logs_bucket", "v.yml",
     "/citizens-logs", False),
    ("x: swr.ap-southeast-1.myhuaweicloud.com", "swr.ap-southeast-1.myhuaweicloud.com", "controller_image_repo",
     "v.yml", "", True),
])
def test_software_fetch_is_not_storage(line, host, key, rel, path, want):
    assert dataservices.is_software_fetch(line, host, key, rel, path) is want


@pytest.mark.parametrize("url, place", [
    ("https://gitlab.com/api/v4/projects/1/terraform/state/prod", Place.ABROAD),
    ("https://app.terraform.io", Place.ABROAD),
    ("https://gitlab.gov74.internal/api/v4/projects/1/terraform/state/prod", Place.UNKNOWN),
    ("https://storage.yandexcloud.net", Place.DOMESTIC),
])
def test_state_endpoints(url, place):
    assert classify_state_endpoint(url).place is place
