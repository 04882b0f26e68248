"""Writes of the reports app: a round's report policy, a unit's report. One transaction, one audit event each."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from rectify.accounts.models import User
from rectify.audit.services import audit_record
from rectify.core import clock
from rectify.core.errors import Conflict, DomainError, PermissionDenied
from rectify.inspections import selectors as inspection_selectors
from rectify.reports import cycle_selectors
from rectify.reports.models import Cadence, ReportKind, ReportPolicy, UnitReport

POLICY_FIELDS = ("cadence", "weekly_first_month", "grace_workdays", "shift_to_workday")
TEXT_MAX = 20_000


@transaction.atomic
def report_policy_set(*, user: User, round_code: str, cadence: str, weekly_first_month: bool, grace_workdays: int,
                      shift_to_workday: bool) -> ReportPolicy:
    """The round's report cadence and leniency (the inspection office and the commission)."""
    if not user.can_manage_rounds:
        raise PermissionDenied(_("只有巡视办或纪委监委可以设置报告周期。"))
    rnd = inspection_selectors.round_get_for(user=user, code=round_code)
    if cadence not in Cadence.values:
        raise DomainError(_("报告频次只能是每周、每两周或每月。"), details={"field": "cadence"}).with_status(422)
    if not 0 <= grace_workdays <= 60:
        raise DomainError(_("宽限工作日应在 0 到 60 之间。"), details={"field": "grace_workdays"}).with_status(422)
    policy = ReportPolicy.objects.select_for_update().filter(round=rnd).first()
    before = {f: getattr(policy, f) for f in POLICY_FIELDS} if policy else None
    if policy is None:
        policy = ReportPolicy(round=rnd)
    policy.cadence, policy.weekly_first_month = cadence, weekly_first_month
    policy.grace_workdays, policy.shift_to_workday = grace_workdays, shift_to_workday
    if before is not None:
        policy.version += 1
    policy.save()
    audit_record(actor=user, action="report_policy.set", obj=policy, before=before,
                 after={f: getattr(policy, f) for f in POLICY_FIELDS})
    return policy


@transaction.atomic
def unit_report_file(*, user: User, round_code: str, unit_code: str, kind: str, cycle: int, moved: str,
                     late: str = "", next_steps: str = "") -> UnitReport:
    """File a unit's report for one cycle (or its rectification report, cycle 0).

    1. Only the unit's own lead files, for a cycle that has begun (a missed one may be filed late) and that has no
       report yet.
    2. The report keeps the due date it answers and the unit's figures at filing (from the read model).
    """
    if not user.can_file_unit_report:
        raise PermissionDenied(_("只有被巡视单位的整改牵头人可以报送单位报告。"))
    cycles = cycle_selectors.unit_cycles_for(user=user, round_code=round_code, unit_code=unit_code)
    iu = cycles.inspected_unit
    state = cycles.get(kind, cycle) if kind in ReportKind.values else None
    if state is None:
        raise DomainError(_("没有这个报告周期。"), details={"field": "cycle"}).with_status(404)
    if state.state == "upcoming":
        raise DomainError(_("该报告期尚未开始，不能提前报送。"), code="too_early", details={"field": "cycle"})
    if state.report is not None:
        raise Conflict(_("本期报告已于%(date)s报送，不能重复报送。")
                       % {"date": state.report.filed_at.astimezone(clock.SHANGHAI).date().isoformat()})
    moved = moved.strip()
    if not moved:
        raise DomainError(_("请填写本期进展。"), details={"field": "moved"}).with_status(422)
    if max(len(moved), len(late), len(next_steps)) > TEXT_MAX:
        raise DomainError(_("报告每一栏不能超过 %(n)s 字。") % {"n": TEXT_MAX}).with_status(422)
    today = clock.today()
    report = UnitReport(
        inspected_unit=iu, kind=kind, cycle=cycle, period_start=state.cycle.start,
        period_end=min(state.cycle.end, today), due_date=state.cycle.due, moved=moved, late=late.strip(),
        next_steps=next_steps.strip(), figures=cycle_selectors.unit_figures(iu, today=today), filed_by=user,
        filed_at=clock.now())
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise Conflict(_("本期报告刚刚已由他人报送。")) from None
    audit_record(actor=user, action="unit_report.file", obj=report,
                 after={"kind": kind, "cycle": cycle, "due_date": state.cycle.due.isoformat(),
                        "on_time": today <= state.cycle.due, "figures": report.figures})
    return report
