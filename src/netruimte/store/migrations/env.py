"""Alembic environment: runs on a connection handed over by netruimte.store.migrate, or on
the `sqlalchemy.url` of an alembic.ini (e.g. `alembic -c .../store/alembic.ini upgrade head`)."""

from __future__ import annotations

from alembic import context

from netruimte.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
        return
    from netruimte.store.db import default_db_url, make_engine

    url = config.get_main_option("sqlalchemy.url") or default_db_url()
    engine = make_engine(url)
    with engine.begin() as conn:
        context.configure(connection=conn, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    raise SystemExit("offline (SQL script) migrations are not supported; run them online")
run_migrations_online()
