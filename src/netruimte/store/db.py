"""Database engines: SQLite in WAL mode (the embedded default) or PostgreSQL, chosen by URL.

SQLite write transactions start with `BEGIN IMMEDIATE`, so concurrent writers queue on the
busy timeout instead of failing on a lock upgrade; `synchronous=FULL` makes every commit
durable before the API acknowledges it (a kill -9 never loses an acknowledged bid).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from netruimte.errors import InputError

DEFAULT_DB_URL = "sqlite:///netruimte.db"
ENV_DB_URL = "NETRUIMTE_DB_URL"
SQLITE_BUSY_TIMEOUT_MS = 30_000


def default_db_url() -> str:
    """The database URL from NETRUIMTE_DB_URL, else a SQLite file in the working folder."""
    return os.environ.get(ENV_DB_URL) or DEFAULT_DB_URL


def normalise_url(url: str) -> str:
    """Accept `postgresql://` and `postgres://` as psycopg 3 URLs; check the scheme."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise InputError(f"not a database URL: {url!r} ({exc})", column="--db") from exc
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise InputError(
            f"database {parsed.get_backend_name()!r} is not supported; use sqlite:///FILE "
            "or postgresql://USER:PASSWORD@HOST/DB",
            column="--db",
        )
    return url


def make_engine(url: str | None = None) -> Engine:
    """An engine for `url` (default: `default_db_url()`), configured for safe concurrent use."""
    url = normalise_url(url or default_db_url())
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(url, parsed.database)
    return create_engine(url, pool_size=20, max_overflow=20, pool_pre_ping=True)


def _sqlite_engine(url: str, database: str | None) -> Engine:
    if not database or database == ":memory:":
        raise InputError(
            "an in-memory SQLite database cannot be shared between requests; give a file: "
            "sqlite:///netruimte.db",
            column="--db",
        )
    Path(database).expanduser().resolve().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        pool_size=20,
        max_overflow=40,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _on_begin)
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=FULL")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn) -> None:
        if conn.get_execution_options().get("sqlite_write", False):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")

    return engine


class Database:
    """An engine with a read and a write session factory."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        writer = engine.execution_options(sqlite_write=True) if self.is_sqlite else engine
        self._read = sessionmaker(engine, expire_on_commit=False)
        self._write = sessionmaker(writer, expire_on_commit=False)

    @classmethod
    def connect(cls, url: str | None = None, migrate: bool = True) -> Database:
        """Open the database at `url` and bring its schema to the newest migration."""
        db = cls(make_engine(url))
        if migrate:
            from netruimte.store.migrate import upgrade

            upgrade(db.engine)
        return db

    @contextmanager
    def reading(self) -> Iterator[Session]:
        """A session for reads; its transaction ends (rolled back) when the session closes,
        and loaded objects stay readable."""
        with self._read() as session:
            yield session

    @contextmanager
    def writing(self) -> Iterator[Session]:
        """A session for one write transaction: committed on success, rolled back on error."""
        with self._write() as session, session.begin():
            yield session

    def dispose(self) -> None:
        self.engine.dispose()
