"""The problem counts each inspected unit keeps (by kind, and by category and kind) follow every service that
creates problems or moves one to another category, also when two people write at once, and a recount repairs
counts that drifted."""

from __future__ import annotations

import datetime as dt
import os
import threading

import pytest
from django.db import connections, transaction

from rectify.accounts.models import Role
from rectify.inspections import services
from rectify.inspections.models import InspectedUnit, ProblemCategory, ProblemCount
from rectify.inspections.selectors import problem_count_drift
from rectify.rectification import services as rectification_services

ON_POSTGRESQL = os.environ.get("DATABASE_URL", "").startswith("postgres")


@pytest.mark.django_db
def test_a_batch_moving_a_problem_repairs_counts_that_had_drifted_with_the_move_in_them(world):
    ProblemCount.objects.filter(inspected_unit=world.iu_a).delete()  # drifted: the unit's rows are gone
    moved_to = ProblemCategory.objects.get(code="3.2")
    with transaction.atomic():
        services.problems_write_batch(inspected_unit=world.iu_a, new=[],
                                      changed=[(world.problem_a.pk, {"category_id": moved_to.pk})])
    assert problem_count_drift(InspectedUnit.objects.all()) == {}
    assert list(ProblemCount.objects.filter(inspected_unit=world.iu_a, problems__gt=0)
                .values_list("kind", "category_id", "problems")) == [("feedback", moved_to.pk, 1)]


def _in_threads(*targets):  # type: ignore[no-untyped-def]
    errors: list[str] = []

    def run(target):  # type: ignore[no-untyped-def]
        try:
            target()
        except Exception as error:  # reported by the assertion of the test
            errors.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return errors


@pytest.mark.skipif(not ON_POSTGRESQL, reason="threads on one in-memory SQLite database share a cache, not a server")
@pytest.mark.django_db(transaction=True)
def test_a_problem_entered_while_a_task_of_the_unit_commits_waits_without_a_deadlock(world, monkeypatch):
    """The unit's row is locked FOR NO KEY UPDATE: the other transaction's new rows referring to the unit are
    checked at its commit with FOR KEY SHARE, which a plain FOR UPDATE would block while this one waits for the
    audit chain the other holds."""
    office, lead = world[Role.INSPECTION_OFFICE], world[Role.UNIT_LEAD]
    unit_locked, task_written = threading.Event(), threading.Event()
    counted = services.problems_counted

    def counted_then_wait(*args, **kwargs):  # type: ignore[no-untyped-def]
        counted(*args, **kwargs)
        unit_locked.set()  # holds the unit's row; goes on to the audit record while the task commits
        task_written.wait(timeout=10)

    monkeypatch.setattr(services, "problems_counted", counted_then_wait)

    def create_task() -> None:
        unit_locked.wait(timeout=10)
        try:
            with transaction.atomic():
                rectification_services.task_create(
                    actor=lead, problem_id=world.problem_a.pk, measure="措施", criterion="标准",
                    deadline_kind="deadline", due_date=dt.date(2026, 9, 17),
                    responsibilities=[{"kind": "leader", "name": "张书记"}, {"kind": "department", "name": "财务处"},
                                      {"kind": "person", "name": "李四"}])
                task_written.set()
        finally:
            task_written.set()

    def create_problem() -> None:
        try:
            services.problem_create(actor=office, inspected_unit=world.iu_a, number="X1", description="新问题")
        finally:
            unit_locked.set()

    assert _in_threads(create_task, create_problem) == []
    assert problem_count_drift(InspectedUnit.objects.all()) == {}


@pytest.mark.skipif(not ON_POSTGRESQL, reason="threads on one in-memory SQLite database share a cache, not a server")
@pytest.mark.django_db(transaction=True)
def test_two_problems_entered_at_once_in_one_unit_and_category_are_both_counted(world):
    """(Without a category: a transactional test starts without the catalogue; both go to the same count row.)"""
    office = world[Role.INSPECTION_OFFICE]
    start = threading.Barrier(2)
    row = {"inspected_unit": world.iu_b, "category": None, "kind": "feedback"}
    before = ProblemCount.objects.filter(**row).values_list("problems", flat=True).first() or 0

    def enter(number: str):  # type: ignore[no-untyped-def]
        def run() -> None:
            start.wait(timeout=10)
            services.problem_create(actor=office, inspected_unit=world.iu_b, number=number, description="新问题")
        return run

    assert _in_threads(enter("Y1"), enter("Y2")) == []
    assert ProblemCount.objects.get(**row).problems == before + 2
    assert problem_count_drift(InspectedUnit.objects.all()) == {}
