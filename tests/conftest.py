from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="session", autouse=True)
def _database_is_what_was_asked(django_db_setup, django_db_blocker) -> None:  # type: ignore[no-untyped-def]
    """If PostgreSQL was requested, the suite runs on it or fails — it never silently falls back."""
    from django.db import connection

    url = os.environ.get("DATABASE_URL", "")
    with django_db_blocker.unblock():
        if url.startswith(("postgres://", "postgresql://")) and connection.vendor != "postgresql":
            pytest.exit(f"DATABASE_URL asks for PostgreSQL but the suite is on {connection.vendor}", returncode=1)


@pytest.fixture
def world(db):  # type: ignore[no-untyped-def]
    from tests.factories import world as build

    return build()


@pytest.fixture
def frozen_today():  # type: ignore[no-untyped-def]
    """Freeze the clock: ``frozen_today(date)`` inside a test."""
    from contextlib import ExitStack

    from rectify.core import clock

    with ExitStack() as stack:
        yield lambda day: stack.enter_context(clock.frozen(day))


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path_factory):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"  # uploads never land in the user's var/


@pytest.fixture
def feedback_2021(world):  # type: ignore[no-untyped-def]
    """For the fixture ledgers of a 2021 round: fed back in October 2021, deadlines from late 2021 on."""
    import datetime as dt

    from rectify.inspections.models import InspectedUnit

    world.round.start_date = dt.date(2021, 8, 1)
    world.round.end_date = dt.date(2021, 10, 15)
    world.round.save(update_fields=["start_date", "end_date"])
    InspectedUnit.objects.filter(round=world.round).update(feedback_date=dt.date(2021, 10, 15))
    world.iu_a.refresh_from_db()
    world.iu_b.refresh_from_db()
    return world


@pytest.fixture
def fresh_unit(world):  # type: ignore[no-untyped-def]
    """Unit A without the factory's problem, so a ledger's problems 1–3 are all new."""
    from rectify.inspections.models import Problem
    from rectify.rectification import rollups
    from rectify.rectification.models import Responsibility, Task

    Responsibility.objects.filter(task__problem__inspected_unit=world.iu_a).delete()
    world.clue_a.delete()
    Task.objects.filter(problem__inspected_unit=world.iu_a).delete()
    Problem.objects.filter(inspected_unit=world.iu_a).delete()
    rollups.rebuild(inspected_unit_ids=[world.iu_a.pk])  # the read model as after a real removal
    return world


@pytest.fixture
def succession(world):  # type: ignore[no-untyped-def]
    """Scenario 5 on top of the world: the secretary leads 8 open tasks; see ``factories.succession``."""
    from tests.factories import succession as build

    return build(world)
