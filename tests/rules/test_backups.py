"""Backup destinations: restic/borg repositories, WAL-G prefixes, pgBackRest repositories, borgmatic - judged
by the repository syntax or the host, with the same catalogue as every other store."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovstack import resolve
from sovstack.collect import parse
from sovstack.collect.discover import Candidate
from sovstack.facts import Workspace
from sovstack.rules import storage
from sovstack.rules.locations import Place


def _places(tmp_path: Path, name: str, text: str):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    doc = parse.read(Candidate(path, name, tmp_path))
    with resolve.scope(doc, Workspace([doc])):
        return [(p.fact.line, p.fact.how, p.verdict.place) for p in storage.places(doc)]


@pytest.mark.parametrize(("name", "text", "want"), [
    ("restic.env", "RESTIC_REPOSITORY=b2:bucket:/db\n", [(1, "restic", Place.ABROAD)]),
    ("restic.env", "RESTIC_REPOSITORY=azure:c:/db\n", [(1, "restic", Place.ABROAD)]),
    ("restic.env", "RESTIC_REPOSITORY=s3:s3.amazonaws.com/bucket\n", [(1, "restic", Place.ABROAD)]),
    ("restic.env", "RESTIC_REPOSITORY=s3:https://storage.yandexcloud.net/b\n", [(1, "restic", Place.DOMESTIC)]),
    ("backup.sh", "#!/bin/sh\nrestic -r s3:https://s3.eu-west-2.wasabisys.com/b backup /srv\n", [(2, "restic", Place.ABROAD)]),
    ("backup.sh", "#!/bin/sh\nrestic --repo=/mnt/backup backup /srv\nborg create /mnt/borg::x /srv\n", []),
    ("backup.sh", "#!/bin/sh\nborg create --stats ssh://u1@backup.internal.example:23/./r::{now} /srv\n",
     [(2, "borg", Place.UNKNOWN)]),
    ("walg.env", "WALG_GS_PREFIX=gs://b/p\n", [(1, "wal-g", Place.ABROAD)]),
    ("walg.env", "WALG_S3_PREFIX=s3://b/p\n", [(1, "wal-g", Place.ABROAD)]),
    ("walg.env", "WALG_S3_PREFIX=s3://b/p\nAWS_ENDPOINT=https://storage.yandexcloud.net\n", [(1, "wal-g", Place.DOMESTIC)]),
    ("pgbackrest.conf", "[global]\nrepo1-type=azure\nrepo2-type=posix\n", [(2, "pgbackrest", Place.ABROAD)]),
    ("borgmatic.yaml", "repositories:\n  - path: ssh://u@x.repo.borgbase.com/./repo\n", [(2, "borg", Place.ABROAD)]),
    ("borgmatic.yaml", "repositories:\n  - path: ssh://u@backup.corp.example/./repo\n", [(2, "borg", Place.UNKNOWN)]),
    ("notes.env", "# RESTIC_REPOSITORY=b2:old-bucket:/db\n", []),
])
def test_backup_destinations(tmp_path, name, text, want):
    assert _places(tmp_path, name, text) == want


def test_repository_given_by_a_variable_is_resolved_with_its_chain(tmp_path):
    (tmp_path / "backup.env").write_text("REPO=b2:appeals:/db\n")
    text = "services:\n  b:\n    image: restic/restic\n    env_file: backup.env\n    environment:\n      RESTIC_REPOSITORY: ${REPO}\n"
    got = _places(tmp_path, "docker-compose.yml", text)
    assert [(how, place) for _line, how, place in got] == [("restic", Place.ABROAD)]
