"""Writes to rounds, inspected units, problems and clues."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from rectify.accounts.models import User
from rectify.audit.services import audit_record
from rectify.core import clock
from rectify.core.dates import check_plausible_date
from rectify.core.errors import Conflict, DomainError, NotFound, PermissionDenied
from rectify.core.identifiers import ORDINAL_DIGITS_MAX, identifier_key, parse_identifier
from rectify.inspections import selectors as inspection_selectors
from rectify.inspections.models import (
    PROBLEM_COUNTS,
    PROBLEM_NUMBER_MAX,
    Clue,
    ClueDisposition,
    InspectedUnit,
    InspectionRound,
    InspectionTeam,
    Problem,
    ProblemCategory,
    ProblemCount,
    ProblemKind,
    RoundKind,
    RoundLevel,
)
from rectify.orgs.models import UNIT_CODE_VALIDATOR, OrgKind, OrgUnit, Person

# --- rounds, teams and inspected units ---------------------------------------------
#
# Every write here: the caller must be able to manage rounds (inspection office, commission), or be
# the local operator of the command line (``actor`` None, or the unsaved ``cli_operator()`` that
# other services pass on); one transaction; one audit event; updates take the version the user saw.

POLICY_LIMITS = {  # field: (minimum, maximum)
    "yellow_days": (0, 365),
    "notice_days": (0, 365),
    "rectification_months": (1, 36),
    "report_months": (1, 36),
}
RESERVED_ROUND_CODES = frozenset({"new"})  # path segments of the round pages
TEAM_NAME_MAX = InspectionTeam._meta.get_field("name").max_length


def _is_operator(actor: Any) -> bool:
    """The command line's operator: no actor, or the unsaved ``accounts.services.cli_operator()``."""
    return actor is None or getattr(actor, "pk", None) is None


def _require_round_manager(actor: Any) -> None:
    if _is_operator(actor):
        return
    if not (actor.is_active and actor.can_manage_rounds):
        raise PermissionDenied(_("只有巡视办或纪委监委人员可以管理巡视轮次、巡视组和被巡视单位。"))


def _audit_actor(actor: Any) -> Any:
    if actor is None:
        from rectify.accounts.services import cli_operator

        return cli_operator()
    return actor


def _round_snapshot(rnd: InspectionRound) -> dict[str, Any]:
    return {"code": rnd.code, "name": rnd.name, "kind": rnd.kind, "level": rnd.level,
            "start_date": rnd.start_date, "end_date": rnd.end_date,
            "look_back_of": rnd.look_back_of.code if rnd.look_back_of_id else None,
            **{f: getattr(rnd, f) for f in POLICY_LIMITS}}


def _validate_round(
    *, code: str, name: str, kind: str, level: str, start_date: dt.date, end_date: dt.date | None,
    look_back_of: InspectionRound | None, policy: dict[str, int], pk: int | None = None,
) -> None:
    """Why these round values cannot be saved, as a DomainError naming the form field."""
    code_max = InspectionRound._meta.get_field("code").max_length
    if not code or len(code) > code_max:
        raise DomainError(_("轮次编码须为1至%(max)s个字符。") % {"max": code_max}, code="bad_code",
                          details={"field": "code"})
    try:
        UNIT_CODE_VALIDATOR(code)
    except ValidationError:
        raise DomainError(_("轮次编码只能由字母、数字、短横线（-）、下划线（_）和点（.）组成，并以字母或数字开头。"),
                          code="bad_code", details={"field": "code"}) from None
    if code.lower() in RESERVED_ROUND_CODES:
        raise DomainError(_("“%(code)s”是系统保留字，不能用作轮次编码。") % {"code": code}, code="bad_code",
                          details={"field": "code"})
    name_max = InspectionRound._meta.get_field("name").max_length
    if not name or len(name) > name_max:
        raise DomainError(_("请填写轮次名称（不超过%(max)s个字）。") % {"max": name_max}, code="bad_name",
                          details={"field": "name"})
    if kind not in RoundKind.values:
        raise DomainError(_("巡视类型“%(kind)s”不存在，可选：%(kinds)s。")
                          % {"kind": kind, "kinds": "、".join(RoundKind.values)}, code="bad_kind",
                          details={"field": "kind"})
    if level not in RoundLevel.values:
        raise DomainError(_("层级“%(level)s”不存在，可选：%(levels)s。")
                          % {"level": level, "levels": "、".join(RoundLevel.values)}, code="bad_level",
                          details={"field": "level"})
    check_plausible_date(start_date, field="start_date", label=_("进驻日期"))
    check_plausible_date(end_date, field="end_date", label=_("结束日期"))
    if end_date is not None and end_date < start_date:
        raise DomainError(_("结束日期不能早于进驻日期。"), code="end_before_start", details={"field": "end_date"})
    if look_back_of is not None:
        if pk is not None and look_back_of.pk == pk:
            raise DomainError(_("“回头看”对应的轮次不能是本轮次自身。"), code="look_back_of_self",
                              details={"field": "look_back_of"})
        if look_back_of.start_date >= start_date:
            raise DomainError(_("“回头看”对应的轮次“%(name)s”必须早于本轮次进驻日期。") % {"name": look_back_of.name},
                              code="look_back_of_later", details={"field": "look_back_of"})
    for field, (low, high) in POLICY_LIMITS.items():
        value = policy[field]
        if not isinstance(value, int) or not low <= value <= high:
            label = InspectionRound._meta.get_field(field).verbose_name
            raise DomainError(_("“%(label)s”须为%(low)s至%(high)s之间的整数。") % {"label": label, "low": low,
                                                                                "high": high},
                              code="bad_policy", details={"field": field})
    if policy["notice_days"] < policy["yellow_days"]:
        raise DomainError(_("提醒天数不能少于黄灯预警天数（先提醒，后亮黄灯）。"), code="bad_policy",
                          details={"field": "notice_days"})
    taken = InspectionRound.objects.filter(code__iexact=code).exclude(pk=pk).values_list("code", flat=True).first()
    if taken is not None:  # codes are typed into URLs and commands: W-1 and w-1 would be confused
        raise Conflict(_("轮次编码“%(code)s”已存在，请换一个编码。") % {"code": taken}, code="duplicate_code",
                       details={"field": "code"})


def _policy(rnd: InspectionRound | None, given: dict[str, int | None]) -> dict[str, int]:
    """The policy values to store: what was given, else the round's current value, else the default."""
    out = {}
    for field in POLICY_LIMITS:
        value = given.get(field)
        if value is None:
            value = getattr(rnd, field) if rnd is not None else InspectionRound._meta.get_field(field).get_default()
        out[field] = value
    return out


@transaction.atomic
def round_create(
    *, actor: Any, code: str, name: str, kind: str, level: str, start_date: dt.date,
    end_date: dt.date | None = None, look_back_of: InspectionRound | None = None,
    yellow_days: int | None = None, notice_days: int | None = None,
    rectification_months: int | None = None, report_months: int | None = None,
) -> InspectionRound:
    """Create a round; the policy fields left as None take the configured defaults."""
    _require_round_manager(actor)
    code, name = (code or "").strip(), (name or "").strip()
    policy = _policy(None, {"yellow_days": yellow_days, "notice_days": notice_days,
                            "rectification_months": rectification_months, "report_months": report_months})
    _validate_round(code=code, name=name, kind=kind, level=level, start_date=start_date, end_date=end_date,
                    look_back_of=look_back_of, policy=policy)
    rnd = InspectionRound.objects.create(code=code, name=name, kind=kind, level=level, start_date=start_date,
                                         end_date=end_date, look_back_of=look_back_of, **policy)
    audit_record(actor=_audit_actor(actor), action="round.created", obj=rnd, after=_round_snapshot(rnd))
    return rnd


@transaction.atomic
def round_update(
    *, actor: Any, round: InspectionRound, expected_version: int, code: str, name: str, kind: str, level: str,
    start_date: dt.date, end_date: dt.date | None = None, look_back_of: InspectionRound | None = None,
    yellow_days: int | None = None, notice_days: int | None = None,
    rectification_months: int | None = None, report_months: int | None = None,
) -> InspectionRound:
    """Change a round as the user saw it at ``expected_version``; a stale version is a Conflict."""
    _require_round_manager(actor)
    code, name = (code or "").strip(), (name or "").strip()
    policy = _policy(round, {"yellow_days": yellow_days, "notice_days": notice_days,
                             "rectification_months": rectification_months, "report_months": report_months})
    _validate_round(code=code, name=name, kind=kind, level=level, start_date=start_date, end_date=end_date,
                    look_back_of=look_back_of, policy=policy, pk=round.pk)
    if look_back_of is not None and look_back_of.look_back_of_id == round.pk:
        raise DomainError(_("“%(name)s”本身就是本轮次的“回头看”，不能互相对应。") % {"name": look_back_of.name},
                          code="look_back_cycle", details={"field": "look_back_of"})
    earliest = InspectedUnit.objects.filter(round=round).aggregate(first=models.Min("feedback_date"))["first"]
    if earliest is not None and start_date > earliest:
        raise DomainError(_("本轮已有单位的反馈日期为 %(date)s，进驻日期不能晚于它。") % {"date": f"{earliest:%Y-%m-%d}"},
                          code="feedback_before_start", details={"field": "start_date"})
    before = _round_snapshot(round)
    values = {"code": code, "name": name, "kind": kind, "level": level, "start_date": start_date,
              "end_date": end_date, "look_back_of": look_back_of, **policy}
    updated = InspectionRound.objects.filter(pk=round.pk, version=expected_version).update(
        version=models.F("version") + 1, updated_at=clock.now(), **values)
    if not updated:
        raise Conflict(_("该巡视轮次已被他人修改，请刷新页面后重新编辑。"), code="stale_version",
                       details={"round": round.code})
    round.refresh_from_db()
    audit_record(actor=_audit_actor(actor), action="round.updated", obj=round, before=before,
                 after=_round_snapshot(round))
    return round


def _team_snapshot(team: InspectionTeam, members: Iterable[Person]) -> dict[str, Any]:
    return {"round": team.round.code, "name": team.name, "leader": team.leader_id,
            "members": sorted(p.pk for p in members)}


def _validate_team(*, round: InspectionRound, name: str, leader: Person | None, members: list[Person],
                   pk: int | None = None) -> list[Person]:
    if not name or len(name) > TEAM_NAME_MAX:
        raise DomainError(_("请填写巡视组名称（不超过%(max)s个字）。") % {"max": TEAM_NAME_MAX}, code="bad_name",
                          details={"field": "name"})
    if InspectionTeam.objects.filter(round=round, name=name).exclude(pk=pk).exists():
        raise Conflict(_("本轮次已有名为“%(name)s”的巡视组，请换一个名称。") % {"name": name},
                       code="duplicate_team", details={"field": "name"})
    unique = {p.pk: p for p in members if leader is None or p.pk != leader.pk}
    return list(unique.values())


@transaction.atomic
def team_create(
    *, actor: Any, round: InspectionRound, name: str, leader: Person | None = None,
    members: Iterable[Person] = (),
) -> InspectionTeam:
    """A team of the round: a leader and members (people from the org tree; the leader is not a member)."""
    _require_round_manager(actor)
    name = (name or "").strip()
    people = _validate_team(round=round, name=name, leader=leader, members=list(members))
    team = InspectionTeam.objects.create(round=round, name=name, leader=leader)
    team.members.set(people)
    audit_record(actor=_audit_actor(actor), action="team.created", obj=team, after=_team_snapshot(team, people))
    return team


@transaction.atomic
def team_update(
    *, actor: Any, team: InspectionTeam, expected_updated_at: dt.datetime, name: str,
    leader: Person | None = None, members: Iterable[Person] = (),
) -> InspectionTeam:
    """Rename a team and set its leader and members. Teams carry no version column, so the time of the
    last change the user saw (``updated_at``) is the optimistic lock."""
    _require_round_manager(actor)
    name = (name or "").strip()
    people = _validate_team(round=team.round, name=name, leader=leader, members=list(members), pk=team.pk)
    before = _team_snapshot(team, team.members.all())
    updated = InspectionTeam.objects.filter(pk=team.pk, updated_at=expected_updated_at).update(
        name=name, leader=leader, updated_at=clock.now())
    if not updated:
        raise Conflict(_("该巡视组已被他人修改，请刷新页面后重新编辑。"), code="stale_version",
                       details={"team": team.pk})
    team.refresh_from_db()
    team.members.set(people)
    audit_record(actor=_audit_actor(actor), action="team.updated", obj=team, before=before,
                 after=_team_snapshot(team, people))
    return team


def _check_inspected_unit(*, round: InspectionRound, feedback_date: dt.date, team: InspectionTeam | None) -> None:
    check_plausible_date(feedback_date, field="feedback_date", label=_("反馈日期"))
    if feedback_date < round.start_date:
        raise DomainError(_("反馈日期不能早于巡视进驻日期（%(date)s）。") % {"date": f"{round.start_date:%Y-%m-%d}"},
                          code="feedback_before_start", details={"field": "feedback_date"})
    if team is not None and team.round_id != round.pk:
        raise DomainError(_("巡视组“%(team)s”不属于本轮次。") % {"team": team.name}, code="team_not_in_round",
                          details={"field": "team"})


@transaction.atomic
def inspected_unit_add(
    *, actor: Any, round: InspectionRound, unit: OrgUnit, feedback_date: dt.date,
    team: InspectionTeam | None = None,
) -> InspectedUnit:
    _require_round_manager(actor)
    _check_inspected_unit(round=round, feedback_date=feedback_date, team=team)
    if not unit.is_active:
        raise DomainError(_("单位“%(unit)s”已停用，不能加入巡视轮次。") % {"unit": unit}, code="unit_inactive",
                          details={"field": "unit"})
    if unit.kind == OrgKind.INTERNAL:  # an office answers inside its unit; the unit's party organisation is inspected
        raise DomainError(_("“%(unit)s”是内设机构，不能作为被巡视单位：请选择它所在的单位（党组织）。") % {"unit": unit},
                          code="unit_internal", details={"field": "unit"})
    if InspectedUnit.objects.filter(round=round, unit=unit).exists():
        raise Conflict(_("“%(unit)s”已在本轮巡视的被巡视单位中。") % {"unit": unit}, code="duplicate_inspected_unit",
                       details={"field": "unit"})
    inspected = InspectedUnit.objects.create(round=round, unit=unit, feedback_date=feedback_date, team=team)
    audit_record(actor=_audit_actor(actor), action="inspected_unit.added", obj=inspected,
                 after={"round": round.code, "unit": unit.code, "feedback_date": feedback_date,
                        "team": team.name if team else None})
    return inspected


@transaction.atomic
def inspected_unit_update(
    *, actor: Any, inspected_unit: InspectedUnit, expected_version: int, feedback_date: dt.date,
    team: InspectionTeam | None = None,
) -> InspectedUnit:
    """Change the team and the feedback date (the periods that follow from it move with it)."""
    _require_round_manager(actor)
    rnd = inspected_unit.round
    _check_inspected_unit(round=rnd, feedback_date=feedback_date, team=team)
    before = {"feedback_date": inspected_unit.feedback_date,
              "team": inspected_unit.team.name if inspected_unit.team_id else None}
    updated = InspectedUnit.objects.filter(pk=inspected_unit.pk, version=expected_version).update(
        feedback_date=feedback_date, team=team, version=models.F("version") + 1, updated_at=clock.now())
    if not updated:
        raise Conflict(_("该被巡视单位已被他人修改，请刷新页面后重新编辑。"), code="stale_version",
                       details={"unit": inspected_unit.unit.code})
    inspected_unit.refresh_from_db()
    audit_record(actor=_audit_actor(actor), action="inspected_unit.updated", obj=inspected_unit, before=before,
                 after={"feedback_date": feedback_date, "team": team.name if team else None})
    return inspected_unit


@transaction.atomic
def inspected_unit_add_by_code(
    *, actor: Any, round: InspectionRound, unit_code: str, feedback_date: dt.date, unit_name: str = "",
    parent_code: str | None = None, kind: str | None = None, team_name: str | None = None,
) -> tuple[InspectedUnit, bool, bool]:
    """Add a unit by its code, as the CLI and API name it: with ``unit_name`` an unknown code creates the
    unit (under ``parent_code``, or at the top of the tree); an unknown team name creates the team.

    Returns (inspected unit, unit created?, team created?). Each write records its own audit event.
    """
    from rectify.orgs.services import org_unit_create

    _require_round_manager(actor)
    unit_code = (unit_code or "").strip()
    if kind is not None and kind not in OrgKind.values:
        raise DomainError(_("单位类型“%(kind)s”不存在，可选：%(kinds)s。")
                          % {"kind": kind, "kinds": "、".join(OrgKind.values)}, code="bad_kind",
                          details={"field": "kind"})
    unit = OrgUnit.objects.filter(code=unit_code).first()
    unit_created = False
    if unit is None:
        if not (unit_name or "").strip():
            raise DomainError(_("单位编码“%(code)s”不存在。如需新建该单位，请同时提供单位名称。") % {"code": unit_code},
                              code="unknown_unit", details={"field": "unit"})
        parent = None
        if parent_code:
            parent = OrgUnit.objects.filter(code=parent_code, is_active=True).first()
            if parent is None:
                raise DomainError(_("上级单位编码“%(code)s”不存在或已停用。") % {"code": parent_code},
                                  code="unknown_parent", details={"field": "parent"})
        unit = org_unit_create(actor=_audit_actor(actor), code=unit_code, name=unit_name, parent=parent,
                               kind=kind or OrgKind.OTHER)
        unit_created = True
    team, team_created = None, False
    if team_name and team_name.strip():
        team = InspectionTeam.objects.filter(round=round, name=team_name.strip()).first()
        if team is None:
            team = team_create(actor=actor, round=round, name=team_name)
            team_created = True
    inspected = inspected_unit_add(actor=actor, round=round, unit=unit, feedback_date=feedback_date, team=team)
    return inspected, unit_created, team_created

# --- end of rounds, teams and inspected units ---------------------------------------------------


# === Problems (fed back and self-found) and clues ================================================
# Fed-back problems are entered by the inspection office or the commission; a unit lead adds only
# its own self-found problems. Clues are the commission's alone (rule 12).

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
    raise PermissionDenied(_("问题由巡视办或纪委监委录入，被巡视单位整改牵头人可新增本单位的自查问题；您的账号不能录入问题。"))


def _clean_number(number: str | None, *, inspected_unit: InspectedUnit, exclude_pk: int | None = None) -> str:
    """The identifier as stored — the same rules as a ledger file (``core.identifiers``): an ordinal
    (（1）, 一、, ①) becomes its digits, a short code (P01) is kept as written; the next free ordinal
    when none is given. Identifiers that differ only in case or spelling ("（1）" and "1") are duplicates."""
    taken = Problem.objects.filter(inspected_unit=inspected_unit)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    taken_numbers = list(taken.values_list("number", flat=True))
    text = (number or "").strip()
    identifier = parse_identifier(text)
    if identifier.problem == "empty":
        ordinals = [int(n) for n in taken_numbers if n.isascii() and n.isdigit()]
        return str(max(ordinals, default=0) + 1)
    if identifier.problem == "too_long":
        raise _invalid(_("问题序号“%(number)s…”超过 %(max)d 个字符，请改用简短的编号（如 12、P01、XS-2021-03）。")
                       % {"number": text[:PROBLEM_NUMBER_MAX], "max": PROBLEM_NUMBER_MAX},
                       code="number_too_long", field="number")
    if identifier.problem == "absurd":
        raise _invalid(_("问题序号“%(number)s”不是有效的序号（纯数字序号不能超过 %(max)d 位），请检查是否误填。")
                       % {"number": text, "max": ORDINAL_DIGITS_MAX}, code="number_too_large", field="number")
    if identifier.value is None:
        raise _invalid(_("问题序号“%(number)s”不是有效的序号：请填写 1、（1）、一、 等序号，或 P01 这样的编号。")
                       % {"number": text}, code="bad_number", field="number")
    key = identifier_key(identifier.value)
    if any(identifier_key(n) == key for n in taken_numbers):
        raise Conflict(_("本单位已有序号为“%(number)s”的问题，请换一个序号，或留空由系统自动编号。")
                       % {"number": identifier.value}, code="duplicate_number", details={"field": "number"})
    return identifier.value


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
    check_plausible_date(occurred_from, field="occurred_from", label=_("问题发生起始日期"))
    check_plausible_date(occurred_to, field="occurred_to", label=_("问题发生截止日期"))
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
        raise _invalid(_("请填写问题描述。"), code="description_required", field="description")
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
    problems_counted(inspected_unit.pk, Counter({(kind, problem.category_id): 1}))
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
    the commission's to edit; a unit lead edits only its own self-found problems. Stale version → 409.
    Callers above this app keep what they derive from the problem in step (``rectification.plan_services.
    problem_edit`` refreshes the read model, which carries the category)."""
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
    before, category_before = _problem_state(problem), problem.category_id
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
    if problem.category_id != category_before:
        problems_counted(problem.inspected_unit_id, Counter({(problem.kind, problem.category_id): 1}),
                         Counter({(problem.kind, category_before): 1}))
    audit_record(actor=actor, action="problem.updated", obj=problem, before=before,
                 after={k: v for k, v in after.items() if before.get(k) != v} | {"version": problem.version})
    return problem


@transaction.atomic
def problem_set_repeat(*, actor: User, problem_id: int, earlier_id: int | None) -> Problem:
    """Link a look-back problem to the earlier round's problem it repeats (or unlink it with None).

    Only the office and the commission decide it; the earlier problem must belong to the round this look-back
    looks back on. Called by supervision's look-back services, which record the decision and its effects.
    """
    if not actor.can_enter_feedback:
        raise PermissionDenied(_("只有巡视办或纪委监委可以认定重复问题。"), code="supervisors_only")
    try:
        problem = (inspection_selectors.problems_in_scope(user=actor)
                   .select_related("inspected_unit__round").get(pk=problem_id))
    except Problem.DoesNotExist:
        raise NotFound(_("未找到该问题，或您无权查看。")) from None
    earlier_round_id = problem.inspected_unit.round.look_back_of_id
    if earlier_round_id is None:
        raise DomainError(_("只有“回头看”轮次的问题才能认定为重复问题。"), code="not_look_back",
                          details={"field": "problem"})
    earlier = None
    if earlier_id is not None:
        earlier = Problem.objects.filter(pk=earlier_id, inspected_unit__round_id=earlier_round_id).first()
        if earlier is None:
            raise DomainError(_("所选原问题不属于本次“回头看”对应的轮次。"), code="invalid_earlier",
                              details={"field": "earlier"})
    before = problem.repeats_id
    Problem.objects.filter(pk=problem.pk).update(repeats=earlier, version=F("version") + 1, updated_at=clock.now())
    problem.repeats = earlier
    problem.version += 1
    audit_record(actor=actor, action="problem.repeat_linked" if earlier else "problem.repeat_unlinked", obj=problem,
                 before={"repeats": before}, after={"repeats": earlier_id})
    return problem


# --- problems in bulk (the ledger import) --------------------------------------------------------

BATCH = 2000
BATCH_PROBLEM_FIELDS = ("description", "detail", "cause", "category_id", "notes", "kind")


def problems_write_batch(
    *, inspected_unit: InspectedUnit, new: list[tuple[str, dict[str, Any]]], changed: list[tuple[int, dict[str, Any]]],
) -> dict[str, int]:
    """Write many problems of one inspected unit at once; returns every problem's id by identifier key.

    For a batch writer above this app (``rectification.batch_services.ledger_apply``) that has already
    checked who may write what, runs inside its transaction and records the batch as ONE audit event with
    every field-level change — so this records none itself. ``new``: (identifier, values); ``changed``:
    (problem id, the values that change). Each changed row's version moves on.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("problems_write_batch must run inside the transaction of the batch it belongs to")
    allowed = set(BATCH_PROBLEM_FIELDS)
    rows = []
    for number, values in new:
        if set(values) - allowed:
            raise ValueError(f"problems_write_batch: unexpected fields {sorted(set(values) - allowed)}")
        problem = Problem(inspected_unit=inspected_unit, **values)
        problem.set_number(number)
        rows.append(problem)
    Problem.objects.bulk_create(rows, batch_size=BATCH)
    # The counts by category: the new problems, and those the batch moves to another category (read before the
    # moves are written; counted after, so that a recount, if the stored counts had drifted, sees them).
    added, removed = Counter((p.kind, p.category_id) for p in rows), Counter()
    moving = {pk: values["category_id"] for pk, values in changed if "category_id" in values}
    moving_ids = list(moving)
    for start in range(0, len(moving_ids), BATCH):
        for pk, kind, category in (Problem.objects.filter(pk__in=moving_ids[start:start + BATCH])
                                   .values_list("pk", "kind", "category_id")):
            if category != moving[pk]:
                added[(kind, moving[pk])] += 1
                removed[(kind, category)] += 1
    by_fields: dict[tuple[str, ...], list[Problem]] = {}
    for pk, values in changed:
        if set(values) - (allowed - {"kind"}):  # a problem's kind never changes through a batch
            raise ValueError(f"problems_write_batch: unexpected fields {sorted(set(values) - allowed)}")
        by_fields.setdefault(tuple(sorted(values)), []).append(Problem(pk=pk, **values))
    now = clock.now()
    for fields, objs in by_fields.items():
        for obj in objs:
            obj.updated_at = now
        Problem.objects.bulk_update(objs, [*fields, "updated_at"], batch_size=BATCH)
    ids = [pk for pk, _values in changed]
    for start in range(0, len(ids), BATCH):
        Problem.objects.filter(pk__in=ids[start:start + BATCH]).update(version=F("version") + 1)
    problems_counted(inspected_unit.pk, added, removed)
    return {identifier_key(number): pk for number, pk in
            Problem.objects.filter(inspected_unit=inspected_unit).values_list("number", "id")}


# --- the problem counts kept on the inspected units ----------------------------------------------

def problems_counted(inspected_unit_id: int, added: Counter[tuple[str, int | None]],
                     removed: Counter[tuple[str, int | None]] | None = None) -> None:
    """Keep the unit's problem counts (by kind on the unit, by kind and category in ``ProblemCount``) in the
    caller's transaction: ``added`` the problems created or moved into a (kind, category id), ``removed`` those
    moved out of one. Every service that creates problems or changes a category calls it; problems are never
    deleted and never change kind."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("problems_counted must run inside the transaction that changes the problems")
    change = Counter(added)
    change.subtract(removed or Counter())
    change = Counter({key: n for key, n in change.items() if n})
    if not change:
        return
    # The unit's row first: every writer of this unit's counts waits here in turn, so no two create one row.
    by_kind: Counter[str] = Counter()
    for (kind, _category), n in change.items():
        by_kind[kind] += n
    # (FOR NO KEY UPDATE: a plain FOR UPDATE would wait on, and deadlock with, a transaction whose new rows refer
    # to the unit — PostgreSQL checks their foreign keys with FOR KEY SHARE when it commits)
    locked = InspectedUnit.objects.select_for_update(no_key=True).filter(pk=inspected_unit_id)
    list(locked.values_list("pk", flat=True))
    if any(by_kind.values()):
        locked.update(**{PROBLEM_COUNTS[kind]: F(PROBLEM_COUNTS[kind]) + n for kind, n in by_kind.items() if n})
    stored = {(c.kind, c.category_id): c for c in ProblemCount.objects.filter(inspected_unit_id=inspected_unit_id)}
    for key, n in sorted(change.items(), key=lambda item: (item[0][0], item[0][1] or 0)):
        row = stored.get(key)
        if row is not None and row.problems + n >= 0:
            ProblemCount.objects.filter(pk=row.pk).update(problems=F("problems") + n)
        elif row is None and n > 0:
            ProblemCount.objects.create(inspected_unit_id=inspected_unit_id, kind=key[0], category_id=key[1],
                                        problems=n)
        else:  # the stored counts were already wrong: count this unit's problems again
            problem_counts_recount(inspected_unit_ids=[inspected_unit_id])
            return


def problem_counts_recount(*, inspected_unit_ids: Iterable[int] | None = None) -> int:
    """Count the problems of these inspected units (all when None) again and store the counts: for loaders that
    write problems in bulk (the demo, the benchmarks) and for ``rectify rebuild-rollups``. Returns the number of
    units whose stored counts were wrong."""
    units = InspectedUnit.objects.all()
    if inspected_unit_ids is not None:
        units = units.filter(pk__in=list(inspected_unit_ids))
    with transaction.atomic():
        # the units first, in order, as problems_counted does: a problem created meanwhile waits for the recount
        list(units.select_for_update(no_key=True).order_by("pk").values_list("pk", flat=True))
        wrong = inspection_selectors.problem_count_drift(units)
        for pk, (by_kind, by_category) in wrong.items():
            InspectedUnit.objects.filter(pk=pk).update(**by_kind)
            ProblemCount.objects.filter(inspected_unit_id=pk).delete()
            ProblemCount.objects.bulk_create([ProblemCount(inspected_unit_id=pk, kind=kind, category_id=category,
                                                           problems=n) for (kind, category), n in by_category.items()])
    return len(wrong)


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
        "feedback_on": c.feedback_on, "result": c.result, "concluded": c.concluded,
    }


def _not_in_future(day: dt.date | None, *, field: str, label: str) -> None:
    check_plausible_date(day, field=field, label=label)
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
    concluded: bool = True,
) -> Clue:
    """The date the handling results came back and what they were; this ends the 3-month alert. ``concluded``
    says whether the result closes the clue (then the problem's close-outs may be approved) or is interim (a
    verification or a case still under way: approval still waits). A later result replaces an interim one."""
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
    _save_clue(clue, expected_version=expected_version,
               fields={"feedback_on": feedback_on, "result": result, "concluded": bool(concluded)})
    audit_record(actor=actor, action="clue.results_recorded", obj=clue, before=before, after=_clue_state(clue))
    return clue
