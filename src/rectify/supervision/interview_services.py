"""Writes of interviews (约谈) and reminder talks (谈话提醒): schedule a session with its units, the problems
named and the participants picked from the candidates; record attendance and minutes; agree follow-up tasks,
which enter the unit's ledger through rectification's services.

A reminder talk is recorded as a first-form measure (第一种形态), never as an accountability form: nothing here
touches accountability."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from rectify.accounts.models import User
from rectify.audit.services import audit_record
from rectify.core import clock
from rectify.core.dates import check_plausible_date
from rectify.core.errors import Conflict, DomainError
from rectify.inspections import selectors as inspection_selectors
from rectify.rectification import services as rectification_services
from rectify.supervision import interview_selectors
from rectify.supervision.models import (
    InterviewFollowUp,
    InterviewKind,
    InterviewParticipant,
    InterviewSession,
    InterviewUnit,
)
from rectify.supervision.redflag_selectors import require_supervisor

TEXT_MAX = 200


def _invalid(message: str, field: str) -> DomainError:
    return DomainError(message, code="invalid", details={"field": field})


@transaction.atomic
def interview_schedule(*, actor: User, round_code: str, kind: str, title: str, held_on: dt.date, place: str = "",
                       convened_by: str = "", units: Iterable[dict[str, Any]]) -> InterviewSession:
    """Schedule a session. ``units``: [{"unit": code, "problems": [ids] | None, "participants": [tenure ids]}];
    each participant must be one of that unit's candidates for those problems (``interview_candidates_for``)."""
    require_supervisor(actor)
    if kind not in InterviewKind.values:
        raise _invalid(_("方式只能是约谈或谈话提醒。"), "kind")
    title = (title or "").strip()
    if not title:
        raise _invalid(_("请填写约谈名称。"), "title")
    if len(title) > TEXT_MAX or len(place or "") > TEXT_MAX or len(convened_by or "") > TEXT_MAX:
        raise _invalid(_("名称、地点、约谈人均不能超过 %(n)d 个字。") % {"n": TEXT_MAX}, "title")
    if held_on is None:
        raise _invalid(_("请填写约谈日期。"), "held_on")
    check_plausible_date(held_on, field="held_on", label=_("约谈日期"))
    units = list(units)
    if not units:
        raise _invalid(_("请至少选择一个被约谈单位。"), "units")
    rnd = inspection_selectors.round_get_for(user=actor, code=round_code)
    session = InterviewSession.objects.create(
        round=rnd, kind=kind, title=title, held_on=held_on, place=(place or "").strip(),
        convened_by=(convened_by or "").strip(), created_by=actor, created_at=clock.now())
    seen: set[str] = set()
    summary = []
    for entry in units:
        code = str(entry.get("unit") or "")
        if code in seen:
            raise _invalid(_("单位“%(unit)s”重复。") % {"unit": code}, "units")
        seen.add(code)
        problem_ids = entry.get("problems")
        iu, candidates = interview_selectors.interview_candidates_for(
            user=actor, round_code=round_code, unit_code=code, problem_ids=list(problem_ids) if problem_ids else None)
        by_tenure = {c.tenure.pk: c for c in candidates}
        picked = [int(t) for t in entry.get("participants") or []]
        if not picked:
            raise _invalid(_("请为单位“%(unit)s”选择至少一名约谈对象。") % {"unit": iu.unit.label}, "participants")
        unknown = [t for t in picked if t not in by_tenure]
        if unknown:
            raise _invalid(_("所选人员不在单位“%(unit)s”的约谈对象建议名单中（须为现任主要负责人，或任期与问题发生期间重叠的"
                             "主要负责人、分管领导）。") % {"unit": iu.unit.label}, "participants")
        interview_unit = InterviewUnit.objects.create(session=session, inspected_unit=iu)
        if problem_ids:
            interview_unit.problems.set(problem_ids)
        InterviewParticipant.objects.bulk_create([
            InterviewParticipant(unit=interview_unit, tenure=c.tenure, name=c.name, post=c.post, current=c.current,
                                 overlap_days=c.overlap_days, problems=c.problems)
            for c in (by_tenure[t] for t in dict.fromkeys(picked))])
        summary.append({"unit": code, "problems": problem_ids or [], "participants": picked})
    audit_record(actor=actor, action="interview.scheduled", obj=session,
                 after={"round": rnd.code, "kind": kind, "title": title, "held_on": held_on, "units": summary})
    return session


@transaction.atomic
def interview_record(*, actor: User, session_id: int, expected_version: int, minutes: str,
                     attendance: dict[int, bool], absence_reasons: dict[int, str] | None = None) -> InterviewSession:
    """Record what happened: the minutes and who attended (an absence may carry a reason)."""
    session = interview_selectors.session_get_for(user=actor, session_id=session_id)
    participants = {p.pk: p for u in session.units.all() for p in u.participants.all()}
    unknown = set(attendance) - set(participants)
    if unknown:
        raise _invalid(_("出席记录中有不属于本次约谈的人员。"), "attendance")
    updated = InterviewSession.objects.filter(pk=session.pk, version=expected_version).update(
        minutes=(minutes or "").strip(), version=models.F("version") + 1)
    if updated != 1:
        raise Conflict(_("该约谈记录已被他人修改，请刷新页面后重试。"), code="stale_version")
    changed = []
    for pk, attended in attendance.items():
        p = participants[pk]
        p.attended = bool(attended)
        p.absence_reason = "" if attended else ((absence_reasons or {}).get(pk) or "").strip()[:TEXT_MAX]
        changed.append(p)
    InterviewParticipant.objects.bulk_update(changed, ["attended", "absence_reason"])
    session.refresh_from_db()
    audit_record(actor=actor, action="interview.recorded", obj=session,
                 after={"minutes": session.minutes, "attendance": {str(k): v for k, v in attendance.items()}})
    return session


@transaction.atomic
def interview_add_follow_up(*, actor: User, session_id: int, problem_id: int, measure: str, criterion: str,
                            deadline_kind: str, due_date: dt.date | None) -> InterviewFollowUp:
    """A follow-up task agreed in the session for one of its units' problems: it enters the unit's ledger."""
    session = interview_selectors.session_get_for(user=actor, session_id=session_id)
    unit = next((u for u in session.units.all()
                 if u.inspected_unit.problems.filter(pk=problem_id).exists()), None)
    if unit is None:
        raise _invalid(_("所选问题不属于本次约谈的被约谈单位。"), "problem")
    task = rectification_services.task_create_follow_up(
        actor=actor, problem_id=problem_id, measure=measure, criterion=criterion, deadline_kind=deadline_kind,
        due_date=due_date, source=f"interview:{session.pk}")
    follow_up = InterviewFollowUp.objects.create(unit=unit, task=task)
    audit_record(actor=actor, action="interview.follow_up_added", obj=session,
                 after={"task": task.pk, "problem": problem_id})
    return follow_up
