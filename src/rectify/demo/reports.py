"""The demo's report cycles: the look-back round reports every two weeks (weekly in the first month); most units
filed on time, some late, a few missed the latest cycle (yellow) or an older one (red); the demo unit still has
its latest report to file. The original round (two years ago) reported monthly and filed everything."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from rectify.accounts.models import User
from rectify.core import clock, workdays
from rectify.inspections.models import InspectedUnit, InspectionRound
from rectify.rectification.models import UnitRollup
from rectify.reports.cycles import progress_cycles, rectification_cycle
from rectify.reports.models import Cadence, ReportPolicy, UnitReport

MOVED = (
    "本期召开整改专题会议{a}次，推进整改措施{b}项，完成销号{c}项；对照问题清单逐项核对进度，督促牵头部门按时限推进。",
    "本期{c}项整改任务通过审核销号，{b}项措施取得阶段性进展；修订完善制度{a}项，举一反三开展自查。",
    "本期围绕反馈问题推进整改，新增整改进展{b}条，销号{c}项，组织专项检查{a}次。",
)
LATE = "个别任务因涉及多部门协调、招标程序较长未能按期完成，已明确新的完成时限并由分管领导督办。"
NEXT = "下一步将对逾期任务挂牌督办，每周调度进度，确保集中整改期内完成。"


def _moment(day: dt.date, hour: int, now: dt.datetime) -> dt.datetime:
    return min(dt.datetime.combine(day, dt.time(hour, 0), tzinfo=clock.SHANGHAI), now - dt.timedelta(minutes=5))


def seed_report_cycles(*, rng: random.Random, look_back: InspectionRound, original: InspectionRound,
                       look_back_units: list[InspectedUnit], original_units: list[InspectedUnit],
                       unit_actor: dict[str, User], demo_unit: str, today: dt.date) -> dict[str, Any]:
    now = clock.now()
    policies = {
        look_back.pk: ReportPolicy.objects.create(round=look_back, cadence=Cadence.BIWEEKLY, weekly_first_month=True,
                                                  grace_workdays=5, shift_to_workday=True),
        original.pk: ReportPolicy.objects.create(round=original, cadence=Cadence.MONTHLY, grace_workdays=5),
    }
    figures = {r.inspected_unit_id: {"problems": r.problems, "completed": r.completed, "tasks": r.tasks,
                                     "tasks_closed": r.tasks_closed, "tasks_overdue": 0, "rate": ""}
               for r in UnitRollup.objects.filter(inspected_unit__in=[*look_back_units, *original_units])}
    reports: list[UnitReport] = []
    counts = {"filed": 0, "late": 0, "missing": 0}

    def file(iu: InspectedUnit, cycle: Any, filed: dt.date) -> None:
        filed = min(filed, today - dt.timedelta(days=1))
        late = filed > cycle.due
        a, b, c = rng.randint(1, 3), rng.randint(3, 15), rng.randint(1, 8)
        reports.append(UnitReport(
            inspected_unit=iu, kind=cycle.kind, cycle=cycle.number, period_start=cycle.start,
            period_end=min(cycle.end, filed), due_date=cycle.due, moved=rng.choice(MOVED).format(a=a, b=b, c=c),
            late=LATE if late or rng.random() < 0.3 else "", next_steps=NEXT,
            figures=figures.get(iu.pk, {}), filed_by=unit_actor[iu.unit.code], filed_at=_moment(filed, 15, now)))
        counts["late" if late else "filed"] += 1

    for index, iu in enumerate(look_back_units):
        iu.round = look_back
        policy = policies[look_back.pk]
        due = [c for c in progress_cycles(iu, policy) if c.due < today]
        # the unit's habit: 0 diligent, 1 sometimes late, 2 missed the latest cycle, 3 missed an older one
        habit = 2 if iu.unit.code == demo_unit else (3 if index % 9 == 4 else 2 if index % 7 == 3 else index % 2)
        skip = {due[-1].number} if habit == 2 and due else ({due[len(due) // 2].number} if habit == 3 and due else set())
        for cycle in due:
            if cycle.number in skip:
                counts["missing"] += 1
                continue
            late = habit == 1 and rng.random() < 0.4
            file(iu, cycle, workdays.add_workdays(cycle.due, rng.randint(1, 3)) if late else
                 max(cycle.start, cycle.due - dt.timedelta(days=rng.randint(0, 2))))
        rect = rectification_cycle(iu, policy)
        if rect.due < today and habit != 3:
            file(iu, rect, workdays.add_workdays(rect.due, 2) if habit == 1
                 else rect.due - dt.timedelta(days=rng.randint(1, 5)))
        elif rect.due < today:
            counts["missing"] += 1
    for iu in original_units:  # two years ago: everything filed on time
        iu.round = original
        policy = policies[original.pk]
        for cycle in [*progress_cycles(iu, policy), rectification_cycle(iu, policy)]:
            if cycle.due < today:
                file(iu, cycle, max(cycle.start, cycle.due - dt.timedelta(days=rng.randint(0, 3))))
    UnitReport.objects.bulk_create(reports)
    return counts
