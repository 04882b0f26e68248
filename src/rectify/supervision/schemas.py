"""API shape of a round's inspected units with their rectification progress, and the function that fills it.

No query is run here beyond relations the selectors already loaded.
"""

from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from rectify.rectification.selectors import UnitProgress


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
    tasks_overdue_original: int = Field(description="按整改方案原定完成时限计算的逾期任务数（经批准延期的仍计入）")
    tasks_extended: int = Field(description="完成时限经批准调整过的任务数")
    clues: int | None = Field(description="问题线索数；仅纪委监委监督人员可见，其他角色为 null")
    self_found: int = Field(description="自查问题数（举一反三，单独统计，不计入 problems 和完成率）")
    self_found_completed: int = Field(description="已完成的自查问题数")

class UnitProgressList(Schema):
    items: list[UnitProgressOut]
    count: int

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
        "tasks_overdue_original": p.tasks_overdue_original, "tasks_extended": p.tasks_extended,
        "clues": p.clues,
        "self_found": p.self_found, "self_found_completed": p.self_found_completed,
    }

