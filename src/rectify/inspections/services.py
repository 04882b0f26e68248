"""Writes to rounds, inspected units, problems and clues."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from rectify.audit.services import audit_record
from rectify.core import clock
from rectify.core.errors import Conflict, DomainError, PermissionDenied
from rectify.inspections.models import InspectedUnit, InspectionRound, InspectionTeam, RoundKind, RoundLevel
from rectify.orgs.models import UNIT_CODE_VALIDATOR, OrgKind, OrgUnit, Person

# --- rounds, teams and inspected units (engineer 4) ---------------------------------------------
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
    if InspectionRound.objects.filter(code=code).exclude(pk=pk).exists():
        raise Conflict(_("轮次编码“%(code)s”已存在，请换一个编码。") % {"code": code}, code="duplicate_code",
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
