"""Writes to the specialist pool: specialists and their declarations, assignments (with the conflict check).

Rule 11: a conflict of interest blocks an assignment (409 ``conflict_of_interest``, every reason in
``details.conflicts``); it is made only by force, with the recorded approval of a commission user other than
the one assigning and a reason — the assignment keeps the conflicts it was made over.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _

from rectify.accountability.case_models import AccountabilityCase, CaseEvent, CaseState
from rectify.accountability.conflicts import conflicts_for
from rectify.accountability.pool_models import (
    Assignment,
    AssignmentKind,
    PastEmployment,
    RelationKind,
    Specialist,
    SpecialistRelation,
)
from rectify.audit.services import audit_record
from rectify.core import clock
from rectify.core.dates import check_plausible_date
from rectify.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from rectify.orgs.models import OrgKind, OrgUnit, Person, split_areas

if TYPE_CHECKING:
    from rectify.accounts.models import User


def _require_handler(actor: User) -> None:
    if not actor.sees_accountability:
        raise NotFound(_("您访问的页面不存在，或您无权查看。"))
    if not actor.can_handle_accountability:
        raise PermissionDenied(_("只有纪委监委监督检查室可以管理问责业务人才库。"))


def _expertise(value: str) -> str:
    areas = split_areas((value or "").replace("；", "、").replace(";", "、"))
    if not areas:
        raise DomainError(_("请填写业务专长，如“问责调查、财务审计”。"), code="required", details={"field": "expertise"})
    text = "、".join(dict.fromkeys(areas))
    if len(text) > 200:
        raise DomainError(_("业务专长不能超过 200 个字。"), code="too_long", details={"field": "expertise"})
    return text


def _region(region: OrgUnit) -> OrgUnit:
    if region.kind != OrgKind.PREFECTURE:
        raise DomainError(_("所属地区请选择一个州（市）。"), code="invalid_region", details={"field": "region"})
    return region


@transaction.atomic
def specialist_add(*, actor: User, person: Person, region: OrgUnit, expertise: str,
                   is_available: bool = True, availability_note: str = "") -> Specialist:
    _require_handler(actor)
    if Specialist.objects.filter(person=person).exists():
        raise Conflict(_("%(name)s已在问责业务人才库中。") % {"name": person.name}, code="duplicate",
                       details={"field": "person"})
    specialist = Specialist.objects.create(person=person, region=_region(region), expertise=_expertise(expertise),
                                           is_available=is_available,
                                           availability_note=(availability_note or "").strip()[:200])
    audit_record(actor=actor, action="accountability_specialist.added", obj=specialist,
                 after={"person": person.pk, "region": region.code, "expertise": specialist.expertise})
    return specialist


@transaction.atomic
def specialist_update(*, actor: User, specialist: Specialist, expected_version: int | None, region: OrgUnit,
                      expertise: str, is_available: bool, availability_note: str) -> Specialist:
    _require_handler(actor)
    values: dict[str, Any] = {"region_id": _region(region).pk, "expertise": _expertise(expertise),
                              "is_available": is_available, "availability_note": (availability_note or "").strip()[:200]}
    before = {k: getattr(specialist, k) for k in values if getattr(specialist, k) != values[k]}
    if not before:
        return specialist
    version = specialist.version if expected_version is None else expected_version
    after = {k: values[k] for k in before}
    if Specialist.objects.filter(pk=specialist.pk, version=version).update(
            **after, version=models.F("version") + 1, updated_at=clock.now()) != 1:
        raise Conflict(_("该人员信息已被他人修改。请刷新页面后重新填写。"), code="stale_version")
    for k, v in after.items():
        setattr(specialist, k, v)
    specialist.version = version + 1
    audit_record(actor=actor, action="accountability_specialist.updated", obj=specialist, before=before, after=after)
    return specialist


@transaction.atomic
def relation_declare(*, actor: User, specialist: Specialist, kind: str, name: str, person: Person | None = None,
                     unit: OrgUnit | None = None, start: dt.date | None = None,
                     end: dt.date | None = None) -> SpecialistRelation:
    """A relation the specialist declared (kin, a former superior or subordinate): what the org data cannot
    know. ``person`` when the relative is in the org data (their unit and posts are then known)."""
    _require_handler(actor)
    if kind not in RelationKind.values:
        raise DomainError(_("请选择关系。"), code="required", details={"field": "kind"})
    name = (person.name if person else (name or "")).strip()
    if not name:
        raise DomainError(_("请填写姓名。"), code="required", details={"field": "name"})
    if person is None and unit is None:
        raise DomainError(_("请选择对方的工作单位（或从组织信息中选择此人）。"), code="required", details={"field": "unit"})
    check_plausible_date(start, field="start", label=_("起始日期"))
    check_plausible_date(end, field="end", label=_("截止日期"))
    if start and end and end < start:
        raise DomainError(_("截止日期不能早于起始日期。"), code="date_order", details={"field": "end"})
    row = SpecialistRelation.objects.create(specialist=specialist, kind=kind, person=person, name=name[:50],
                                            unit=unit, start=start, end=end)
    audit_record(actor=actor, action="accountability_specialist.relation_declared", obj=row,
                 after={"specialist": specialist.pk, "kind": kind, "name": name, "person": person.pk if person else None,
                        "unit": unit.code if unit else None, "start": start, "end": end})
    return row


@transaction.atomic
def employment_declare(*, actor: User, specialist: Specialist, unit: OrgUnit, start: dt.date,
                       end: dt.date | None = None, position: str = "") -> PastEmployment:
    """Employment the specialist declared besides the tenures the org data has (``end``: the last day)."""
    _require_handler(actor)
    check_plausible_date(start, field="start", label=_("起始日期"))
    check_plausible_date(end, field="end", label=_("截止日期"))
    if end is not None and end < start:
        raise DomainError(_("截止日期不能早于起始日期。"), code="date_order", details={"field": "end"})
    row = PastEmployment.objects.create(specialist=specialist, unit=unit, start=start, end=end,
                                        position=(position or "").strip()[:100])
    audit_record(actor=actor, action="accountability_specialist.employment_declared", obj=row,
                 after={"specialist": specialist.pk, "unit": unit.code, "start": start, "end": end,
                        "position": row.position})
    return row


@transaction.atomic
def specialist_assign(*, actor: User, specialist: Specialist, kind: str, case: AccountabilityCase | None = None,
                      unit: OrgUnit | None = None, title: str = "", force: bool = False, approved_by: User | None = None,
                      reason: str = "", assigned_on: dt.date | None = None) -> Assignment:
    """Assign a specialist to a case's investigation or joint review, or to a special inspection of a unit.

    1. The specialist must be available and not already on the same work.
    2. The conflict rules run against the unit concerned (and, for a case, the problem's period). Any hit
       refuses the assignment — 409 ``conflict_of_interest`` with every reason — unless ``force``: then
       ``approved_by`` (a commission user other than the assigner) and ``reason`` are required and recorded.
    """
    _require_handler(actor)
    if kind not in AssignmentKind.values:
        raise DomainError(_("请选择抽调任务：问责调查、会审或专项检查。"), code="required", details={"field": "kind"})
    if kind in (AssignmentKind.INVESTIGATION, AssignmentKind.JOINT_REVIEW):
        if case is None:
            raise DomainError(_("问责调查和会审须选择案件。"), code="required", details={"field": "case"})
        if case.state == CaseState.CLOSED:
            raise Conflict(_("案件已结案，不能再抽调人员。"), code="wrong_state")
        unit = case.unit
        title = title.strip() or f"{case.number} {case.title}"
    elif unit is None:
        raise DomainError(_("专项检查请选择被检查单位。"), code="required", details={"field": "unit"})
    title = (title or "").strip()
    if not title:
        raise DomainError(_("请填写任务名称。"), code="required", details={"field": "title"})
    if not specialist.is_available:
        raise Conflict(_("%(name)s目前不能抽调（%(note)s）。") % {"name": specialist.person.name,
                                                          "note": specialist.availability_note or _("不可用")},
                       code="specialist_unavailable")
    assigned_on = assigned_on or clock.today()
    check_plausible_date(assigned_on, field="assigned_on", label=_("抽调日期"))
    found = conflicts_for([specialist], unit=unit, period=case.period if case else None, today=assigned_on)[specialist.pk]
    reason = (reason or "").strip()
    if found and not force:
        raise Conflict(
            _("%(name)s需要回避，不能抽调：%(reasons)s 如确需抽调，须经另一名纪委监委负责人批准并说明理由。")
            % {"name": specialist.person.name, "reasons": "".join(c.message for c in found)},
            code="conflict_of_interest", details={"conflicts": [c.as_json() for c in found]})
    if found and force:
        if approved_by is None or not approved_by.can_handle_accountability:
            raise DomainError(_("回避例外须由纪委监委的负责人批准：请选择批准人。"), code="approval_required",
                              details={"field": "approved_by", "conflicts": [c.as_json() for c in found]})
        if approved_by.pk == actor.pk:
            raise DomainError(_("批准人不能是抽调人本人。"), code="four_eyes", details={"field": "approved_by"})
        if not reason:
            raise DomainError(_("请说明回避例外的理由。"), code="required", details={"field": "reason"})
    try:
        with transaction.atomic():
            assignment = Assignment.objects.create(
                specialist=specialist, kind=kind, case=case, unit=unit, title=title[:200], assigned_by=actor,
                assigned_on=assigned_on, forced=bool(found and force), approved_by=approved_by if found else None,
                force_reason=reason if found else "", conflicts=[c.as_json() for c in found])
    except IntegrityError:
        raise Conflict(_("%(name)s已在本案的这项工作中。") % {"name": specialist.person.name},
                       code="already_assigned") from None
    if case is not None:
        AccountabilityCase.objects.filter(pk=case.pk).update(version=models.F("version") + 1, updated_at=clock.now())
        CaseEvent.objects.create(case=case, kind="assigned", on=assigned_on, at=clock.now(), actor=actor, params={
            "member": specialist.person.name, "task": kind,
            "forced": assignment.forced, "approved_by": str(approved_by) if assignment.forced else ""})
    audit_record(actor=actor, action="accountability_specialist.assigned", obj=assignment,
                 after={"specialist": specialist.pk, "kind": kind, "case": case.pk if case else None,
                        "unit": unit.code, "forced": assignment.forced,
                        "approved_by": approved_by.pk if assignment.forced and approved_by else None,
                        "reason": assignment.force_reason, "conflicts": [c.rule for c in found]})
    return assignment


@transaction.atomic
def assignment_end(*, actor: User, assignment: Assignment, ended_on: dt.date | None = None) -> Assignment:
    _require_handler(actor)
    ended_on = ended_on or clock.today()
    if ended_on < assignment.assigned_on:
        raise DomainError(_("结束日期不能早于抽调日期。"), code="date_order", details={"field": "ended_on"})
    if Assignment.objects.filter(pk=assignment.pk, ended_on__isnull=True).update(ended_on=ended_on,
                                                                                 updated_at=clock.now()) != 1:
        raise Conflict(_("该抽调已经结束。"), code="already_ended")
    assignment.ended_on = ended_on
    audit_record(actor=actor, action="accountability_specialist.released", obj=assignment,
                 after={"ended_on": ended_on})
    return assignment
