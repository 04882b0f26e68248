"""API shapes of the accountability catalogue, and the functions that fill them."""

from __future__ import annotations

from ninja import Schema
from pydantic import Field

from rectify.accountability.models import (
    AccountabilityForm,
    Circumstance,
    Factor,
    FaultTolerance,
    ResponsibilityType,
)
from rectify.accountability.selectors import Catalogue


class ItemOut(Schema):
    code: str = Field(description="稳定编码，问责案件以它引用本条目")
    name: str = Field(description="名称")
    article: str = Field(description="条款依据，如“第七条第（八）项”")
    description: str = Field(description="说明")


class CircumstanceOut(ItemOut):
    parent: str | None = Field(description="所属情形的编码（第七条第（八）项下的整改情形指向 oversight_duty）；顶级为 null")
    is_rectification: bool = Field(description="是否巡视巡察整改不力类情形")


class ImpactOut(Schema):
    no_promotion_months: int | None = Field(description="不得提拔（重用、提升职务）的月数；null 表示无此限制")
    no_leading_post_months: int | None = Field(description="不安排领导职务的月数；null 表示无此限制")
    no_higher_post_months: int | None = Field(description="不得担任高于原任职务层次职务的月数；null 表示无此限制")
    basis: str = Field(description="影响期依据")


class FormOut(ItemOut):
    applies_to: str = Field(description="问责对象：organisation 党组织 / person 党的领导干部")
    parent: str | None = Field(description="所属方式的编码（如 demotion 属于 organisational_adjustment）；顶级为 null")
    requires_disciplinary_record: bool = Field(description="是否按纪律处分程序办理、须关联纪律处分记录")
    impact: ImpactOut = Field(description="影响期（自决定之日起按月计算，到期月对应日为最后一日，无对应日则为月末）")


class ResponsibilityTypeOut(ItemOut):
    code: str = Field(description="overall 全面领导责任 / principal 主要领导责任 / important 重要领导责任（没有直接责任）")


class EvidencedOut(ItemOut):
    requires_evidence: bool = Field(description="认定时是否须附证据")
    evidence: str = Field(description="所需证据")


class FactorOut(EvidencedOut):
    kind: str = Field(description="aggravating 从重或者加重 / mitigating 从轻或者减轻 / exemption 免予问责 / "
                                  "no_accountability 不予问责")


class FaultToleranceOut(EvidencedOut):
    tolerated: str = Field(description="可以容错的情形")
    not_tolerated: str = Field(description="不予容错的情形")
    factor: str | None = Field(description="对应的免责情形编码（第十七条）")


class CatalogueOut(Schema):
    circumstances: list[CircumstanceOut] = Field(description="问责情形（第七条），子项紧随其所属情形")
    forms: list[FormOut] = Field(description="问责方式（第八条），子方式紧随其所属方式")
    responsibility_types: list[ResponsibilityTypeOut] = Field(description="责任类型（第六条），恰为三种")
    factors: list[FactorOut] = Field(description="从重、从轻减轻、免予问责、不予问责情形（第十七至十九条）")
    fault_tolerance: list[FaultToleranceOut] = Field(description="容错纠错：三个区分开来")


def _item(row: Circumstance | AccountabilityForm | ResponsibilityType | Factor | FaultTolerance) -> dict:
    return {"code": row.code, "name": row.name, "article": row.article, "description": row.description}


def catalogue_out(catalogue: Catalogue) -> dict:
    return {
        "circumstances": [{**_item(c), "parent": c.parent.code if c.parent else None,
                           "is_rectification": c.is_rectification} for c in catalogue.circumstances],
        "forms": [{**_item(f), "applies_to": f.applies_to, "parent": f.parent.code if f.parent else None,
                   "requires_disciplinary_record": f.requires_disciplinary_record,
                   "impact": {"no_promotion_months": f.no_promotion_months,
                              "no_leading_post_months": f.no_leading_post_months,
                              "no_higher_post_months": f.no_higher_post_months, "basis": f.impact_basis}}
                  for f in catalogue.forms],
        "responsibility_types": [_item(t) for t in catalogue.responsibility_types],
        "factors": [{**_item(f), "kind": f.kind, "requires_evidence": f.requires_evidence, "evidence": f.evidence}
                    for f in catalogue.factors],
        "fault_tolerance": [{**_item(t), "tolerated": t.tolerated, "not_tolerated": t.not_tolerated,
                             "factor": t.factor.code if t.factor else None, "requires_evidence": t.requires_evidence,
                             "evidence": t.evidence} for t in catalogue.fault_tolerance],
    }
