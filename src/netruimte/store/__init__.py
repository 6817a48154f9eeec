"""Persistence of the service: parties and hashed tokens, tenders and sealed bids,
idempotency keys and an append-only audit log. SQLAlchemy 2 with Alembic migrations;
SQLite (WAL) by default, PostgreSQL by URL."""

from netruimte.store.audit import CLI, Actor
from netruimte.store.db import Database, default_db_url, make_engine

__all__ = ["CLI", "Actor", "Database", "default_db_url", "make_engine"]
