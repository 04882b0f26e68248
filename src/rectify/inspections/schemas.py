"""API shapes of rounds and inspected units, and the functions that fill them (the units' progress is
supervision's: ``rectify.supervision.schemas``).

Builders take what the selectors return and produce plain dicts; no query is run here
beyond relations the selectors already loaded.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Schema
from pydantic import Field, StrictInt

from rectify.core.schemas import Code, Text
from rectify.inspections.models import InspectedUnit, InspectionRound

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


def round_out(rnd: InspectionRound) -> dict:
    return {
        "code": rnd.code, "name": rnd.name,
        "kind": rnd.kind, "kind_label": rnd.get_kind_display(),
        "level": rnd.level, "level_label": rnd.get_level_display(),
        "start_date": rnd.start_date, "end_date": rnd.end_date,
        "look_back_of": rnd.look_back_of.code if rnd.look_back_of_id else None,
        "unit_count": rnd.unit_count,  # type: ignore[attr-defined]  # annotated by round_list_for
    }


# --- creating rounds and adding inspected units ------------------------------------

class RoundIn(Schema):
    code: Code = Field(description="轮次编码：字母、数字、-、_、点，以字母或数字开头")
    name: Text = Field(max_length=200, description="轮次名称")
    kind: RoundKindCode
    level: RoundLevelCode
    start: dt.date = Field(description="进驻日期 YYYY-MM-DD")
    end: dt.date | None = Field(None, description="结束日期，不早于进驻日期")
    look_back_of: Code | None = Field(None, description="“回头看”所对应的（更早的）轮次编码；可不填")
    yellow_days: StrictInt | None = Field(None, description="黄灯预警天数；不填用系统默认")
    notice_days: StrictInt | None = Field(None, description="提醒天数；不填用系统默认")
    rectification_months: StrictInt | None = Field(None, description="集中整改期（月）；不填用系统默认")
    report_months: StrictInt | None = Field(None, description="整改报告期限（月）；不填用系统默认")


class CreatedRoundOut(RoundOut):
    yellow_days: int
    notice_days: int
    rectification_months: int
    report_months: int


class InspectedUnitIn(Schema):
    unit: Code = Field(description="单位编码")
    unit_name: Text | None = Field(None, max_length=100, description="单位不存在时用此名称新建（在单位树顶层）")
    kind: str | None = Field(None, description="新建单位的类型：department、enterprise、prefecture、county 等")
    feedback_date: dt.date = Field(description="反馈日期 YYYY-MM-DD，不早于进驻日期")
    team: Text | None = Field(None, max_length=50, description="巡视组名称；本轮没有则新建")


class InspectedUnitOut(Schema):
    round: str = Field(description="轮次编码")
    unit: str = Field(description="单位编码")
    name: str
    kind: str
    kind_label: str
    team: str | None
    feedback_date: dt.date
    rectification_end: dt.date = Field(description="集中整改期最后一天")
    report_due: dt.date = Field(description="整改报告报送期限")
    unit_created: bool = Field(description="本次请求是否新建了单位")
    team_created: bool = Field(description="本次请求是否新建了巡视组")


def created_round_out(rnd: InspectionRound) -> dict:
    rnd.unit_count = 0  # type: ignore[attr-defined]  # a new round has no inspected unit yet
    return {**round_out(rnd), "yellow_days": rnd.yellow_days, "notice_days": rnd.notice_days,
            "rectification_months": rnd.rectification_months, "report_months": rnd.report_months}


def inspected_unit_out(iu: InspectedUnit, *, unit_created: bool = False, team_created: bool = False) -> dict:
    return {"round": iu.round.code, "unit": iu.unit.code, "name": iu.unit.name, "kind": iu.unit.kind,
            "kind_label": iu.unit.get_kind_display(), "team": iu.team.name if iu.team_id else None,
            "feedback_date": iu.feedback_date, "rectification_end": iu.rectification_end,
            "report_due": iu.report_due, "unit_created": unit_created, "team_created": team_created}
