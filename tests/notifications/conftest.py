"""A world whose people have accounts: the responsible person, the leader in charge and the principal of unit A
are users linked to their roster entries, so the ladder's letters reach them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from rectify.accounts.models import Role, User
from rectify.notifications.models import Preference
from rectify.orgs.models import Person, Post, Tenure
from rectify.rectification.models import Responsibility, ResponsibilityKind, Task
from tests import factories

FEEDBACK = dt.date(2026, 5, 1)  # D0 of scenario 2
DUE = FEEDBACK + dt.timedelta(days=60)  # the task is due on D+60


@dataclass
class People:
    world: factories.World
    task: Task
    person: User  # 责任人
    leader: User  # 责任领导
    principal: User  # 主要负责人
    lead: User  # 单位整改牵头人
    office: User
    commission: User


def link(user: User, person: Person) -> None:
    Preference.objects.update_or_create(user=user, defaults={"person": person})


@pytest.fixture
def people(world) -> People:  # type: ignore[no-untyped-def]
    return build_people(world)


def build_people(w: factories.World) -> People:
    task = w.task_a
    Task.objects.filter(pk=task.pk).update(due_date=DUE, original_due_date=DUE)
    Task.objects.filter(pk=w.task_b.pk).update(due_date=dt.date(2027, 1, 31), original_due_date=dt.date(2027, 1, 31))
    factories.refresh_rollups([w.problem_a.pk, w.problem_b.pk])
    task.refresh_from_db()
    worker = Person.objects.create(name="李四", unit=w.unit_a_dept)
    deputy = Person.objects.create(name="王副厅长", unit=w.unit_a)
    deputy_tenure = Tenure.objects.create(person=deputy, post=Post.objects.create(unit=w.unit_a, title="副厅长"),
                                          start=dt.date(2021, 1, 1))
    Responsibility.objects.filter(task=task, kind=ResponsibilityKind.PERSON).update(person=worker)
    Responsibility.objects.filter(task=task, kind=ResponsibilityKind.LEADER).update(person=deputy, tenure=deputy_tenure)
    secretary = Person.objects.get(name="张书记")
    member = w[Role.UNIT_MEMBER]
    leader = factories.user(role=Role.UNIT_MEMBER, unit=w.unit_a, username="deputy_a")
    principal = factories.user(role=Role.UNIT_MEMBER, unit=w.unit_a, username="secretary_a")
    link(member, worker)
    link(leader, deputy)
    link(principal, secretary)
    for u in User.objects.all():
        u.email = f"{u.username}@example.gov.cn"
        u.save(update_fields=["email"])
    for u in w.users.values():
        u.refresh_from_db()
    for u in (leader, principal):
        u.refresh_from_db()
    return People(world=w, task=task, person=member, leader=leader, principal=principal, lead=w[Role.UNIT_LEAD],
                  office=w[Role.INSPECTION_OFFICE], commission=w[Role.COMMISSION])
