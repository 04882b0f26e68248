"""Writes to rounds, inspected units, problems and clues."""

from __future__ import annotations

import datetime as dt
import unicodedata

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from rectify.accounts.models import User
from rectify.audit.services import audit_record
from rectify.core import clock
from rectify.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from rectify.inspections import selectors as inspection_selectors
from rectify.inspections.models import (
    PROBLEM_NUMBER_MAX,
    Clue,
    ClueDisposition,
    InspectedUnit,
    InspectionRound,
    InspectionTeam,
    Problem,
    ProblemCategory,
    ProblemKind,
)
from rectify.orgs.models import OrgUnit


@transaction.atomic
def inspected_unit_add(
    *, actor: object | None, round: InspectionRound, unit: OrgUnit, feedback_date: dt.date,
    team: InspectionTeam | None = None,
) -> InspectedUnit:
    if feedback_date < round.start_date:
        raise DomainError(_("反馈日期不能早于巡视进驻日期。"), code="feedback_before_start",
                          details={"field": "feedback_date"})
    if InspectedUnit.objects.filter(round=round, unit=unit).exists():
        raise DomainError(_("“%(unit)s”已在本轮巡视的被巡视单位中。") % {"unit": unit}, code="duplicate_inspected_unit")
    inspected = InspectedUnit.objects.create(round=round, unit=unit, feedback_date=feedback_date, team=team)
    audit_record(actor=actor, action="inspected_unit.added", obj=inspected,
                 after={"round": round.code, "unit": unit.code, "feedback_date": feedback_date})
    return inspected


# === Problems (fed back and self-found) and clues ================================================
# Fed-back problems are entered by the inspection office or the commission; a unit lead adds only
# its own self-found problems. Clues are the commission's alone (rule 12).

PROBLEM_ORDINAL_MAX_DIGITS = 6  # a plain ordinal beyond this (序号 99999999999999999999) is a typo, not a number


def _invalid(message: str, *, code: str, field: str) -> DomainError:
    return DomainError(message, code=code, details={"field": field}).with_status(422)


def _in_scope(actor: User | None, inspected_unit: InspectedUnit) -> bool:
    if actor is None:
        return True
    return inspection_selectors.inspected_units_for(user=actor).filter(pk=inspected_unit.pk).exists()


def _require_can_write_problem(actor: User | None, *, kind: str, inspected_unit: InspectedUnit) -> None:
    """Fed-back problems: office and commission (or the CLI operator). Self-found: also the unit's lead.
    Out-of-scope units are 404 for everyone."""
    if not _in_scope(actor, inspected_unit):
        raise NotFound(_("未找到该被巡视单位，或您无权查看。"))
    if actor is None or actor.can_enter_feedback:
        return
    if kind == ProblemKind.SELF_FOUND and actor.can_add_self_found_problem:
        return
    if actor.can_add_self_found_problem:
        raise PermissionDenied(_("反馈问题由巡视办或纪委监委录入；本单位只能新增自查问题。"), code="feedback_only_office")
    raise PermissionDenied(_("您没有录入问题的权限。"))


def _clean_number(number: str | None, *, inspected_unit: InspectedUnit, exclude_pk: int | None = None) -> str:
    """The unit's own identifier as written, checked; the next free ordinal when none is given."""
    taken = Problem.objects.filter(inspected_unit=inspected_unit)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    text = (number or "").strip()
    if not text:
        ordinals = [int(n) for n in taken.values_list("number", flat=True) if n.isascii() and n.isdigit()]
        return str(max(ordinals, default=0) + 1)
    if len(text) > PROBLEM_NUMBER_MAX:
        raise _invalid(_("问题序号“%(number)s…”超过 %(max)d 个字符，请改用简短的编号（如 12、P01、XS-2021-03）。")
                       % {"number": text[:PROBLEM_NUMBER_MAX], "max": PROBLEM_NUMBER_MAX},
                       code="number_too_long", field="number")
    digits = unicodedata.normalize("NFKC", text)
    if digits.isascii() and digits.isdigit() and len(digits.lstrip("0") or "0") > PROBLEM_ORDINAL_MAX_DIGITS:
        raise _invalid(_("问题序号“%(number)s”不是有效的序号（纯数字序号不能超过 %(max)d 位），请检查是否误填。")
                       % {"number": text, "max": PROBLEM_ORDINAL_MAX_DIGITS}, code="number_too_large", field="number")
    if taken.filter(number=text).exists():
        raise Conflict(_("本单位已有序号为“%(number)s”的问题，请换一个序号，或留空由系统自动编号。") % {"number": text},
                       code="duplicate_number", details={"field": "number"})
    return text


def _clean_category(category: ProblemCategory | str | None) -> ProblemCategory | None:
    if category is None or category == "":
        return None
    if isinstance(category, ProblemCategory):
        return category
    found = ProblemCategory.objects.filter(code=str(category).strip()).first()
    if found is None:
        raise _invalid(_("问题类别“%(code)s”不在问题类别目录中，请从目录中选择。") % {"code": category},
                       code="unknown_category", field="category")
    return found


def _clean_period(occurred_from: dt.date | None, occurred_to: dt.date | None) -> None:
    today = clock.today()
    if occurred_from and occurred_from > today:
        raise _invalid(_("问题发生起始日期不能晚于今天。"), code="date_in_future", field="occurred_from")
    if occurred_to and occurred_to > today:
        raise _invalid(_("问题发生截止日期不能晚于今天。"), code="date_in_future", field="occurred_to")
    if occurred_from and occurred_to and occurred_to < occurred_from:
        raise _invalid(_("问题发生截止日期不能早于起始日期。"), code="period_reversed", field="occurred_to")


def _clean_description(description: str) -> str:
    text = (description or "").strip()
    if not text:
        raise _invalid(_("请填写问题描述（反馈问题）。"), code="description_required", field="description")
    return text


def _problem_state(p: Problem) -> dict[str, object]:
    return {
        "number": p.number, "kind": p.kind, "category": p.category.code if p.category_id else None,
        "description": p.description, "detail": p.detail, "occurred_from": p.occurred_from,
        "occurred_to": p.occurred_to, "is_common": p.is_common,
    }


@transaction.atomic
def problem_create(
    *, actor: User | None, inspected_unit: InspectedUnit, number: str | None = None, description: str,
    kind: str = ProblemKind.FEEDBACK, category: ProblemCategory | str | None = None,
    occurred_from: dt.date | None = None, occurred_to: dt.date | None = None, is_common: bool = False,
    detail: str = "",
) -> Problem:
    """Enter one problem of a unit's problem list: fed back by the inspectors, or found by the unit itself."""
    if kind not in ProblemKind.values:
        raise _invalid(_("问题来源只能是“反馈问题”或“自查问题”。"), code="invalid_kind", field="kind")
    _require_can_write_problem(actor, kind=kind, inspected_unit=inspected_unit)
    # Checked in the order the form shows the fields, so the first error is the topmost one.
    checked_number = _clean_number(number, inspected_unit=inspected_unit)
    problem = Problem(
        inspected_unit=inspected_unit, kind=kind, category=_clean_category(category),
        description=_clean_description(description), detail=(detail or "").strip(), occurred_from=occurred_from,
        occurred_to=occurred_to, is_common=bool(is_common),
    )
    _clean_period(occurred_from, occurred_to)
    problem.set_number(checked_number)
    problem.save()
    audit_record(actor=actor, action="problem.created", obj=problem, after=_problem_state(problem))
    return problem


_UNSET: object = object()


@transaction.atomic
def problem_update(
    *, actor: User | None, problem_id: int, expected_version: int, number: object = _UNSET,
    description: object = _UNSET, category: object = _UNSET, occurred_from: object = _UNSET,
    occurred_to: object = _UNSET, is_common: object = _UNSET, detail: object = _UNSET,
) -> Problem:
    """Edit a problem's entry; only the fields given change. A fed-back problem's text is the office's and
    the commission's to edit; a unit lead edits only its own self-found problems. Stale version → 409."""
    scope = Problem.objects.all() if actor is None else inspection_selectors.problems_in_scope(user=actor)
    try:
        problem = scope.select_related("category", "inspected_unit").get(pk=problem_id)
    except Problem.DoesNotExist:
        raise NotFound(_("未找到该问题，或您无权查看。")) from None
    if actor is not None and not actor.can_enter_feedback:
        if problem.kind == ProblemKind.FEEDBACK and actor.can_add_self_found_problem:
            raise PermissionDenied(_("反馈问题的内容由巡视办或纪委监委修改；本单位只能修改自查问题。"),
                                   code="feedback_only_office")
        _require_can_write_problem(actor, kind=problem.kind, inspected_unit=problem.inspected_unit)
    before = _problem_state(problem)
    if number is not _UNSET:
        problem.set_number(_clean_number(number, inspected_unit=problem.inspected_unit,  # type: ignore[arg-type]
                                         exclude_pk=problem.pk))
    if description is not _UNSET:
        problem.description = _clean_description(description)  # type: ignore[arg-type]
    if detail is not _UNSET:
        problem.detail = (detail or "").strip()  # type: ignore[union-attr]
    if category is not _UNSET:
        problem.category = _clean_category(category)  # type: ignore[arg-type]
    if occurred_from is not _UNSET:
        problem.occurred_from = occurred_from  # type: ignore[assignment]
    if occurred_to is not _UNSET:
        problem.occurred_to = occurred_to  # type: ignore[assignment]
    if is_common is not _UNSET:
        problem.is_common = bool(is_common)
    _clean_period(problem.occurred_from, problem.occurred_to)
    after = _problem_state(problem)
    updated = Problem.objects.filter(pk=problem.pk, version=expected_version).update(
        number=problem.number, sort_key=problem.sort_key, description=problem.description, detail=problem.detail,
        category=problem.category, occurred_from=problem.occurred_from, occurred_to=problem.occurred_to,
        is_common=problem.is_common, version=F("version") + 1, updated_at=clock.now(),
    )
    if updated != 1:
        raise Conflict(_("该问题已被他人修改，请刷新页面后重新编辑。"), code="stale_version", details={"problem": problem.pk})
    problem.version = expected_version + 1
    audit_record(actor=actor, action="problem.updated", obj=problem, before=before,
                 after={k: v for k, v in after.items() if before.get(k) != v} | {"version": problem.version})
    return problem


# --- clues (commission only) ---------------------------------------------------------------------

def _require_clue_manager(actor: User | None) -> None:
    if actor is not None and not actor.can_manage_clues:
        raise PermissionDenied(_("问题线索由纪委监委监督检查室登记和办理。"), code="clues_commission_only")


def _clue_for_update(actor: User | None, clue_id: int) -> Clue:
    _require_clue_manager(actor)
    scope = Clue.objects.all() if actor is None else inspection_selectors.clues_for(user=actor)
    try:
        return scope.select_related("inspected_unit", "problem").get(pk=clue_id)
    except Clue.DoesNotExist:
        raise NotFound(_("未找到该问题线索，或您无权查看。")) from None


def _clue_state(c: Clue) -> dict[str, object]:
    return {
        "number": c.number, "summary": c.summary, "problem": c.problem_id, "registered_on": c.registered_on,
        "handed_to": c.handed_to, "handed_over_on": c.handed_over_on, "disposition": c.disposition,
        "feedback_on": c.feedback_on, "result": c.result,
    }


def _not_in_future(day: dt.date | None, *, field: str, label: str) -> None:
    if day and day > clock.today():
        raise _invalid(_("%(label)s不能晚于今天。") % {"label": label}, code="date_in_future", field=field)


def _save_clue(clue: Clue, *, expected_version: int, fields: dict[str, object]) -> None:
    updated = Clue.objects.filter(pk=clue.pk, version=expected_version).update(
        **fields, version=F("version") + 1, updated_at=clock.now())
    if updated != 1:
        raise Conflict(_("该问题线索已被他人更新，请刷新页面后重试。"), code="stale_version", details={"clue": clue.pk})
    for name, value in fields.items():
        setattr(clue, name, value)
    clue.version = expected_version + 1


@transaction.atomic
def clue_register(
    *, actor: User | None, inspected_unit: InspectedUnit, number: str, summary: str,
    problem: Problem | None = None, registered_on: dt.date | None = None,
) -> Clue:
    """Register a clue found in the inspection; it is handed over later."""
    _require_clue_manager(actor)
    if actor is not None and not inspection_selectors.inspected_units_for(user=actor).filter(
            pk=inspected_unit.pk).exists():
        raise NotFound(_("未找到该被巡视单位，或您无权查看。"))
    number = (number or "").strip()
    if not number:
        raise _invalid(_("请填写线索编号。"), code="number_required", field="number")
    if len(number) > Clue._meta.get_field("number").max_length:
        raise _invalid(_("线索编号不能超过 40 个字符。"), code="number_too_long", field="number")
    summary = (summary or "").strip()
    if not summary:
        raise _invalid(_("请填写线索摘要。"), code="summary_required", field="summary")
    if problem is not None and problem.inspected_unit_id != inspected_unit.pk:
        raise _invalid(_("相关问题须是该被巡视单位的问题。"), code="problem_other_unit", field="problem")
    registered_on = registered_on or clock.today()
    _not_in_future(registered_on, field="registered_on", label=_("登记日期"))
    if Clue.objects.filter(number=number).exists():
        raise Conflict(_("线索编号“%(number)s”已被使用，请换一个编号。") % {"number": number},
                       code="duplicate_number", details={"field": "number"})
    clue = Clue.objects.create(inspected_unit=inspected_unit, problem=problem, number=number, summary=summary,
                               registered_on=registered_on)
    audit_record(actor=actor, action="clue.registered", obj=clue, after=_clue_state(clue))
    return clue


@transaction.atomic
def clue_hand_over(
    *, actor: User | None, clue_id: int, handed_to: str, handed_over_on: dt.date, expected_version: int,
) -> Clue:
    """Record to whom and when the clue was handed over; the 3-month wait for results starts here."""
    clue = _clue_for_update(actor, clue_id)
    handed_to = (handed_to or "").strip()
    if not handed_to:
        raise _invalid(_("请填写线索移交给哪个单位或部门。"), code="handed_to_required", field="handed_to")
    if len(handed_to) > Clue._meta.get_field("handed_to").max_length:
        raise _invalid(_("移交单位不能超过 100 个字符。"), code="handed_to_too_long", field="handed_to")
    if handed_over_on is None:
        raise _invalid(_("请填写移交日期。"), code="date_required", field="handed_over_on")
    _not_in_future(handed_over_on, field="handed_over_on", label=_("移交日期"))
    if clue.registered_on and handed_over_on < clue.registered_on:
        raise _invalid(_("移交日期不能早于登记日期（%(date)s）。") % {"date": clue.registered_on.isoformat()},
                       code="hand_over_before_registration", field="handed_over_on")
    if clue.feedback_on and handed_over_on > clue.feedback_on:
        raise _invalid(_("移交日期不能晚于办理结果反馈日期。"), code="hand_over_after_results", field="handed_over_on")
    before = _clue_state(clue)
    _save_clue(clue, expected_version=expected_version,
               fields={"handed_to": handed_to, "handed_over_on": handed_over_on})
    audit_record(actor=actor, action="clue.handed_over", obj=clue, before=before, after=_clue_state(clue))
    return clue


@transaction.atomic
def clue_record_disposition(*, actor: User | None, clue_id: int, disposition: str, expected_version: int) -> Clue:
    """谈话函询 / 初步核实 / 暂存待查 / 予以了结."""
    clue = _clue_for_update(actor, clue_id)
    if disposition not in ClueDisposition.values:
        raise _invalid(_("处置方式只能是谈话函询、初步核实、暂存待查或予以了结。"), code="invalid_disposition",
                       field="disposition")
    if clue.handed_over_on is None:
        raise Conflict(_("该线索尚未移交，请先登记移交情况，再记录处置方式。"), code="not_handed_over")
    before = _clue_state(clue)
    _save_clue(clue, expected_version=expected_version, fields={"disposition": disposition})
    audit_record(actor=actor, action="clue.disposition_recorded", obj=clue, before=before, after=_clue_state(clue))
    return clue


@transaction.atomic
def clue_record_results(
    *, actor: User | None, clue_id: int, feedback_on: dt.date, result: str, expected_version: int,
) -> Clue:
    """The date the handling results came back and what they were; this ends the 3-month alert."""
    clue = _clue_for_update(actor, clue_id)
    if clue.handed_over_on is None:
        raise Conflict(_("该线索尚未移交，不能记录办理结果。"), code="not_handed_over")
    if feedback_on is None:
        raise _invalid(_("请填写办理结果反馈日期。"), code="date_required", field="feedback_on")
    _not_in_future(feedback_on, field="feedback_on", label=_("办理结果反馈日期"))
    if feedback_on < clue.handed_over_on:
        raise _invalid(_("办理结果反馈日期不能早于移交日期（%(date)s）。") % {"date": clue.handed_over_on.isoformat()},
                       code="results_before_hand_over", field="feedback_on")
    result = (result or "").strip()
    if not result:
        raise _invalid(_("请填写办理结果。"), code="result_required", field="result")
    before = _clue_state(clue)
    _save_clue(clue, expected_version=expected_version, fields={"feedback_on": feedback_on, "result": result})
    audit_record(actor=actor, action="clue.results_recorded", obj=clue, before=before, after=_clue_state(clue))
    return clue
