"""Shared fixtures and the switches that skip tiers whose services are absent (with a reason)."""

import os

import pytest

from tests.factories import DEFAULT_PASSWORD, create_user


def pytest_collection_modifyitems(config, items):
    from django.db import connection

    on_postgres = connection.vendor == "postgresql"
    has_broker = bool(os.environ.get("CELERY_BROKER_URL"))
    skip_pg = pytest.mark.skip(reason="needs PostgreSQL: set DATABASE_URL=postgres://…")
    skip_broker = pytest.mark.skip(reason="needs a broker: set CELERY_BROKER_URL=redis://…")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
        if "celery_worker" in item.keywords and not has_broker:
            item.add_marker(skip_broker)


_DB_FIXTURES = {
    "db",
    "transactional_db",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


@pytest.fixture(autouse=True)
def _national_data(request):
    """The rows the migrations ship (national structure, 2026 year, withdrawal motives) for
    every test that uses the database, also after a transactional test flushed the tables."""
    if request.node.get_closest_marker("django_db") or _DB_FIXTURES & set(request.fixturenames):
        request.getfixturevalue("_django_db_helper")
        from tests.national_data import ensure_national_data

        ensure_national_data()


@pytest.fixture
def password() -> str:
    return DEFAULT_PASSWORD


@pytest.fixture
def make_user(db):
    """Factory fixture: ``make_user(role="technician", scope_kind="department", target=dep)``."""
    return create_user


@pytest.fixture
def citizen(make_user):
    return make_user(role="citizen")


def pytest_sessionfinish(session, exitstatus):
    """With SIGES_REQUIRE_ALL_TIERS=1 (CI's PostgreSQL run) a skipped test fails the run: every
    service is present there, so a skip means a tier silently did not run."""
    if os.environ.get("SIGES_REQUIRE_ALL_TIERS") != "1":
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if skipped and exitstatus == 0:
        reporter.write_line(
            f"SIGES_REQUIRE_ALL_TIERS: {len(skipped)} skipped test(s); every tier must run here.",
            red=True,
        )
        session.exitstatus = 1
