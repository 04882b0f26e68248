"""Test data in one place: small, explicit builders and a named two-unit world.

Builders write rows directly (this is fixture set-up, not behaviour under test); behaviour
under test always goes through services and selectors.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from rectify.accounts.models import Role, User
from rectify.inspections.models import (
    Clue,
    InspectedUnit,
    InspectionRound,
    InspectionTeam,
    Problem,
    ProblemCategory,
    ProblemKind,
    RoundKind,
)
from rectify.inspections.services import problem_counts_recount
from rectify.orgs.models import OrgKind, OrgUnit, Person, Post, Tenure
from rectify.orgs.services import org_units_bulk_create
from rectify.rectification.models import DeadlineKind, Responsibility, ResponsibilityKind, Task, TaskStatus

_seq = itertools.count(1)
PASSWORD = "Test-pass-2026"


def org_unit(*, name: str | None = None, code: str | None = None, parent: OrgUnit | None = None,
             kind: str = OrgKind.DEPARTMENT) -> OrgUnit:
    n = next(_seq)
    return org_units_bulk_create([OrgUnit(code=code or f"U{n}", name=name or f"单位{n}", kind=kind, parent=parent)])[0]


def user(*, role: str, unit: OrgUnit | None = None, username: str | None = None) -> User:
    u = User(username=username or f"{role}{next(_seq)}", role=role, unit=unit, display_name=username or role)
    u.set_password(PASSWORD)
    u.save()
    return u


def inspection_round(*, code: str | None = None, start: dt.date = dt.date(2026, 3, 1), yellow_days: int = 10,
                     kind: str = RoundKind.LOOK_BACK) -> InspectionRound:
    n = next(_seq)
    return InspectionRound.objects.create(code=code or f"R{n}", name=f"测试轮次{n}", kind=kind, start_date=start,
                                          yellow_days=yellow_days)


def inspected_unit(*, rnd: InspectionRound, unit: OrgUnit, feedback: dt.date = dt.date(2026, 5, 1)) -> InspectedUnit:
    team, _ = InspectionTeam.objects.get_or_create(round=rnd, name="第一巡视组")
    return InspectedUnit.objects.create(round=rnd, unit=unit, team=team, feedback_date=feedback)


def problem(*, iu: InspectedUnit, number: int | None = None, category_code: str = "2.2",
            description: str = "违规发放津贴补贴问题整改不到位") -> Problem:
    number = number or (Problem.objects.filter(inspected_unit=iu).count() + 1)
    p = Problem(inspected_unit=iu, description=description,
                category=ProblemCategory.objects.filter(code=category_code).first())
    p.set_number(str(number))
    p.save()
    problem_counts_recount(inspected_unit_ids=[iu.pk])
    return p


def make_self_found(*problems: Problem) -> None:
    """Turn fed-back problems into self-found ones (no service does: a problem's kind is chosen at entry), with
    their units' problem counts."""
    Problem.objects.filter(pk__in=[p.pk for p in problems]).update(kind=ProblemKind.SELF_FOUND)
    problem_counts_recount(inspected_unit_ids={p.inspected_unit_id for p in problems})


def task(*, prob: Problem, due: dt.date = dt.date(2026, 7, 31), status: str = TaskStatus.PENDING,
         kind: str = DeadlineKind.DEADLINE, department: str = "财务处", leader: str = "王副厅长",
         person: str = "李四") -> Task:
    number = Task.objects.filter(problem=prob).count() + 1
    t = Task.objects.create(problem=prob, number=number, measure=f"整改措施{number}", criterion="清退资金全部到位",
                            deadline_kind=kind, due_date=due, original_due_date=due, status=status)
    Responsibility.objects.bulk_create([
        Responsibility(task=t, kind=ResponsibilityKind.LEADER, name=leader),
        Responsibility(task=t, kind=ResponsibilityKind.DEPARTMENT, name=department),
        Responsibility(task=t, kind=ResponsibilityKind.PERSON, name=person),
    ])
    refresh_rollups([prob.pk])
    return t


def refresh_rollups(problem_ids) -> None:  # type: ignore[no-untyped-def]
    """Builders write task rows directly; the read model follows as the services would make it follow."""
    from django.db import transaction

    from rectify.rectification import rollups

    with transaction.atomic():
        rollups.refresh(problem_ids)


def clue(*, iu: InspectedUnit, prob: Problem | None = None) -> Clue:
    return Clue.objects.create(inspected_unit=iu, problem=prob, number=f"XS-{next(_seq)}",
                               summary="反映某处长违规收受礼金", handed_over_on=dt.date(2026, 5, 2))


def conclude(clue: Clue, *, result: str = "经谈话函询，反映问题不属实，予以了结") -> Clue:
    """The clue's handling result is back and closes it: its problem's close-outs may be approved again."""
    clue.feedback_on, clue.result, clue.concluded = dt.date(2026, 6, 1), result, True
    clue.save(update_fields=["feedback_on", "result", "concluded"])
    return clue


@dataclass
class World:
    """Two inspected units A and B in one round, each with a problem and tasks, and a user per role."""

    round: InspectionRound
    unit_a: OrgUnit
    unit_a_dept: OrgUnit
    unit_b: OrgUnit
    iu_a: InspectedUnit
    iu_b: InspectedUnit
    problem_a: Problem
    problem_b: Problem
    task_a: Task
    task_b: Task
    clue_a: Clue
    users: dict[str, User] = field(default_factory=dict)

    def __getitem__(self, role: str) -> User:
        return self.users[role]


def world() -> World:
    province = org_unit(name="省委", code="PROV", kind=OrgKind.PROVINCE)
    unit_a = org_unit(name="省教育厅", code="EDU", parent=province)
    unit_a_dept = org_unit(name="财务处", code="EDU-CW", parent=unit_a, kind=OrgKind.INTERNAL)
    unit_b = org_unit(name="省财政厅", code="FIN", parent=province)
    secretary = Person.objects.create(name="张书记", unit=unit_a)
    post = Post.objects.create(unit=unit_a, title="党组书记、厅长", is_principal=True)
    Tenure.objects.create(person=secretary, post=post, start=dt.date(2020, 1, 1))
    rnd = inspection_round(code="R-TEST")
    iu_a = inspected_unit(rnd=rnd, unit=unit_a)
    iu_b = inspected_unit(rnd=rnd, unit=unit_b)
    problem_a = problem(iu=iu_a)
    problem_b = problem(iu=iu_b, description="选人用人不规范问题整改不到位", category_code="3.2")
    task_a = task(prob=problem_a)
    task_b = task(prob=problem_b)
    users = {
        Role.COMMISSION: user(role=Role.COMMISSION, username="commission"),
        Role.INSPECTION_OFFICE: user(role=Role.INSPECTION_OFFICE, username="office"),
        Role.UNIT_LEAD: user(role=Role.UNIT_LEAD, unit=unit_a, username="lead_a"),
        Role.UNIT_MEMBER: user(role=Role.UNIT_MEMBER, unit=unit_a, username="member_a"),
        Role.LEADER: user(role=Role.LEADER, username="leader"),
        Role.ADMIN: user(role=Role.ADMIN, username="admin"),
        "unit_lead_b": user(role=Role.UNIT_LEAD, unit=unit_b, username="lead_b"),
    }
    return World(round=rnd, unit_a=unit_a, unit_a_dept=unit_a_dept, unit_b=unit_b, iu_a=iu_a, iu_b=iu_b,
                 problem_a=problem_a, problem_b=problem_b, task_a=task_a, task_b=task_b,
                 clue_a=clue(iu=iu_a, prob=problem_a), users=users)


# --- bulk builders (appended; for data-driven and query-count tests) ---------------------------

TaskSpec = tuple[str, str]  # (status, deadline kind)


def problems_bulk(*, iu: InspectedUnit, count: int, tasks: tuple[TaskSpec, ...] = ((TaskStatus.PENDING,
                  DeadlineKind.DEADLINE),), due: dt.date = dt.date(2026, 7, 31), category_code: str = "2.2",
                  with_responsibilities: bool = False, department: str = "财务处") -> list[Problem]:
    """``count`` problems in ``iu``, numbered after its existing ones, each with one task per spec.

    A fixed handful of queries whatever ``count`` is, so hundreds of problems cost nothing.
    """
    start = Problem.objects.filter(inspected_unit=iu).count() + 1
    category = ProblemCategory.objects.filter(code=category_code).first()
    problems = [Problem(inspected_unit=iu, category=category, description=f"批量问题{start + i}")
                for i in range(count)]
    for i, p in enumerate(problems):
        p.set_number(str(start + i))
    problems = Problem.objects.bulk_create(problems)
    problem_counts_recount(inspected_unit_ids=[iu.pk])
    created = Task.objects.bulk_create([
        Task(problem=p, number=n, measure=f"整改措施{n}", criterion="完成", deadline_kind=kind, due_date=due,
             original_due_date=due, status=status)
        for p in problems for n, (status, kind) in enumerate(tasks, start=1)
    ])
    if with_responsibilities:
        Responsibility.objects.bulk_create([
            Responsibility(task=t, kind=kind, name=name)
            for t in created
            for kind, name in ((ResponsibilityKind.LEADER, "王副厅长"), (ResponsibilityKind.DEPARTMENT, department),
                               (ResponsibilityKind.PERSON, "李四"))
        ])
    refresh_rollups([p.pk for p in problems])
    return problems


# --- leaders and the tasks they lead (hand-over, rule 10) ---------------------------------------

def leadership_tenure(*, unit: OrgUnit, name: str, title: str, start: dt.date = dt.date(2021, 1, 1),
                      end: dt.date | None = None, principal: bool = False, areas: str = "",
                      sort_order: int = 0) -> Tenure:
    """A person of ``unit`` in a post of its leadership body of their own."""
    person = Person.objects.create(name=name, unit=unit, title=title)
    post = Post.objects.create(unit=unit, title=title, is_principal=principal, areas=areas, sort_order=sort_order)
    return Tenure.objects.create(person=person, post=post, start=start, end=end)


def led_task(*, prob: Problem, tenure: Tenure, status: str = TaskStatus.PENDING,
             due: dt.date = dt.date(2026, 7, 31)) -> Task:
    """A task whose responsibility list names ``tenure`` as leader (linked, as the services link it)."""
    t = task(prob=prob, status=status, due=due, leader=tenure.person.name)
    Responsibility.objects.filter(task=t, kind=ResponsibilityKind.LEADER).update(tenure=tenure, person=tenure.person)
    return t


@dataclass
class Succession:
    """Scenario 5: unit A's secretary 张书记 leads 8 open tasks (one of them submitted for close-out) and
    one closed; 王副厅长 is a member in charge of 财务处; 李新 is in the unit's people, holding no post yet."""

    world: World
    secretary: Tenure
    deputy: Tenure
    newcomer: Person
    open_tasks: list[Task]
    closed_task: Task


def succession(w: World) -> Succession:
    secretary = Tenure.objects.select_related("person", "post").get(post__unit=w.unit_a, post__is_principal=True)
    deputy = leadership_tenure(unit=w.unit_a, name="王副厅长", title="党组成员、副厅长", areas="财务处", sort_order=2)
    newcomer = Person.objects.create(name="李新", unit=w.unit_a)
    second = problem(iu=w.iu_a, description="“三重一大”决策制度执行不严格")
    open_tasks = [led_task(prob=w.problem_a if i < 4 else second, tenure=secretary,
                           status=TaskStatus.SUBMITTED if i == 7 else TaskStatus.PENDING) for i in range(8)]
    closed_task = led_task(prob=second, tenure=secretary, status=TaskStatus.CLOSED)
    return Succession(world=w, secretary=secretary, deputy=deputy, newcomer=newcomer, open_tasks=open_tasks,
                      closed_task=closed_task)
