"""Hub fixtures: signed bundles made by sovstack.bundle, a throwaway PostgreSQL, and the app on each database."""

from __future__ import annotations

from pathlib import Path

import pytest

from sovstack.bundle import signing
from sovstack.hub import app as hub_app
from sovstack.hub import regions, throwaway
from sovstack.hub.auth import Role, add_user

from hub_helpers import PASSWORD, Bundles, names


@pytest.fixture(scope="session")
def bundles(tmp_path_factory, catalogue) -> Bundles:
    return Bundles(tmp_path_factory.mktemp("bundles"), catalogue)


@pytest.fixture(scope="session")
def keys(tmp_path_factory) -> dict[str, tuple[signing.Key, Path]]:
    """Signing keys as `bundle keygen` writes them: two Ed25519 regions and one GOST R 34.10-2012 region."""
    out = {}
    base = tmp_path_factory.mktemp("keys")
    for name, algorithm in (("chelyabinsk", signing.ED25519), ("tyumen", signing.ED25519),
                            ("udmurtia", signing.GOST)):
        key = signing.generate(algorithm)
        _, public = signing.write_keys(key, base / name)
        out[name] = (key, public)
    return out


@pytest.fixture(scope="session")
def postgres(tmp_path_factory):
    try:
        cluster = throwaway.Cluster()
    except throwaway.Unavailable as exc:
        pytest.fail(f"the hub tests need PostgreSQL (scripts/system-deps installs it): {exc}")
    cluster.start()
    yield cluster
    cluster.destroy()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hub.db'}"
    return request.getfixturevalue("postgres").create_database(f"hub_{next(names)}")


@pytest.fixture
def hub(database_url, keys, catalogue):
    """The app on a migrated database with three regions, an auditor and an admin; `hub.tokens` by region."""
    app = hub_app.create_app(hub_app.Settings(database=database_url, catalogue=catalogue))
    state = app.state.hub
    with state.sessions() as session:
        app.tokens = {name: regions.add(session, name, public)[1] for name, (_, public) in keys.items()}
        add_user(session, "auditor", PASSWORD, Role.AUDITOR)
        add_user(session, "admin", PASSWORD, Role.ADMIN)
    yield app
    state.engine.dispose()
