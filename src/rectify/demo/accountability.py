"""The demo's precise accountability: the specialist pool (89 people of the 16 prefectures, with a few declared
relations and past employment that the conflict rules catch) and six cases at different stages, tied to demo
problems whose occurrence period a former principal led:

1. proposed — only a staff member named so far: the checks show responsibility pushed down;
2. investigating — 省教育厅: the former principal (主要领导责任) and the member in charge, one statement signed;
3. joint review — the organisation and its former principal, the other leaders assessed as not pursued, one
   opinion in, one reviewer forced past a conflict with another commission user's approval;
4. deciding — discussed collectively, the decisions still to be made on the decision page;
5. decided and delivered — 诫勉 and 通报, an appeal received and awaiting its answer;
6. closed — from the original round: 通报 of the organisation and 诫勉 of its principal then, published.

Rows are written in bulk like the rest of the demo; subjects take the responsibility assistant's own proposals
(``case_selectors.candidates``), so the pages show what the assistant would say.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from rectify.accountability import case_selectors
from rectify.accountability.case_models import (
    AccountabilityCase,
    Appeal,
    ApproverCapacity,
    CaseEvent,
    CaseState,
    CaseSubject,
    Decision,
    DecisionFactor,
    Execution,
    MemberAssessment,
    Outcome,
    ReviewOpinion,
    Signature,
    SourceKind,
    Statement,
    SubjectKind,
)
from rectify.accountability.catalogue_seed import catalogue_ensure
from rectify.accountability.conflicts import conflicts_for
from rectify.accountability.models import AccountabilityForm, Circumstance, Factor, impact_period
from rectify.accountability.pool_models import (
    Assignment,
    AssignmentKind,
    PastEmployment,
    RelationKind,
    Specialist,
    SpecialistRelation,
)
from rectify.accounts.models import User
from rectify.core import clock
from rectify.inspections.models import Problem, add_months
from rectify.orgs.models import OrgUnit, Person, Tenure
from rectify.orgs.selectors import overlap_days

SPECIALISTS = 89
EXPERTISE = ["问责调查", "案件审理", "财务审计", "干部人事", "党建工作", "巡视巡察", "国有资产监管", "工程建设项目",
             "教育卫生", "生态环境", "审查调查", "信访举报"]
TITLES = ["纪委监委第一监督检查室主任", "纪委监委第二监督检查室副主任", "纪委监委案件审理室主任", "纪委监委党风政风监督室副主任",
          "纪委监委第三审查调查室主任", "巡察办副主任", "纪委监委干部监督室主任", "派驻纪检监察组组长"]


def _days(n: int) -> dt.timedelta:
    return dt.timedelta(days=n)


@dataclass
class _File:
    """One demo case being assembled: the case, then its subjects' and steps' rows."""

    case: AccountabilityCase
    events: list[tuple[str, dt.date, dict[str, Any], str | None]] = field(default_factory=list)  # kind, on, params,
    # subject name

    def event(self, event_kind: str, on: dt.date, subject: str | None = None, /, **params: Any) -> None:
        self.events.append((event_kind, on, {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in params.items()},
                            subject))


def _former_principal_problem(problems: list[Problem], tenures_by_unit: dict[int, list[Tenure]],
                              unit: OrgUnit, used: set[int]) -> tuple[Problem, Tenure] | None:
    """A problem of ``unit`` that happened while a principal who has since left led it (the longest overlap)."""
    best: tuple[int, Problem, Tenure] | None = None
    for p in problems:
        if p.inspected_unit.unit_id != unit.pk or p.pk in used or p.occurred_from is None:
            continue
        end = p.occurred_to or p.inspected_unit.feedback_date
        for t in tenures_by_unit[unit.pk]:
            if not t.post.is_principal or t.end is None:
                continue
            days = overlap_days(tenure_start=t.start, tenure_end=t.end, start=p.occurred_from, end=end)
            if days > 180 and (best is None or days > best[0]):
                best = (days, p, t)
    return (best[1], best[2]) if best else None


def seed_accountability(*, rng: random.Random, today: dt.date, problems: list[Problem],
                        original_problems: list[Problem], tenures: list[Tenure], units: list[OrgUnit],
                        prefectures: list[OrgUnit], jyt_staff: list[Person], names: Iterator[str],
                        commission: User, approver: User) -> dict[str, int]:
    """Write the pool and the six cases; returns counts for the demo's summary."""
    catalogue_ensure()  # reference data from migrations; present unless the tables were emptied since
    now = clock.now()
    # --- the pool: 89 people of the 16 prefectures' commissions ------------------------------------------------
    people, specialists = [], []
    for i in range(SPECIALISTS):
        region = prefectures[i % len(prefectures)]
        person = Person(name=next(names), unit=region, title=f"{region.short_name or region.name}{rng.choice(TITLES)}")
        people.append(person)
        busy = rng.random() < 0.09
        specialists.append(Specialist(person=person, region=region, expertise="、".join(rng.sample(EXPERTISE, 2)),
                                      is_available=not busy,
                                      availability_note=rng.choice(["借调中央巡视组", "脱产学习", "病假"]) if busy else ""))
    Person.objects.bulk_create(people)
    Specialist.objects.bulk_create(specialists)
    available = [s for s in specialists if s.is_available]
    by_code = {u.code: u for u in units}
    jyt = by_code.get("YN-JYT") or units[0]
    # --- the cases ------------------------------------------------------------------------------------------
    circumstance = {c.code: c for c in Circumstance.objects.filter(code__in=["rectification_lax",
                                                                             "rectification_perfunctory"])}
    forms = {f.code: f for f in AccountabilityForm.objects.all()}
    factors = {f.code: f for f in Factor.objects.filter(code__in=["timely_remedy", "active_cooperation"])}
    tenures_by_unit: dict[int, list[Tenure]] = defaultdict(list)
    for t in tenures:
        tenures_by_unit[t.post.unit_id].append(t)
    used: set[int] = set()
    order = [jyt] + [u for u in units if u.pk != jyt.pk]
    picks: list[tuple[Problem, Tenure]] = []
    for unit in order:
        found = _former_principal_problem(problems, tenures_by_unit, unit, used)
        if found:
            picks.append(found)
            used.add(found[0].pk)
        if len(picks) == 5:
            break
    original = None
    for unit in order[5:]:
        original = _former_principal_problem(original_problems, tenures_by_unit, unit, set())
        if original:
            break
    plan = [  # (problem, former principal, state, days ago opened, circumstance)
        (picks[1], CaseState.PROPOSED, 6, "rectification_lax"),
        (picks[0], CaseState.INVESTIGATING, 24, "rectification_lax"),
        (picks[2], CaseState.REVIEWING, 40, "rectification_perfunctory"),
        (picks[4], CaseState.DECIDING, 50, "rectification_perfunctory"),
        (picks[3], CaseState.DECIDED, 75, "rectification_lax"),
    ]
    if original:
        plan.append((original, CaseState.CLOSED, 330, "rectification_lax"))
    assert len(picks) == 5, "the demo's units all have problems from a former principal's time"
    # Declarations the conflict rules catch: kin in 省教育厅 and 省财政厅, recent past employment in the unit of
    # the case under joint review (one of its reviewers is forced past it, with approval).
    reviewed_unit = picks[2][0].inspected_unit.unit
    declared = rng.sample(available[20:], 6)
    relations = [
        SpecialistRelation(specialist=declared[0], kind=RelationKind.SPOUSE, person=jyt_staff[0] if jyt_staff else None,
                           name=jyt_staff[0].name if jyt_staff else next(names), unit=None if jyt_staff else jyt),
        SpecialistRelation(specialist=declared[1], kind=RelationKind.LINEAL, name=next(names),
                           unit=by_code.get("YN-CZT", units[1])),
        SpecialistRelation(specialist=declared[2], kind=RelationKind.SUPERIOR, name=next(names), unit=jyt,
                           start=today - _days(2000), end=today - _days(400)),
    ]
    employments = [
        PastEmployment(specialist=declared[3], unit=reviewed_unit, position="财务处副处长", start=today - _days(3000),
                       end=today - _days(700)),
        PastEmployment(specialist=declared[4], unit=by_code.get("YN-WHLYT", units[2]), position="办公室主任",
                       start=today - _days(2500), end=today - _days(300)),
    ]
    SpecialistRelation.objects.bulk_create(relations)
    PastEmployment.objects.bulk_create(employments)
    free = [s for s in available if s not in declared]
    rng.shuffle(free)

    files: list[_File] = []
    numbers: dict[int, int] = defaultdict(int)
    for (problem, _former), state, ago, code in plan:
        opened = today - _days(ago)
        numbers[opened.year] += 1
        n = numbers[opened.year]
        iu = problem.inspected_unit
        case = AccountabilityCase(
            number=f"WZ-{opened.year}-{n:03d}", state=state, source_kind=SourceKind.PROBLEM, problem=problem,
            unit=iu.unit, inspected_unit=iu, period_start=problem.occurred_from,
            period_end=problem.occurred_to or iu.feedback_date, circumstance=circumstance[code],
            title=f"{iu.unit.short_name or iu.unit.name}{iu.round.name}反馈问题{problem.number}整改不力问责",
            summary=f"巡视“回头看”反馈：{problem.description[:80]}。整改进度滞后，有关责任人员履职不力。",
            opened_by=commission, opened_on=opened)
        files.append(_File(case=case))
    AccountabilityCase.objects.bulk_create([f.case for f in files])

    # Subjects from the assistant's proposals (three queries per case).
    subjects: list[CaseSubject] = []
    by_case: dict[int, dict[str, CaseSubject]] = defaultdict(dict)
    not_named: dict[int, list[Any]] = {}  # leaders of the period an organisation case does not name (rule 15)
    for f in files:
        case = f.case
        cands = {c.name: c for c in case_selectors.candidates(case, subjects=[])}
        org = next(c for c in cands.values() if c.kind == SubjectKind.ORGANISATION)
        leaders = [c for c in cands.values() if c.kind == SubjectKind.PERSON and c.suggested_type]
        former = next((c for c in leaders if c.is_former and "主要负责人" in c.reason), leaders[0] if leaders else None)
        in_charge = next((c for c in leaders if c is not former), None)
        staff_member = next((c for c in cands.values() if c.kind == SubjectKind.PERSON and not c.suggested_type), None)
        chosen: list[tuple[Any, str]] = []
        if case.state == CaseState.PROPOSED:
            chosen = [(staff_member or in_charge, "important")]
        elif case.state == CaseState.INVESTIGATING:
            chosen = [(former, "principal"), (in_charge, "principal")]
        elif case.state in (CaseState.REVIEWING, CaseState.DECIDING):
            chosen = [(org, "overall"), (former, "principal")]
        elif case.state == CaseState.DECIDED:
            chosen = [(in_charge, "principal"), (former, "principal")]
        else:
            chosen = [(org, "overall"), (former, "principal")]
        named = {id(c) for c, _t in chosen if c is not None}
        not_named[id(case)] = [c for c in leaders if id(c) not in named]
        for cand, rtype in chosen:
            if cand is None:
                continue
            subject = CaseSubject(
                case=case, kind=cand.kind, name=cand.name, person_id=cand.person_id if cand.kind == "person" else None,
                tenure_id=cand.tenure_id, unit=case.unit,
                post_title=cand.post if cand.kind == "person" else "", responsibility_type=rtype,
                suggested_type=cand.suggested_type, suggestion_reason=cand.reason, added_by=commission,
                type_reason="" if cand.suggested_type == rtype else "其为整改任务责任人，尚待调查核实其是否参与决策")
            subjects.append(subject)
            by_case[id(case)][cand.name] = subject
            f.event("subject_added", case.opened_on, cand.name, name=cand.name, kind=cand.kind, type=rtype,
                    outside=False, suggested=cand.suggested_type)
    CaseSubject.objects.bulk_create(subjects)

    statements, assessments, assignments, opinions = [], [], [], []
    decisions: list[tuple[Decision, list[AccountabilityForm], list[DecisionFactor]]] = []
    appeals = []
    investigator = iter(free)
    for f in files:
        case, opened = f.case, f.case.opened_on
        f.event("opened", opened, source=SourceKind.PROBLEM,
                reference=f"{case.unit.name} {case.problem.number}")  # type: ignore[union-attr]
        mine = list(by_case[id(case)].values())
        if case.state == CaseState.PROPOSED:
            continue
        committee = any(s.kind == SubjectKind.ORGANISATION for s in mine) or any(
            "主要负责人" in s.suggestion_reason for s in mine)
        case.approver_name, case.approved_on = ("省委书记" if committee else "省纪委书记"), opened + _days(3)
        case.approver_capacity = (ApproverCapacity.COMMITTEE_PRINCIPAL if committee
                                  else ApproverCapacity.COMMISSION_HEAD)
        case.approval_document = f"{'省委' if committee else '省纪委'}批示〔{opened.year}〕{rng.randint(10, 90)}号"
        f.event("started", case.approved_on, approver=case.approver_name, capacity=case.approver_capacity,
                document=case.approval_document)
        group = [next(investigator), next(investigator)]
        for s in group:
            assignments.append(Assignment(specialist=s, kind=AssignmentKind.INVESTIGATION, case=case, unit=case.unit,
                                          title=f"{case.number} {case.title}", assigned_by=commission,
                                          assigned_on=opened + _days(4),
                                          ended_on=case.closed_on if case.state == CaseState.CLOSED else None))
            f.event("assigned", opened + _days(4), member=s.person.name, task=AssignmentKind.INVESTIGATION,
                    forced=False, approved_by="")
        case.investigation_started_on = opened + _days(5)
        f.event("investigation_started", case.investigation_started_on, members=[s.person.name for s in group])
        for i, s in enumerate(mine):
            s.execution = Execution.WEAK if i else Execution.NON_EXECUTION
            s.finding = "对巡视反馈问题整改责任不落实、措施不具体，整改进度严重滞后。"
            if case.state == CaseState.INVESTIGATING and i:
                continue  # the second subject has not been heard yet
            shown = case.investigation_started_on + _days(4 + i)
            statements.append(Statement(subject=s, facts_shown_on=shown, statement="对调查认定的事实无异议，本人负有领导责任。"
                                        if i else "对认定的主要事实无异议，但问题发生时有关制度尚不健全。",
                                        defence="" if i else "请求考虑本人离任前已部署整改。", signature=Signature.AGREE
                                        if i else Signature.DISAGREE, signed_on=shown + _days(1), recorded_by=commission,
                                        recorded_at=now))
            f.event("statement_recorded", shown + _days(1), s.name, name=s.name,
                    signature=Signature.AGREE if i else Signature.DISAGREE, defence=not i)
        if case.state == CaseState.INVESTIGATING:
            continue
        for s in mine:
            if s.kind != SubjectKind.ORGANISATION:
                continue
            for leader in not_named[id(case)]:
                assessments.append(MemberAssessment(
                    subject=s, name=leader.name, person_id=leader.person_id, post_title=leader.post,
                    recorded_by=commission, recorded_at=now,
                    reason="经调查，其对该项整改已按分工部署落实，问题主要在主要负责人拍板决策环节，不予追究。"))
                f.event("member_assessed", case.investigation_started_on + _days(8), s.name, member=leader.name,
                        reason="对该项整改已按分工部署落实，不予追究")
        case.investigation_finished_on = case.investigation_started_on + _days(12)
        case.investigation_findings = ("经调查，该单位对巡视反馈的问题整改责任不落实，部分措施停留在发文部署，"
                                       "问题发生期间的主要负责人和分管领导对整改不力负有领导责任。")
        f.event("investigation_finished", case.investigation_finished_on, subjects=len(mine))
        reviewers = [next(investigator), next(investigator)]
        for k, s in enumerate(reviewers):
            forced = case.state == CaseState.REVIEWING and k == 1
            a = Assignment(specialist=declared[3] if forced else s, kind=AssignmentKind.JOINT_REVIEW, case=case,
                           unit=case.unit, title=f"{case.number} {case.title}", assigned_by=commission,
                           assigned_on=case.investigation_finished_on, forced=forced,
                           approved_by=approver if forced else None,
                           force_reason="该同志熟悉该单位财务制度且离开已近两年，经书记专题会研究同意参加会审" if forced else "",
                           conflicts=[c.as_json() for c in conflicts_for(
                               [declared[3]], unit=case.unit, period=case.period,
                               today=case.investigation_finished_on)[declared[3].pk]] if forced else [],
                           ended_on=case.closed_on if case.state == CaseState.CLOSED else None)
            assignments.append(a)
            f.event("assigned", a.assigned_on, member=a.specialist.person.name, task=AssignmentKind.JOINT_REVIEW,
                    forced=forced, approved_by=str(approver) if forced else "")
            if case.state != CaseState.REVIEWING or k == 0:
                opinions.append(ReviewOpinion(case=case, assignment=a, opinion="事实清楚，证据确凿，同意调查组的定责意见。",
                                              given_on=case.investigation_finished_on + _days(3),
                                              recorded_by=commission, recorded_at=now))
                f.event("opinion_recorded", case.investigation_finished_on + _days(3), member=a.specialist.person.name)
        if case.state == CaseState.REVIEWING:
            continue
        case.review_finished_on = case.investigation_finished_on + _days(4)
        f.event("review_finished", case.review_finished_on, members=2)
        case.discussed_on = case.review_finished_on + _days(3)
        case.discussion_body, case.discussion_minutes = "省纪委常委会会议", f"省纪委常委会会议纪要〔{case.discussed_on.year}〕" \
                                                                   f"{rng.randint(5, 40)}号"
        case.discussion_conclusion = "同意调查组和会审意见，依规依纪作出问责决定。"
        f.event("discussed", case.discussed_on, body=case.discussion_body, minutes=case.discussion_minutes)
        if case.state == CaseState.DECIDING:
            continue  # the decisions are the commission's to make on the decision page
        decided_on = case.discussed_on + _days(2)
        persons = [x for x in mine if x.kind == SubjectKind.PERSON]
        for s in mine:
            second = s.kind == SubjectKind.PERSON and persons.index(s) == 1  # mitigated: timely remedy
            codes = (["org_circulation"] if s.kind == SubjectKind.ORGANISATION else
                     ["person_circulation"] if second else ["admonishment"])
            chosen_forms = [forms[c] for c in codes]
            period = impact_period(forms=chosen_forms, decided_on=decided_on)
            published = case.state == CaseState.CLOSED
            d = Decision(case=case, subject=s, outcome=Outcome.ACCOUNTABLE, responsibility_type=s.responsibility_type,
                         circumstance=case.circumstance,
                         basis="《中国共产党问责条例》" + "、".join(dict.fromkeys(
                             [case.circumstance.article] + [f.article for f in chosen_forms])),  # type: ignore[union-attr]
                         reasoning=s.finding, decided_on=decided_on,
                         discussion_reference=f"{case.discussion_body}（{case.discussed_on:%Y.%m.%d}，"
                                              f"{case.discussion_minutes}）",
                         severity=max(f.severity for f in chosen_forms), no_promotion_until=period.no_promotion_until,
                         no_leading_post_until=period.no_leading_post_until,
                         no_higher_post_until=period.no_higher_post_until, impact_ends_on=period.ends_on,
                         publish=published,
                         public_summary=("对巡视反馈问题整改责任不落实，整改进度严重滞后，问题反弹回潮" if published else ""),
                         assistant={"suggested_type": s.suggested_type, "reason": s.suggestion_reason,
                                    "chosen": s.responsibility_type,
                                    "accepted": s.suggested_type == s.responsibility_type, "type_reason": ""},
                         decided_by=commission, delivered_on=decided_on + _days(3), delivered_by=commission,
                         delivery_note="当面送达，本人签收")
            factor_rows = ([DecisionFactor(decision=d, factor=factors["timely_remedy"],
                                           evidence="已于反馈后两个月内完成清退，附财务凭证")] if second else [])
            decisions.append((d, chosen_forms, factor_rows))
            f.event("decided", decided_on, s.name, name=s.name, outcome=Outcome.ACCOUNTABLE,
                    type=s.responsibility_type, forms=[x.name for x in chosen_forms],
                    impact_ends_on=period.ends_on, overridden=0)
            f.event("delivered", d.delivered_on, s.name, name=s.name, note=d.delivery_note,  # type: ignore[arg-type]
                    appeal_until=add_months(d.delivered_on, 1))  # type: ignore[arg-type]
            if case.state == CaseState.DECIDED and s is persons[0]:
                received = min(today - _days(1), d.delivered_on + _days(20))  # type: ignore[operator]
                appeals.append(Appeal(case=case, decision=d, subject=s, received_on=received,
                                      grounds="本人已调离原岗位，问题主要发生在前任期间，请求重新认定责任。",
                                      answer_due=add_months(received, 1), recorded_by=commission))
                f.event("appealed", received, s.name, name=s.name, answer_due=add_months(received, 1))
        if case.state == CaseState.CLOSED:
            case.closed_on = decided_on + _days(45)
            case.closing_note = "决定均已送达执行，申诉期满无申诉。"
            for a in assignments:
                if a.case is case:
                    a.ended_on = case.closed_on
            f.event("closed", case.closed_on, note=case.closing_note, without_decision=False)

    AccountabilityCase.objects.bulk_update([f.case for f in files], [
        "approver_name", "approver_capacity", "approved_on", "approval_document", "investigation_started_on",
        "investigation_finished_on", "investigation_findings", "review_finished_on", "discussed_on", "discussion_body",
        "discussion_minutes", "discussion_conclusion", "closed_on", "closing_note"])
    CaseSubject.objects.bulk_update(subjects, ["execution", "finding"])
    Statement.objects.bulk_create(statements)
    MemberAssessment.objects.bulk_create(assessments)
    # Special inspections keep some of the pool busy (open assignments are the workload).
    for s in free[-8:]:
        assignments.append(Assignment(specialist=s, kind=AssignmentKind.SPECIAL_INSPECTION, unit=rng.choice(units),
                                      title="选人用人专项检查", assigned_by=commission,
                                      assigned_on=today - _days(rng.randint(5, 40))))
    Assignment.objects.bulk_create(assignments)
    ReviewOpinion.objects.bulk_create(opinions)
    Decision.objects.bulk_create([d for d, _forms, _factors in decisions])
    through = Decision.forms.through
    through.objects.bulk_create([through(decision_id=d.pk, accountabilityform_id=f.pk)
                                 for d, fs, _factors in decisions for f in fs])
    DecisionFactor.objects.bulk_create([x for _d, _fs, fx in decisions for x in fx])
    Appeal.objects.bulk_create(appeals)
    names_of = {(id(s.case), s.name): s for s in subjects}
    CaseEvent.objects.bulk_create([
        CaseEvent(case=f.case, subject=names_of.get((id(f.case), who)) if who else None, kind=kind, on=on,
                  at=now, actor=commission, params=params)
        for f in files for kind, on, params, who in sorted(f.events, key=lambda e: (e[1], e[0] != "opened"))])
    return {"specialists": len(specialists), "cases": len(files), "appeals": len(appeals)}
