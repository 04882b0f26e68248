"""Accountability cases over the API — the commission's only: every other role gets 404 on every URL.

Paths under ``/accountability/cases``; every step of the procedure is a POST that calls the service the page
calls. Errors are the usual ``{"code", "message", "details"}``: 422 ``direct_responsibility`` (rule 17) and
``appeal_too_late`` (rule 21), 409 for a stale version or a step out of turn, 400 ``checks_need_reason`` when a
decision is saved over precision warnings without saying why (``details.checks``).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Path, Query, Router, Schema, Status
from pydantic import Field

from rectify.accountability import case_selectors as cs
from rectify.accountability import case_services as services
from rectify.accountability import checks as ck
from rectify.accountability import present
from rectify.accountability.case_models import AccountabilityCase, CaseSubject, Decision, SourceKind
from rectify.accountability.pool_models import Assignment
from rectify.accountability.selectors import circumstance_get
from rectify.core.errors import DomainError, NotFound
from rectify.core.schemas import READ_ERRORS, WRITE_ERRORS, OptionalFilter, Text
from rectify.orgs import selectors as org_selectors
from rectify.rectification import selectors as rectification_selectors

router = Router(tags=["问责"])

CaseId = Annotated[int, Path(ge=1, le=2**63 - 1, description="问责案件 ID")]
Id = Annotated[int, Field(ge=1, le=2**63 - 1)]
SubjectRef = Annotated[int | str, Field(description="问责对象：其 ID，或本案中问责对象的名称")]


class Items(Schema):
    items: list[dict[str, Any]] = Field(description="条目")
    count: int = Field(description="条目数")


class CaseOut(Schema):
    id: int
    number: str = Field(description="案件编号")
    title: str
    state: str = Field(description="proposed 拟立案 / started 已立案 / investigating 调查中 / reviewing 会审 / "
                                    "discussing 待集体讨论 / deciding 作出决定 / decided 送达执行 / closed 已结案")
    state_label: str
    source_kind: str
    problem: int | None
    task: int | None
    source_reference: str | None
    unit: dict[str, Any]
    period: list[str | None] | None = Field(description="问题发生期间 [起, 止]")
    circumstance: str | None
    opened_on: str
    approval: dict[str, Any] | None = Field(description="立案批准（规则14）")
    discussion: dict[str, Any] | None = Field(description="集体讨论")
    closed_on: str | None
    version: int = Field(description="乐观锁版本号：推进阶段时回传")
    subjects: list[dict[str, Any]] = Field(default_factory=list, description="问责对象及其有效决定")


class CaseIn(Schema):
    title: Text = Field("", max_length=200, description="案件名称；不填时按问题生成")
    problem: Id | None = Field(None, description="问题 ID（来源为问题时）")
    task: Id | None = Field(None, description="整改任务 ID（来源为整改任务时）")
    source_kind: str | None = Field(None, description="problem / task / supervision_order / interview / red_flag / "
                                                      "manual；不填时按所给的问题或任务确定")
    source_reference: Text = Field("", max_length=200, description="来源文书编号（督办单、约谈、预警）")
    unit: Text | None = Field(None, max_length=40, description="单位编码（无问题或任务时必填）")
    circumstance: Text | None = Field(None, max_length=40, description="问责情形编码，如 rectification_lax")
    summary: Text = Field("", description="案情摘要")


class SubjectIn(Schema):
    name: Text = Field("", max_length=100, description="姓名或党组织名称")
    kind: str = Field("person", description="person 党员领导干部 / organisation 党组织")
    responsibility_type: Text = Field(description="overall / principal / important；直接责任返回 422")
    person: Id | None = Field(None, description="组织信息中的人员 ID（可选；不给则按姓名匹配，匹配不到的记为组织外人员）")
    type_reason: Text = Field("", description="认定理由（与定责助手建议不同时说明）")
    participation_record: Text = Field("", description="参与决策或工作的记录（重要领导责任须有）")


class VersionIn(Schema):
    version: int | None = Field(None, ge=0, description="读取案件时的版本号（可选）")


class StartIn(VersionIn):
    approver_name: Text = Field(max_length=50)
    approver_capacity: str = Field(description="commission_head 纪委监委主要负责人 / committee_principal 同级党委主要负责人")
    approved_on: dt.date
    approval_document: Text = Field(max_length=200)


class DateIn(VersionIn):
    on: dt.date = Field(description="日期")
    findings: Text = Field("", description="调查认定的事实（结束调查时）")


class StatementIn(Schema):
    subject: SubjectRef
    facts_shown_on: dt.date
    statement: Text
    defence: Text = ""
    signature: str = Field(description="agree 同意 / disagree 不同意 / refused 拒绝签字")
    signed_on: dt.date


class SubjectPatchIn(Schema):
    subject: SubjectRef
    version: int | None = None
    responsibility_type: Text | None = None
    type_reason: Text | None = None
    participation_record: Text | None = None
    execution: str | None = Field(None, description="improper 执行不当 / weak 执行不力 / non_execution 不执行")
    finding: Text | None = None


class OpinionIn(Schema):
    assignment: Id = Field(description="会审成员的抽调记录 ID")
    opinion: Text
    given_on: dt.date


class DiscussionIn(VersionIn):
    discussed_on: dt.date
    body: Text = Field(max_length=100)
    minutes: Text = Field(max_length=200)
    conclusion: Text


class FactorIn(Schema):
    factor: Text | None = Field(None, max_length=40, description="从重从轻或免责情形编码")
    fault_tolerance: Text | None = Field(None, max_length=40, description="容错情形编码（三个区分开来）")
    claim: Text = Field("", max_length=300, description="主张的容错理由（不在目录中时如实记录）")
    evidence: Text = Field("", description="证据")


class DecisionIn(Schema):
    subject: SubjectRef
    outcome: str = Field("accountable", description="accountable 予以问责 / exempted 免予问责 / not_accountable 不予问责")
    responsibility_type: Text | None = Field(None, description="不填则为问责对象已认定的类型")
    circumstance: Text | None = Field(None, max_length=40, description="问责情形编码；不填则为案件的情形")
    forms: list[Text] = Field(default_factory=list, description="问责方式编码")
    factors: list[FactorIn] = Field(default_factory=list)
    decided_on: dt.date
    basis: Text = ""
    reasoning: Text = ""
    disciplinary_record: Text = Field("", max_length=200)
    publish: bool = False
    public_summary: Text = ""
    override_reason: Text = Field("", description="在精准问责提示之上保存的理由")
    type_reason: Text = ""


class CorrectionIn(DecisionIn):
    reason: str = Field(description="facts_unclear / evidence_unsound / basis_insufficient / responsibility_unclear / "
                                    "procedure_irregular / handling_improper")
    note: Text
    appeal: Id | None = Field(None, description="因申诉复查而纠正时，申诉 ID")


class DeliveryIn(Schema):
    subject: SubjectRef
    delivered_on: dt.date
    note: Text = Field("", max_length=200)


class AppealIn(Schema):
    subject: SubjectRef
    received_on: dt.date
    grounds: Text = ""


class AnswerIn(Schema):
    answered_on: dt.date
    answer: Text


class CloseIn(VersionIn):
    closed_on: dt.date
    note: Text = ""


class CaseFilters(Schema):
    state: Annotated[str | None, OptionalFilter] = Field(None, description="按办理阶段筛选")


def _case(request: HttpRequest, case_id: int) -> AccountabilityCase:
    return cs.case_get_for(user=request.user, case_id=case_id)


def _detail(case: AccountabilityCase) -> dict[str, Any]:
    case.refresh_from_db()
    return present.case_out(case, cs.subjects_of(case))


def _subject(case: AccountabilityCase, ref: int | str) -> CaseSubject:
    subjects = cs.subjects_of(case)
    if isinstance(ref, str) and not ref.strip().isdigit():
        found = [s for s in subjects if s.name == ref.strip()]
    else:
        found = [s for s in subjects if s.pk == int(ref)]
    if len(found) != 1:
        raise NotFound(_subject_missing(), details={"field": "subject"})
    return found[0]


def _subject_missing() -> str:
    return _("该案件中没有这个问责对象。")


def _current(subject: CaseSubject) -> Decision:
    decision = cs.current_decision(subject)
    if decision is None:
        raise DomainError(_("尚未对“%(name)s”作出决定。") % {"name": subject.name}, code="not_decided",
                          details={"field": "subject"})
    return decision


@router.get("/accountability/cases", response={200: Items, **READ_ERRORS}, summary="问责案件列表")
def case_list(request: HttpRequest, filters: Query[CaseFilters]) -> dict:
    cases = list(cs.cases_for(user=request.user, state=filters.state)[:500])
    return {"items": [present.case_out(c) for c in cases], "count": len(cases)}


@router.post("/accountability/cases", response={201: CaseOut, **WRITE_ERRORS}, summary="提出问责（拟立案）",
             description="从问题、整改任务、督办单、约谈、红灯预警或手工提出问责，状态为 proposed。给出 problem（或 task）"
                         "时单位、被巡视单位和问题发生期间取自问题。")
def case_create(request: HttpRequest, payload: CaseIn) -> Status[dict]:
    problem = task = unit = None
    if payload.task:
        task = rectification_selectors.task_get_for(user=request.user, task_id=payload.task)
        problem = task.problem
    elif payload.problem:
        problem = rectification_selectors.problem_get_for(user=request.user, problem_id=payload.problem)
    if payload.unit:
        unit = org_selectors.org_unit_get_for(user=request.user, code=payload.unit)
    kind = payload.source_kind or (SourceKind.TASK if task else SourceKind.PROBLEM if problem else SourceKind.MANUAL)
    title = payload.title or (_("%(unit)s%(round)s反馈问题%(number)s整改不力问责") % {
        "unit": problem.inspected_unit.unit.short_name or problem.inspected_unit.unit.name,
        "round": problem.inspected_unit.round.name, "number": problem.number} if problem else "")
    case = services.case_open(
        actor=request.user, title=title, source_kind=kind, problem=problem, task=task,
        source_reference=payload.source_reference, unit=unit,
        circumstance=circumstance_get(code=payload.circumstance) if payload.circumstance else None,
        summary=payload.summary)
    return Status(201, _detail(case))


@router.get("/accountability/cases/{case_id}", response={200: CaseOut, **READ_ERRORS}, summary="问责案件（含问责对象）")
def case_detail(request: HttpRequest, case_id: CaseId) -> dict:
    return _detail(_case(request, case_id))


@router.get("/accountability/cases/{case_id}/candidates", response={200: Items, **READ_ERRORS},
            summary="定责助手：建议的问责对象",
            description="按问题所在单位和发生期间：时任主要负责人（含已离任，附重合天数）、分管该领域的班子成员、整改责任清单"
                        "所列人员，以及党组织本身；每人附理由和其职务支持的责任类型（suggested_type）。")
def case_candidates(request: HttpRequest, case_id: CaseId) -> dict:
    case = _case(request, case_id)
    items = [present.candidate_out(c) for c in cs.candidates(case)]
    return {"items": items, "count": len(items)}


@router.post("/accountability/cases/{case_id}/subjects", response={201: dict, **WRITE_ERRORS},
             summary="增加问责对象",
             description="直接责任不是问责条例的责任类型，返回 422 direct_responsibility（details.disciplinary_record 说明"
                         "另行办理纪律处分）。组织信息中找不到的人员记为组织外人员（outside）。")
def subject_create(request: HttpRequest, case_id: CaseId, payload: SubjectIn) -> Status[dict]:
    case = _case(request, case_id)
    person = org_selectors.person_get_for(user=request.user, person_id=payload.person) if payload.person else None
    subject = services.subject_add(actor=request.user, case=case, name=payload.name, kind=payload.kind,
                                   responsibility_type=payload.responsibility_type, person=person,
                                   type_reason=payload.type_reason, participation_record=payload.participation_record)
    return Status(201, present.subject_out(subject))


@router.post("/accountability/cases/{case_id}/subjects/update", response={200: dict, **WRITE_ERRORS},
             summary="更新问责对象（责任类型、执行情况、参与记录、调查认定）")
def subject_patch(request: HttpRequest, case_id: CaseId, payload: SubjectPatchIn) -> dict:
    case = _case(request, case_id)
    subject = _subject(case, payload.subject)
    values = {k: v for k, v in payload.model_dump(exclude={"subject", "version"}).items() if v is not None}
    subject = services.subject_update(actor=request.user, subject=subject, expected_version=payload.version, **values)
    return present.subject_out(subject)


@router.get("/accountability/cases/{case_id}/checks", response={200: Items, **READ_ERRORS}, summary="精准问责提示",
            description="随问责对象变化即时计算：no_tenure_link、type_not_supported（定责不准）；over_broad、pushed_down"
                        "（问责泛化）；inconsistent_with_similar（问责不严或过度问责，附同类案件对照）；mitigation_ignored、"
                        "exemption_without_evidence（从轻免责情形）。每条含 code、message、subject（问责对象 ID，整案提示"
                        "为 null）和 data。")
def case_checks(request: HttpRequest, case_id: CaseId) -> dict:
    case = _case(request, case_id)
    subjects = cs.subjects_of(case)
    items = [present.check_out(c) for c in ck.case_checks(case, subjects, cs.responsibility_facts(case,
                                                                                                  subjects=subjects))]
    return {"items": items, "count": len(items)}


@router.post("/accountability/cases/{case_id}/start", response={200: CaseOut, **WRITE_ERRORS},
             summary="立案（记录批准，规则14）")
def case_start(request: HttpRequest, case_id: CaseId, payload: StartIn) -> dict:
    case = services.case_start(actor=request.user, case=_case(request, case_id), expected_version=payload.version,
                               approver_name=payload.approver_name, approver_capacity=payload.approver_capacity,
                               approved_on=payload.approved_on, approval_document=payload.approval_document)
    return _detail(case)


@router.post("/accountability/cases/{case_id}/investigation/begin", response={200: CaseOut, **WRITE_ERRORS},
             summary="开始调查（须已抽调调查组成员）")
def investigation_begin(request: HttpRequest, case_id: CaseId, payload: DateIn) -> dict:
    case = services.investigation_begin(actor=request.user, case=_case(request, case_id),
                                        expected_version=payload.version, started_on=payload.on)
    return _detail(case)


@router.post("/accountability/cases/{case_id}/statements", response={201: dict, **WRITE_ERRORS},
             summary="告知事实、听取陈述申辩并签字（规则19）")
def statement_create(request: HttpRequest, case_id: CaseId, payload: StatementIn) -> Status[dict]:
    case = _case(request, case_id)
    row = services.statement_record(actor=request.user, subject=_subject(case, payload.subject),
                                    facts_shown_on=payload.facts_shown_on, statement=payload.statement,
                                    defence=payload.defence, signature=payload.signature, signed_on=payload.signed_on)
    return Status(201, {"id": row.pk, "signature": row.signature, "signed_on": row.signed_on.isoformat()})


@router.post("/accountability/cases/{case_id}/investigation/finish", response={200: CaseOut, **WRITE_ERRORS},
             summary="结束调查（每个对象须已认定执行情况并签字）")
def investigation_finish(request: HttpRequest, case_id: CaseId, payload: DateIn) -> dict:
    case = services.investigation_finish(actor=request.user, case=_case(request, case_id),
                                         expected_version=payload.version, findings=payload.findings,
                                         finished_on=payload.on)
    return _detail(case)


@router.post("/accountability/cases/{case_id}/opinions", response={201: dict, **WRITE_ERRORS}, summary="会审意见")
def opinion_create(request: HttpRequest, case_id: CaseId, payload: OpinionIn) -> Status[dict]:
    case = _case(request, case_id)
    assignment = Assignment.objects.filter(pk=payload.assignment, case=case).select_related(
        "specialist__person").first()
    if assignment is None:
        raise NotFound(_("本案没有这项抽调记录。"), details={"field": "assignment"})
    row = services.opinion_record(actor=request.user, case=case, assignment=assignment, opinion=payload.opinion,
                                  given_on=payload.given_on)
    return Status(201, {"id": row.pk})


@router.post("/accountability/cases/{case_id}/review/finish", response={200: CaseOut, **WRITE_ERRORS},
             summary="结束会审（每名会审成员须已提出意见）")
def review_finish(request: HttpRequest, case_id: CaseId, payload: DateIn) -> dict:
    case = services.review_finish(actor=request.user, case=_case(request, case_id), expected_version=payload.version,
                                  finished_on=payload.on)
    return _detail(case)


@router.post("/accountability/cases/{case_id}/discussion", response={200: CaseOut, **WRITE_ERRORS},
             summary="集体讨论")
def discussion(request: HttpRequest, case_id: CaseId, payload: DiscussionIn) -> dict:
    case = services.discussion_record(actor=request.user, case=_case(request, case_id),
                                      expected_version=payload.version, discussed_on=payload.discussed_on,
                                      body=payload.body, minutes=payload.minutes, conclusion=payload.conclusion)
    return _detail(case)


def _draft(case: AccountabilityCase, subject: CaseSubject, payload: DecisionIn) -> Any:
    return services.draft_from(
        subject=subject, outcome=payload.outcome,
        responsibility_type=payload.responsibility_type or subject.responsibility_type,
        circumstance=payload.circumstance or (case.circumstance.code if case.circumstance else None),
        forms=payload.forms, factors=[f.model_dump() for f in payload.factors])


@router.post("/accountability/cases/{case_id}/decisions", response={201: dict, **WRITE_ERRORS},
             summary="作出问责决定（每个对象一项）",
             description="集体讨论后作出。影响期按问责方式计算（决定当日不计，到期月对应日为最后一日）。存在精准问责提示时，"
                         "须在 override_reason 中说明理由，否则返回 400 checks_need_reason（details.checks）。")
def decision_create(request: HttpRequest, case_id: CaseId, payload: DecisionIn) -> Status[dict]:
    case = _case(request, case_id)
    subject = _subject(case, payload.subject)
    decision = services.decision_record(
        actor=request.user, subject=subject, draft=_draft(case, subject, payload), decided_on=payload.decided_on,
        basis=payload.basis, reasoning=payload.reasoning, disciplinary_record=payload.disciplinary_record,
        publish=payload.publish, public_summary=payload.public_summary, override_reason=payload.override_reason,
        type_reason=payload.type_reason)
    return Status(201, present.decision_out(decision))


@router.post("/accountability/cases/{case_id}/deliveries", response={200: dict, **WRITE_ERRORS}, summary="登记送达")
def delivery(request: HttpRequest, case_id: CaseId, payload: DeliveryIn) -> dict:
    case = _case(request, case_id)
    decision = services.decision_deliver(actor=request.user, decision=_current(_subject(case, payload.subject)),
                                         delivered_on=payload.delivered_on, delivery_note=payload.note)
    return present.decision_out(decision)


@router.post("/accountability/cases/{case_id}/appeal", response={201: dict, **WRITE_ERRORS}, summary="登记申诉",
             description="问责对象在决定送达后一个月内（送达当日不计，到期月对应日为最后一日）提出；逾期返回 422 "
                         "appeal_too_late（details.last_day）。答复期限为收到申诉后一个月；申诉期间不停止执行。")
def appeal_create(request: HttpRequest, case_id: CaseId, payload: AppealIn) -> Status[dict]:
    case = _case(request, case_id)
    appeal = services.appeal_record(actor=request.user, decision=_current(_subject(case, payload.subject)),
                                    received_on=payload.received_on, grounds=payload.grounds)
    return Status(201, {"id": appeal.pk, "subject": appeal.subject_id, "received_on": appeal.received_on.isoformat(),
                        "answer_due": appeal.answer_due.isoformat(), "result": appeal.result})


@router.post("/accountability/appeals/{appeal_id}/answer", response={200: dict, **WRITE_ERRORS},
             summary="答复申诉：维持原决定（纠正请用 corrections）")
def appeal_answer(request: HttpRequest, appeal_id: Annotated[int, Path(ge=1, le=2**63 - 1)], payload: AnswerIn) -> dict:
    appeal = cs.appeal_get_for(user=request.user, appeal_id=appeal_id)
    appeal = services.appeal_answer(actor=request.user, appeal=appeal, answered_on=payload.answered_on,
                                    answer=payload.answer)
    return {"id": appeal.pk, "result": appeal.result, "answered_on": payload.answered_on.isoformat()}


@router.post("/accountability/cases/{case_id}/corrections", response={201: dict, **WRITE_ERRORS},
             summary="纠正问责决定（仅六种法定理由）")
def correction(request: HttpRequest, case_id: CaseId, payload: CorrectionIn) -> Status[dict]:
    case = _case(request, case_id)
    subject = _subject(case, payload.subject)
    appeal = cs.appeal_get_for(user=request.user, appeal_id=payload.appeal) if payload.appeal else None
    new = services.decision_correct(
        actor=request.user, decision=_current(subject), reason=payload.reason, note=payload.note,
        draft=_draft(case, subject, payload), decided_on=payload.decided_on, appeal=appeal, basis=payload.basis,
        reasoning=payload.reasoning, disciplinary_record=payload.disciplinary_record, publish=payload.publish,
        public_summary=payload.public_summary, override_reason=payload.override_reason, type_reason=payload.type_reason)
    return Status(201, present.decision_out(new))


@router.post("/accountability/cases/{case_id}/close", response={200: CaseOut, **WRITE_ERRORS}, summary="结案")
def close(request: HttpRequest, case_id: CaseId, payload: CloseIn) -> dict:
    case = services.case_close(actor=request.user, case=_case(request, case_id), expected_version=payload.version,
                               closed_on=payload.closed_on, note=payload.note)
    return _detail(case)
