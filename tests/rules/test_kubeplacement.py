"""Kubernetes placement facts: provisioners, CSI drivers, in-tree cloud volumes, topology and identity."""

from __future__ import annotations

import pytest

from sovstack import resolve
from sovstack.collect import parse
from sovstack.collect.discover import Candidate
from sovstack.facts import Workspace
from sovstack.rules import kubeplacement
from sovstack.rules.locations import Place


def _verdicts(tmp_path, text):
    path = tmp_path / "m.yaml"
    path.write_text(text)
    doc = parse.read(Candidate(path, "m.yaml", tmp_path))
    with resolve.scope(doc, Workspace([doc])):
        return [(f.how, f.line, v.place) for f, v in kubeplacement.places(doc)]


@pytest.mark.parametrize(("text", "want"), [
    ("kind: StorageClass\nmetadata: {name: a}\nprovisioner: csi.hetzner.cloud\n", [("provisioner", 3, Place.ABROAD)]),
    ("kind: StorageClass\nmetadata: {name: a}\nprovisioner: disk-csi-driver.mks.ycloud.io\n",
     [("provisioner", 3, Place.DOMESTIC)]),
    ("kind: StorageClass\nmetadata: {name: a}\nprovisioner: rancher.io/local-path\n", []),
    ("kind: Pod\nspec:\n  nodeSelector:\n    topology.kubernetes.io/zone: europe-west3-b\n",
     [("topology", 4, Place.ABROAD)]),
    ("kind: Pod\nspec:\n  nodeSelector:\n    topology.kubernetes.io/zone: ru-central1-d\n",
     [("topology", 4, Place.DOMESTIC)]),
    ("kind: Pod\nspec:\n  nodeSelector:\n    topology.kubernetes.io/zone: '{{ .Values.zone }}'\n", []),
    ("kind: Pod\nspec:\n  affinity:\n    nodeAffinity:\n      x:\n        - key: topology.kubernetes.io/region\n"
     "          operator: NotIn\n          values: [us-east-1]\n", []),
    ("kind: Pod\nspec:\n  volumes:\n    - name: d\n      azureDisk: {diskName: d, diskURI: u}\n",
     [("volume-source", 5, Place.ABROAD)]),
    ("kind: ServiceAccount\nmetadata:\n  name: s\n  annotations:\n    iam.gke.io/gcp-service-account: a@p.iam\n",
     [("identity", 5, Place.ABROAD)]),
])
def test_placements(tmp_path, text, want):
    assert _verdicts(tmp_path, text) == want
