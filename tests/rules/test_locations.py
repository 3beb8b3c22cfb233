"""The location classifier: endpoint first, then operator and region/zone, never a silent pass."""

import pytest

from sovstack.rules.locations import Place, classify_endpoint, classify_region


@pytest.mark.parametrize("value,place", [
    ("api.yandexcloud.kz:443", Place.ABROAD),
    ("https://storage.yandexcloud.net", Place.DOMESTIC),
    ("https://infra.mail.ru:35357/v3/", Place.DOMESTIC),
    ("ru-3.cloud.api.selcloud.ru", Place.DOMESTIC),
    ("uz-1.cloud.api.selcloud.ru", Place.ABROAD),
    ("https://ecs.ru-moscow-1.myhuaweicloud.com", Place.ABROAD),
    ("https://ecs.ru-moscow-1.hc.sbercloud.ru", Place.DOMESTIC),
    ("bucket.s3.eu-west-1.amazonaws.com", Place.ABROAD),
    ("${var.endpoint}", Place.UNRESOLVED),
    ("keystone.example.org", Place.UNKNOWN),
    ("10.74.3.4", Place.DOMESTIC),
    ("10.99.3.4", Place.UNKNOWN),
])
def test_endpoints(value, place):
    assert classify_endpoint(value).place is place


@pytest.mark.parametrize("value,oid,place", [
    ("ru-central1-a", None, Place.DOMESTIC),
    ("ru-central1-a", "mws", Place.DOMESTIC),
    ("kz1-a", "yandex-cloud", Place.ABROAD),
    ("kz1-a", None, Place.ABROAD),
    ("ru-7a", None, Place.DOMESTIC),
    ("gis-1a", "selectel", Place.DOMESTIC),
    ("ru-moscow-1", None, Place.UNKNOWN),
    ("ru-moscow-1", "cloud-ru", Place.DOMESTIC),
    ("ru-moscow-1", "huawei", Place.ABROAD),
    ("eu-central-1", None, Place.ABROAD),
    ("eastus", None, Place.ABROAD),
    ("europe-west1", None, Place.ABROAD),
    ("ru-central1-a", "aws", Place.ABROAD),
    ("mars-1", None, Place.UNKNOWN),
    ("var.zone", None, Place.UNRESOLVED),
])
def test_regions(value, oid, place):
    assert classify_region(value, oid).place is place
