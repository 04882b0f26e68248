"""Scenario 5 and 7 on top of the two-unit world: 省教育厅's irregular allowances happened in 2024–March 2025
under 张书记, who left the post on 2025-07-01 (王书记 since); 王副厅长 was in charge of 财务处, the lead
department; 赵副厅长 of 人事处; 李四 is the staff member on the responsibility list. The specialist pool has
people in two prefectures. Cases are opened on 2026-05-06; each later step runs on its own day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from rectify.accountability import case_services, pool_services
from rectify.accountability.case_models import AccountabilityCase, CaseSubject, Execution, SourceKind
from rectify.accountability.catalogue_seed import catalogue_ensure
from rectify.accountability.models import Circumstance
from rectify.accountability.pool_models import AssignmentKind, Specialist
from rectify.accounts.models import Role, User
from rectify.core import clock
from rectify.inspections.models import Problem
from rectify.orgs.models import OrgKind, OrgUnit, Person, Tenure
from rectify.orgs.services import person_appoint
from rectify.rectification.models import Responsibility, ResponsibilityKind
from tests import factories

TODAY = dt.date(2026, 5, 6)
PERIOD = (dt.date(2024, 1, 1), dt.date(2025, 3, 31))


@dataclass
class Scene:
    world: factories.World
    problem: Problem
    secretary: Tenure  # 张书记, former principal (2020-01-01 … 2025-07-01)
    successor: Tenure  # 王书记, principal since 2025-07-01
    deputy: Tenure  # 王副厅长, in charge of 财务处 since 2021
    other_member: Tenure  # 赵副厅长, in charge of 人事处
    staff: Person  # 李四, 财务处 staff, the responsible person on the list
    prefecture: OrgUnit
    pool: list[Specialist]
    commission: User
    head: User  # a second commission user (approves forced assignments)
    lax: Circumstance

    @property
    def unit(self) -> OrgUnit:
        return self.world.unit_a


@pytest.fixture
def today():
    with clock.frozen(TODAY):
        yield TODAY


@pytest.fixture
def scene(world, today) -> Scene:
    catalogue_ensure()  # live-server tests flush every table, the migrations' reference rows included
    problem = world.problem_a
    problem.occurred_from, problem.occurred_to = PERIOD
    problem.save(update_fields=["occurred_from", "occurred_to"])
    secretary = Tenure.objects.select_related("person", "post").get(post__unit=world.unit_a, post__is_principal=True)
    successor = person_appoint(actor=None, person=Person.objects.create(name="王书记", unit=world.unit_a),
                               post=secretary.post, start=dt.date(2025, 7, 1))
    secretary.refresh_from_db()
    deputy = factories.leadership_tenure(unit=world.unit_a, name="王副厅长", title="党组成员、副厅长", areas="财务处",
                                         start=dt.date(2021, 1, 1), sort_order=2)
    other = factories.leadership_tenure(unit=world.unit_a, name="赵副厅长", title="党组成员、副厅长", areas="人事处",
                                        start=dt.date(2019, 1, 1), sort_order=3)
    staff = Person.objects.create(name="李四", unit=world.unit_a_dept, title="财务处副处长")
    Responsibility.objects.filter(task=world.task_a, kind=ResponsibilityKind.LEADER).update(
        person=deputy.person, tenure=deputy)
    Responsibility.objects.filter(task=world.task_a, kind=ResponsibilityKind.PERSON).update(person=staff)
    province = OrgUnit.objects.get(code="PROV")
    prefecture = factories.org_unit(name="昆明市", code="KM", parent=province, kind=OrgKind.PREFECTURE)
    other_prefecture = factories.org_unit(name="曲靖市", code="QJ", parent=province, kind=OrgKind.PREFECTURE)
    pool = []
    for i, (name, region, expertise) in enumerate([
            ("陈调查", prefecture, "问责调查、财务审计"), ("林会审", prefecture, "案件审理、问责调查"),
            ("周专员", other_prefecture, "干部人事、问责调查"), ("吴审理", other_prefecture, "案件审理")]):
        person = Person.objects.create(name=name, unit=region, title="纪委监委干部")
        pool.append(Specialist.objects.create(person=person, region=region, expertise=expertise))
        del i
    commission = world[Role.COMMISSION]
    head = factories.user(role=Role.COMMISSION, username="commission_head")
    return Scene(world=world, problem=problem, secretary=secretary, successor=successor, deputy=deputy,
                 other_member=other, staff=staff, prefecture=prefecture, pool=pool, commission=commission, head=head,
                 lax=Circumstance.objects.get(code="rectification_lax"))


def open_case(scene: Scene, *, title: str = "省教育厅违规发放津贴补贴问题整改不力问责") -> AccountabilityCase:
    return case_services.case_open(actor=scene.commission, title=title, source_kind=SourceKind.PROBLEM,
                                   problem=scene.problem, circumstance=scene.lax)


def add(scene: Scene, case: AccountabilityCase, name: str, rtype: str, **kw) -> CaseSubject:  # type: ignore[no-untyped-def]
    return case_services.subject_add(actor=scene.commission, case=case, name=name, responsibility_type=rtype, **kw)


def start(scene: Scene, case: AccountabilityCase, *, capacity: str = "committee_principal",
          on: dt.date = dt.date(2026, 5, 10)) -> None:
    case.refresh_from_db()
    with clock.frozen(on):
        case_services.case_start(actor=scene.commission, case=case, expected_version=case.version,
                                 approver_name="省委书记", approver_capacity=capacity, approved_on=on,
                                 approval_document="省委批示〔2026〕12号")


def to_deciding(scene: Scene, case: AccountabilityCase) -> AccountabilityCase:
    """Take a case with subjects from proposed to the collective discussion, every step on its own day."""
    actor = scene.commission
    start(scene, case)
    with clock.frozen(dt.date(2026, 5, 11)):
        pool_services.specialist_assign(actor=actor, specialist=scene.pool[0], kind=AssignmentKind.INVESTIGATION,
                                        case=case)
    with clock.frozen(dt.date(2026, 5, 12)):
        case.refresh_from_db()
        case_services.investigation_begin(actor=actor, case=case, expected_version=case.version,
                                          started_on=dt.date(2026, 5, 12))
    with clock.frozen(dt.date(2026, 5, 16)):
        for subject in case.subjects.all():
            case_services.subject_update(actor=actor, subject=subject, expected_version=subject.version,
                                         execution=Execution.WEAK, finding="整改责任不落实，清退资金进度严重滞后。")
            case_services.statement_record(actor=actor, subject=subject, facts_shown_on=dt.date(2026, 5, 15),
                                           statement="对认定的事实无异议。", defence="", signature="agree",
                                           signed_on=dt.date(2026, 5, 16))
    with clock.frozen(dt.date(2026, 5, 18)):
        case.refresh_from_db()
        case_services.investigation_finish(actor=actor, case=case, expected_version=case.version,
                                           findings="违规发放津贴补贴问题反馈后未按时完成清退。",
                                           finished_on=dt.date(2026, 5, 18))
        reviewer = pool_services.specialist_assign(actor=actor, specialist=scene.pool[1],
                                                   kind=AssignmentKind.JOINT_REVIEW, case=case)
    with clock.frozen(dt.date(2026, 5, 19)):
        case.refresh_from_db()
        case_services.opinion_record(actor=actor, case=case, assignment=reviewer, opinion="事实清楚，同意调查组意见。",
                                     given_on=dt.date(2026, 5, 19))
        case_services.review_finish(actor=actor, case=case, expected_version=case.version,
                                    finished_on=dt.date(2026, 5, 19))
    with clock.frozen(dt.date(2026, 5, 20)):
        case.refresh_from_db()
        case_services.discussion_record(actor=actor, case=case, expected_version=case.version,
                                        discussed_on=dt.date(2026, 5, 20), body="省纪委常委会会议",
                                        minutes="省纪委常委会会议纪要〔2026〕9号", conclusion="同意对相关人员问责。")
    case.refresh_from_db()
    return case


def decide(scene: Scene, subject: CaseSubject, *, forms=("admonishment",), outcome: str = "accountable",
           rtype: str | None = None, factors=(), decided_on: dt.date = dt.date(2026, 5, 22), **kw):  # type: ignore[no-untyped-def]
    draft = case_services.draft_from(subject=subject, outcome=outcome,
                                     responsibility_type=rtype or subject.responsibility_type,
                                     circumstance="rectification_lax", forms=list(forms), factors=list(factors))
    with clock.frozen(decided_on):
        return case_services.decision_record(actor=scene.commission, subject=subject, draft=draft,
                                             decided_on=decided_on, **kw)
