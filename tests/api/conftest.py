"""Fixtures of the service tests: a small computed region, stores (SQLite and PostgreSQL),
a clock the test moves, parties with tokens, and an in-process client."""

from __future__ import annotations

import os
import uuid

import pytest
from fastapi.testclient import TestClient
from service_helpers import Clock, Parties, make_parties
from sqlalchemy import create_engine, text

from netruimte.store import Database

PG_ENV = "NETRUIMTE_PG_URL"


@pytest.fixture(scope="session")
def small_run():
    """The main job on a small generated region (6 supply areas, about 1 s)."""
    from netruimte.pipeline import compute
    from netruimte.region.default import generate_default_region
    from netruimte.scenario import Scenario

    return compute(generate_default_region(seed=7, n_areas=6), Scenario(), run_stages=False)


@pytest.fixture(scope="session")
def read_model(small_run):
    from netruimte.api.readmodel import build_read_model

    return build_read_model(small_run)


def pg_url() -> str | None:
    return os.environ.get(PG_ENV) or None


@pytest.fixture
def pg_schema_url():
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    base = pg_url()
    if base is None:
        pytest.skip(f"{PG_ENV} is not set (CI starts PostgreSQL and sets it)")
    from netruimte.store.db import normalise_url

    base = normalise_url(base)
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> str:
    """A fresh store URL: SQLite file, or a PostgreSQL schema (marked `postgres`)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'store.db'}"
    return request.getfixturevalue("pg_schema_url")


@pytest.fixture
def db(db_url):
    database = Database.connect(db_url)
    yield database
    database.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def parties(db) -> Parties:
    return make_parties(db)


@pytest.fixture
def client(read_model, db, clock) -> TestClient:
    from netruimte.api import create_app

    with TestClient(create_app(read_model, db, clock=clock)) as c:
        yield c
