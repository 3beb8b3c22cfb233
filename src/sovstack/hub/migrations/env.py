"""Alembic environment: runs on the connection `sovstack.hub.db.migrate` hands over (or on sqlalchemy.url)."""

from alembic import context
from sqlalchemy import create_engine

from sovstack.hub.models import Base

config = context.config


def run() -> None:
    conn = config.attributes.get("connection")
    if conn is None:
        with create_engine(config.get_main_option("sqlalchemy.url")).begin() as conn:
            _run_on(conn)
    else:
        _run_on(conn)


def _run_on(conn: object) -> None:
    context.configure(connection=conn, target_metadata=Base.metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


run()
