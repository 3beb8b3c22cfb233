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


# ---- catalogue coverage and the top-level-domain rule (policies/data/tlds.yaml) ------------------------------

@pytest.mark.parametrize("value,place,country", [
    # public OpenStack clouds abroad, by their documented Keystone hosts
    ("https://login.sto3.safespring.com:5000/v3/", Place.ABROAD, "SE"),
    ("https://keystone.rumble.cloud", Place.ABROAD, "US"),
    ("https://api.pub1.infomaniak.cloud/identity/v3", Place.ABROAD, "CH"),
    ("https://Kna1.citycloud.com:5000/v3/", Place.ABROAD, "SE"),
    ("https://auth.binero.cloud:5000/v3", Place.ABROAD, "SE"),
    ("https://ops.elastx.cloud:5000/v3", Place.ABROAD, "SE"),
    ("https://iam.eu-de.otc.t-systems.com/v3", Place.ABROAD, "DE"),
    ("https://identity.api.fuga.io:5000", Place.ABROAD, "NL"),
    ("https://auth.vexxhost.net/v3", Place.ABROAD, "CA"),
    ("https://api.cloud.catalyst.net.nz:5000/v2.0", Place.ABROAD, "NZ"),
    ("https://iad2.dream.io:5000", Place.ABROAD, "US"),
    ("https://identity.api.rackspacecloud.com/v2.0/", Place.ABROAD, "US"),
    # S3-compatible stores and hosted Kubernetes abroad
    ("https://d4b6.or4.idrivee2-60.com", Place.ABROAD, "US"),
    ("https://s3.us-west-1.idrivee2.com", Place.ABROAD, "US"),
    ("https://gateway.storjshare.io", Place.ABROAD, "US"),
    ("https://eu2.contabostorage.com", Place.ABROAD, "DE"),
    ("https://sos-ch-gva-2.exo.io", Place.ABROAD, "CH"),
    ("https://myaks-dns-1a2b.hcp.westeurope.azmk8s.io:443", Place.ABROAD, "US"),
    ("hb.kz-ast.vkcs.cloud", Place.ABROAD, "KZ"),
    # Russian operators
    ("https://api.selvpc.ru/identity/v3", Place.DOMESTIC, "RU"),
    ("https://s3.k2.cloud", Place.DOMESTIC, "RU"),
    ("https://s3.twcstorage.ru", Place.DOMESTIC, "RU"),
    ("hb.ru-msk.vkcs.cloud", Place.DOMESTIC, "RU"),
    ("https://s3.cloud.ru", Place.DOMESTIC, "RU"),
    # hosts in no catalogue entry: the top-level domain decides
    ("https://keystone.cloud.nordichosting.se:5000/v3", Place.ABROAD, "SE"),
    ("https://s3.storage.example.co.uk", Place.ABROAD, "GB"),
    ("minio.backup.berlin", Place.ABROAD, "DE"),
    ("KEYSTONE.EXAMPLE.DE.", Place.ABROAD, "DE"),
    ("https://s3.hosting.eu", Place.ABROAD, "EU"),
    ("https://object.store.kz", Place.ABROAD, "KZ"),
    ("https://s3.пример.қаз", Place.ABROAD, "KZ"),
    ("https://s3.regionhost.ru", Place.UNKNOWN, None),
    ("https://s3.пример.рф", Place.UNKNOWN, None),
    ("https://cloud.example.moscow", Place.UNKNOWN, None),
    ("https://keystone.acme.com", Place.UNKNOWN, None),
    ("https://keystone.acme.cloud", Place.UNKNOWN, None),
    ("https://storage.startup.io", Place.UNKNOWN, None),
    ("https://storage.startup.ai", Place.UNKNOWN, None),
    ("https://minio.company.me", Place.UNKNOWN, None),
    ("https://ceph.lab.internal", Place.UNKNOWN, None),
    ("https://se.example.com", Place.UNKNOWN, None),  # a country label that is not the last one says nothing
])
def test_catalogue_and_domains(value, place, country):
    v = classify_endpoint(value)
    assert (v.place, v.country) == (place, country), v.reason


@pytest.mark.parametrize("value", ["192.168.1.10", "127.0.0.1", "169.254.169.254", "[fd12:3456::1]:9000", "8.8.8.8",
                                   "https://203.0.113.7:5000/v3", "[2001:db8::1]"])
def test_ip_literals_are_never_placed_abroad_or_at_home(value):
    v = classify_endpoint(value)
    assert v.place is Place.UNKNOWN and v.country is None, v.reason


def test_private_and_public_addresses_say_why():
    assert "private address" in classify_endpoint("10.200.1.1").reason
    assert "public IP address" in classify_endpoint("198.51.100.1").reason


def test_domain_reason_names_the_tld_and_country():
    reason = classify_endpoint("https://keystone.cloud.example.se:5000/v3").reason
    assert ".se" in reason and "Sweden" in reason


def test_tld_table_is_consistent():
    from sovstack.rules import knowledge

    table = knowledge.tlds()
    cc, generic, russian = table["country_code"], set(table["generic_country_code"]), table["russian"]
    assert len(cc) > 200
    assert {"se", "de", "nl", "fr", "ch", "kz", "uz", "ua", "us", "uk", "fi", "no", "eu"} <= set(cc)
    assert not ({"ru", "su", "xn--p1ai"} & set(cc)), "Russian TLDs are never abroad"
    assert not (generic & set(cc)), "a generic ccTLD concludes no country"
    assert {"ru", "su", "xn--p1ai"} <= set(russian)
    for group in ("country_code", "geographic"):
        for tld, entry in table[group].items():
            assert isinstance(tld, str) and tld == tld.lower() and isinstance(entry[0], str) and len(entry[0]) == 2, tld
            assert entry[0] != "RU", tld


def test_catalogue_entries_cite_a_source():
    from sovstack.rules import knowledge

    foreign = knowledge.locations()["foreign"]
    for oid in ("safespring", "rumble-cloud", "infomaniak", "cleura", "binero", "elastx", "open-telekom-cloud", "fuga",
                "leafcloud", "vexxhost", "catalyst-cloud", "dreamhost", "rackspace", "idrive-e2", "storj"):
        assert str(foreign[oid].get("source", "")).startswith("https://"), oid


@pytest.mark.parametrize("value,place", [
    ("main.tf", Place.UNKNOWN), ("README.md", Place.UNKNOWN), ("install.sh", Place.UNKNOWN),
    ("setup.py", Place.UNKNOWN), ("main.cf", Place.UNKNOWN),
    ("https://storage.md", Place.ABROAD),          # a scheme makes it a host
    ("minio.sh:9000", Place.ABROAD),               # so does a port
    ("s3.objects.md", Place.ABROAD),               # three labels: a host name
    ("https://cloud.api.selcloud.ru@keystone.example.de/v3", Place.ABROAD),  # user-info trick: the host is .de
    ("https://keystone.example.de.evil.com/v3", Place.UNKNOWN),             # a .de label inside a .com host
    ("https://cloud.api.selcloud.ru.example.com/v3", Place.UNKNOWN),        # not Selectel: a .com host
])
def test_file_names_and_url_tricks(value, place):
    assert classify_endpoint(value).place is place, classify_endpoint(value).reason


@pytest.mark.parametrize("value", ["https://minio.thanos:9000", "vault.service.consul", "s3.site.internal",
                                   "pve.lab.local", "nas.home.arpa.lan"])
def test_names_under_no_public_tld_are_internal(value):
    v = classify_endpoint(value)
    assert v.place is Place.UNKNOWN and "no public top-level domain" in v.reason, v.reason


def test_every_generic_tld_is_a_string_and_none_is_a_country():
    from sovstack.rules import knowledge

    table = knowledge.tlds()
    generic = table["generic"]
    assert len(generic) > 1000 and all(isinstance(t, str) and t == t.lower() for t in generic)
    assert {"com", "net", "org", "cloud", "tech", "app", "dev"} <= set(generic)
    assert not set(generic) & set(table["country_code"])


def test_a_site_listed_in_sites_yaml_beats_its_foreign_domain(monkeypatch):
    """A Russian data centre that uses a foreign name is recorded in sites.yaml, which takes precedence."""
    from sovstack.rules import knowledge

    site = {"id": "dc-spb", "city": "Saint Petersburg", "country": "RU", "endpoints": ["s3.hoster-group.de"]}
    monkeypatch.setattr(knowledge, "sites", lambda: [site])
    assert classify_endpoint("https://s3.hoster-group.de").place is Place.DOMESTIC
    assert classify_endpoint("https://other.hoster-group.de").place is Place.ABROAD


@pytest.mark.parametrize(("value", "place"), [
    ("s3://${KEY}:${SECRET}@storage.${region}.cloud.ovh.net/loki", Place.ABROAD),   # a foreign cloud's domain
    ("https://s3.${var.region}.amazonaws.com", Place.ABROAD),
    ("https://${bucket}.backup.example.de", Place.ABROAD),                         # another country's code
    ("https://${region}.cloud.api.selcloud.ru/v3", Place.UNRESOLVED),              # a Russian operator: pools abroad
    ("https://storage.${zone}.example.com", Place.UNRESOLVED),                     # a generic domain says nothing
    ("https://${host}.ru", Place.UNRESOLVED),
    ("{{ s3_endpoint }}", Place.UNRESOLVED),
])
def test_a_variable_label_under_a_domain_abroad(value, place):
    assert classify_endpoint(value).place is place, classify_endpoint(value).reason


def test_operator_only_region_names_place_only_with_their_provider():
    from sovstack.rules.locations import classify_region

    assert classify_region("RegionOne", "vk-cloud").place is Place.DOMESTIC  # the vkcs provider's default region
    assert classify_region("RegionOne").place is Place.UNKNOWN                # OpenStack's default name everywhere
