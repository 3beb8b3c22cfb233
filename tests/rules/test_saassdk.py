"""Client SDKs of stores hosted only abroad (SOV-RES-007, how "sdk-package"): manifests, installs and imports in
every ecosystem fail; clients of self-hostable stores, own modules and look-alike names stay clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovstack.rules import saassdk

from treecheck import failed_by_file

FAILING = {
    "web/src/db.js": "const { initializeApp } = require('firebase/app')\n",
    "web/src/auth.mjs": "import { getAuth } from '@firebase/auth'\n",
    "svc/cosmos.ts": "import { CosmosClient } from \"@azure/cosmos\";\n",
    "svc/search.ts": "import algoliasearch from 'algoliasearch/lite';\n",
    "web/src/App.tsx": "import { getFirestore } from 'firebase/firestore';\nexport const App = () => <div/>;\n",
    "web/src/track.jsx": "import mixpanel from 'mixpanel';\n",
    "web/src/cfg.cjs": "const { Redis } = require('@upstash/redis');\n",
    "svc/neon.ts": "import { neon } from '@neondatabase/serverless';\n",
    "worker/pyproject.toml": "[project]\nname = 'w'\ndependencies = ['Pinecone-Client>=3', 'httpx']\n",
    "worker/Pipfile": "[packages]\nazure_cosmos = '*'\n",
    "worker/vec.py": "from pinecone import Pinecone\n",
    "worker/fs.py": "from google.cloud.firestore import Client\n",
    "worker/bq.py": "from google.cloud import storage, bigquery\n",
    "Dockerfile": "FROM node:20\nRUN npm install -g firebase-tools@13\n",
    "setup.sh": "pip install mixpanel==4.10\n",
    "go.mod": "module x\n\ngo 1.22\n\nrequire firebase.google.com/go/v4 v4.14.1\n",
    "api/main.go": 'package main\n\nimport (\n\tps "github.com/planetscale/x"\n\tfb "firebase.google.com/go/v4/auth"\n)\n',
}

CLEAN = {
    "web/src/s3.ts": ("import { S3Client } from '@aws-sdk/client-s3';\n"
                      "export const s3 = new S3Client({ endpoint: 'https://storage.yandexcloud.net', "
                      "region: 'ru-central1' });\n"),
    "web/src/local.js": "import x from './firebase/config'\nimport y from '../firestore'\n",
    "web/package.json": '{"dependencies": {"firebaser": "1.0.0", "@firebasex/app": "1", "mongodb": "6", "pg": "8"}}\n',
    "worker/requirements.txt": "pymongo\npsycopg[binary]\nredis\nboto3\nfirebase-admin-stubs-notreal\n",
    "worker/store.py": "import pymongo\nfrom google.cloud import storage\nfrom app.pinecone import index\n",
    "api/main.go": 'package main\n\nimport "cloud.google.com/go/storage"\nimport "github.com/redis/go-redis/v9"\n',
    "notes.md": "We do not use firebase or @firebase/app here.\n",
}


def _run(tmp: Path, files: dict[str, str], catalogue) -> dict[str, set[int]]:
    return failed_by_file(tmp, files, catalogue, lambda f: f.policy_id == "SOV-RES-007", lambda f: f.line)


def test_sdks_of_stores_abroad_fail(tmp_path, catalogue):
    found = _run(tmp_path, FAILING, catalogue)
    missed = sorted(set(FAILING) - set(found))
    assert not missed, f"missed: {missed}"
    assert found["api/main.go"] == {5}  # the firebase import, not the unknown module above it
    assert found["go.mod"] == {5}


def test_self_hostable_clients_and_own_modules_stay_clean(tmp_path, catalogue):
    assert _run(tmp_path, CLEAN, catalogue) == {}


@pytest.mark.parametrize("eco,name,sid", [
    ("npm", "firebase", "firebase"), ("npm", "firebase/firestore", "firebase"), ("npm", "@firebase/app", "firebase"),
    ("npm", "@amplitude/analytics-node", "amplitude"), ("npm", "firebaser", None), ("npm", "@firebasex/a", None),
    ("npm", "@aws-sdk/client-s3", None), ("npm", "@sentry/node", None), ("npm", "@supabase/supabase-js", None),
    ("pypi", "Google_Cloud.BigQuery", "bigquery"), ("pypi", "google-cloud-storage", None), ("pypi", "sentry-sdk", None),
    ("go", "cloud.google.com/go/firestore/apiv1", "firestore"), ("go", "cloud.google.com/go/firestorex", None),
    ("python_imports", "google.cloud.bigquery_storage", None), ("python_imports", "azure.cosmos.aio", "cosmos"),
])
def test_service_lookup(eco, name, sid):
    assert saassdk.service(eco, name) == sid


def test_every_service_has_a_source_and_country():
    table = saassdk._table()
    used = {sid for eco in ("npm", "pypi", "python_imports", "go") for sid in table[eco].values()}
    for sid in used:
        svc = saassdk.describe(sid)
        assert svc.get("source", "").startswith("https://") and svc.get("country") and svc.get("country") != "RU", sid
