"""Provider and resource placement: per-service endpoints of AWS-compatible clouds in Russia."""

from sovstack.rules.locations import Place
from sovstack.rules.placement import ServiceEndpoint, location_evidence, provider_verdict


def test_endpoints_map_values_are_endpoints_whatever_the_service_key():
    conf = {"region": "us-east-1", "endpoints": [{"s3": "https://storage.yandexcloud.net", "ec2": "https://ec2.k2.cloud"}]}
    got = {(k, isinstance(k, ServiceEndpoint), v.place) for k, _, v in location_evidence(conf, "aws")}
    assert ("s3", True, Place.DOMESTIC) in got and ("ec2", True, Place.DOMESTIC) in got


def test_aws_provider_used_only_as_a_domestic_s3_client_is_domestic():
    verdict, attr = provider_verdict("terraform", "aws", {"region": "us-east-1",
                                                          "endpoints": [{"s3": "https://s3.k2.cloud"}]})
    assert verdict.place is Place.DOMESTIC and attr == "s3"


def test_aws_provider_with_a_foreign_service_endpoint_stays_abroad():
    verdict, _ = provider_verdict("terraform", "aws", {"endpoints": [{"s3": "https://s3.k2.cloud",
                                                                      "sqs": "https://sqs.example.de"}]})
    assert verdict.place is Place.ABROAD


def test_openstack_provider_under_a_foreign_cctld_is_abroad():
    verdict, attr = provider_verdict("terraform", "openstack", {"auth_url": "https://keystone.cloud.example.fi/v3"})
    assert verdict.place is Place.ABROAD and verdict.country == "FI" and attr == "auth_url"


def test_offline_stub_provider_configures_no_location():
    from sovstack.rules.placement import is_offline_stub

    stub = {"region": "us-east-1", "skip_credentials_validation": True, "access_key": "mock_access_key",
            "secret_key": "mock_secret_key"}
    assert is_offline_stub(stub) and provider_verdict("terraform", "aws", stub) == (None, None)
    assert not is_offline_stub({**stub, "skip_credentials_validation": False})
    assert not is_offline_stub({**stub, "access_key": "${var.key}"})
    assert not is_offline_stub({**stub, "secret_key": "wJalrXUtnFEMI/K7MDENG/bPxRfiCY"})
