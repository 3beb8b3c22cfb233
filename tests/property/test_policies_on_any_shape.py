"""Policies never crash on a valid document of an unexpected shape: any JSON/YAML value, with the keys the
extractors look for holding dicts, lists, numbers or nulls where strings are usual (a crash on one valid file of a
whole tree made the run `not-evaluated`: a provider schema with a `key:` mapping crashed a topology rule)."""

from __future__ import annotations

import json
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sovstack import runner
from sovstack.catalogue import load

POLICIES = Path(__file__).resolve().parents[2] / "policies"
CATALOGUE = load(POLICIES)

# keys that extractors and policies read (kinds, containers, receivers, operators, stores, CI, flows, placement)
KEYS = ["kind", "apiVersion", "metadata", "name", "annotations", "labels", "spec", "data", "stringData", "key",
        "values", "operator", "provisioner", "csi", "driver", "image", "uses", "type", "env", "value", "envFrom",
        "containers", "receivers", "route", "telegram_configs", "slack_configs", "webhook_configs", "url", "api_url",
        "service.slack", "communications", "sinksConfig", "repositories", "path", "region", "zone", "endpoint",
        "bucket", "backend", "provider", "resource", "variable", "default", "clouds", "auth", "auth_url",
        "region_name", "contactPoints", "settings", "mediatypes", "parameters", "nodeSelector", "volumes",
        "awsElasticBlockStore", "hosts", "tasks", "uri", "steps", "run", "with", "services", "environment",
        "topology.kubernetes.io/zone", "config", "s3", "storage", "alertmanager", "stringConfig", "notifiers"]
scalars = st.one_of(st.none(), st.booleans(), st.integers(-5, 10**6), st.floats(allow_nan=False, width=32),
                    st.sampled_from(["", "x", "eu-west-1", "https://api.telegram.org/bot1/sendMessage", "In",
                                     "ebs.csi.aws.com", "slack", "{{ x }}", "${VAR}", "kz1-a", "Pod", "StorageClass"]))
values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                       st.dictionaries(st.sampled_from(KEYS), inner, max_size=5)),
                      max_leaves=25)
documents = st.dictionaries(st.sampled_from(KEYS), values, min_size=1, max_size=6)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=documents, fmt=st.sampled_from(["json", "yaml"]))
def test_no_policy_crashes_on_any_shape(tmp_path_factory, doc, fmt):
    root = tmp_path_factory.mktemp("shape")
    text = json.dumps(doc) if fmt == "json" else yaml.safe_dump(doc)
    (root / f"doc.{fmt}").write_text(text, encoding="utf-8")
    res = runner.run(runner.Options(paths=[root], plan=False), CATALOGUE)
    assert not res.policy_errors, (text[:500], res.policy_errors)
