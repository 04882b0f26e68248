"""API shapes of rounds and of the inspected units' progress, and the functions that fill them.

Builders take what the selectors return and produce plain dicts; no query is run here
beyond relations the selectors already loaded.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field

from rectify.inspections.models import InspectionRound
from rectify.rectification.selectors import UnitProgress

RoundKindCode = Literal["regular", "special", "mobile", "look_back"]
RoundLevelCode = Literal["central", "provincial", "city", "county"]


class RoundOut(Schema):
    code: str = Field(description="轮次编码")
    name: str
    kind: RoundKindCode = Field(description="巡视类型：regular 常规、special 专项、mobile 机动、look_back 回头看")
    kind_label: str
    level: RoundLevelCode
    level_label: str
    start_date: dt.date = Field(description="进驻日期")
    end_date: dt.date | None
    look_back_of: str | None = Field(description="“回头看”所对应轮次的编码")
    unit_count: int = Field(description="您可见的被巡视单位数")


class RoundList(Schema):
    items: list[RoundOut]
    count: int


class WarningCounts(Schema):
    red: int
    yellow: int
    green: int


class UnitProgressOut(Schema):
    code: str = Field(description="单位编码")
    name: str
    kind: str = Field(description="单位类型编码")
    kind_label: str
    team: str | None = Field(description="巡视组")
    feedback_date: dt.date
    rectification_end: dt.date = Field(description="集中整改期最后一天")
    report_due: dt.date = Field(description="整改报告报送期限")
    problems: int = Field(description="反馈问题数（不含自查问题）")
    completed: int = Field(description="已完成问题数")
    basic: int = Field(description="基本完成问题数")
    incomplete: int = Field(description="未完成问题数")
    rate: float = Field(description="完成率（百分数，保留两位小数，如 98.71）")
    warnings: WarningCounts = Field(description="各预警颜色的未销号问题数")
    tasks: int
    tasks_closed: int
    tasks_overdue: int
    clues: int | None = Field(description="问题线索数；仅纪委监委监督人员可见，其他角色为 null")
    self_found: int = Field(description="自查问题数（举一反三，单独统计，不计入 problems 和完成率）")
    self_found_completed: int = Field(description="已完成的自查问题数")


class UnitProgressList(Schema):
    items: list[UnitProgressOut]
    count: int


def round_out(rnd: InspectionRound) -> dict:
    return {
        "code": rnd.code, "name": rnd.name,
        "kind": rnd.kind, "kind_label": rnd.get_kind_display(),
        "level": rnd.level, "level_label": rnd.get_level_display(),
        "start_date": rnd.start_date, "end_date": rnd.end_date,
        "look_back_of": rnd.look_back_of.code if rnd.look_back_of_id else None,
        "unit_count": rnd.unit_count,  # type: ignore[attr-defined]  # annotated by round_list_for
    }


def unit_progress_out(p: UnitProgress) -> dict:
    iu = p.inspected_unit
    return {
        "code": iu.unit.code, "name": iu.unit.name,
        "kind": iu.unit.kind, "kind_label": iu.unit.get_kind_display(),
        "team": iu.team.name if iu.team_id else None,
        "feedback_date": iu.feedback_date, "rectification_end": iu.rectification_end, "report_due": iu.report_due,
        "problems": p.problems, "completed": p.completed, "basic": p.basic, "incomplete": p.incomplete,
        "rate": float(p.rate),
        "warnings": {w: p.by_warning.get(w, 0) for w in ("red", "yellow", "green")},
        "tasks": p.tasks, "tasks_closed": p.tasks_closed, "tasks_overdue": p.tasks_overdue,
        "clues": p.clues,
        "self_found": p.self_found, "self_found_completed": p.self_found_completed,
    }
