"""The typical-case library and training in the demo: the two seed articles as imported, four typical cases the
first article names (瑞丽、大理、西双版纳、宣威) with their reviews (复盘), a course on the four levels and six
topics, and the province-wide session — a main venue and 16 branch venues, nearly 1,400 people signed in."""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from rectify.accountability.models import AccountabilityForm, Circumstance, ResponsibilityType
from rectify.cases import training
from rectify.cases.models import CourseItem, TrainingSession
from rectify.cases.services import document_import, review_save

SEEDS = Path(__file__).resolve().parents[1] / "cases" / "fixtures" / "seeds"

TYPICAL = [
    {"text": "瑞丽市疫情防控形式主义官僚主义问题问责情况通报\n2021年4月2日\n"
             "　　德宏州瑞丽市在疫情防控工作中落实主体责任不力，边境管控存在漏洞，形式主义官僚主义问题突出，"
             "导致疫情输入，造成严重影响。\n"
             "　　经云南省纪委监委研究并报省委批准，对瑞丽市委、市政府主要负责人予以免职，共有14名干部被追责问责。\n",
     "review": {"what_happened": "边境管控存在漏洞，疫情防控部署表态多、落实少，导致疫情输入。",
                "responsible": "市委书记、市长（主要领导责任）；分管副市长（重要领导责任）；口岸、卫健部门负责人。",
                "type": "principal", "circumstance": "conduct_building", "forms": ["removal", "admonishment"],
                "outcome": "对市委、市政府主要负责人予以免职，共追责问责14名干部。",
                "lessons": "属地责任要压实到岗到人；问责前要还原决策链条，分清决策、执行和监管各环节的责任。",
                "precision": "precise", "precision_note": "按职责链条区分主要领导责任和重要领导责任，没有“一刀切”。"},
     "topic": "区分责任"},
    {"text": "大理州违规截留口罩事件处理情况\n2020年2月10日\n"
             "　　大理市卫生健康局违规扣留、调用重庆市过境的防疫口罩，造成恶劣影响。\n"
             "　　大理市委对市卫生健康局主要负责人予以免职，对6名相关责任人员严肃问责。\n",
     "review": {"what_happened": "以“应急征用”为名截留过境的外省防疫物资。",
                "responsible": "市卫生健康局局长（主要领导责任）；经办人员。", "type": "principal",
                "circumstance": "livelihood", "forms": ["removal", "person_circulation"],
                "outcome": "局长免职，6名相关人员分别给予诫勉、通报。",
                "lessons": "应急状态下也须依法依规，征用物资要有法定程序。", "precision": "precise",
                "precision_note": "问题定性准确：乱作为而非不作为。"},
     "topic": "问题定性"},
    {"text": "西双版纳州种茶毁林问题追责问责情况\n2021年3月15日\n"
             "　　西双版纳州勐海县部分林地被毁林种茶，林业部门监管缺位，发现问题线索17件。\n"
             "　　州纪委监委对相关单位和领导干部进行问责，约谈12个单位。\n",
     "review": {"what_happened": "多年毁林种茶，林业、自然资源部门长期监管缺位。",
                "responsible": "县林业和草原局负责人（主要领导责任）；乡镇党委（全面领导责任）。", "type": "overall",
                "circumstance": "livelihood", "forms": ["org_circulation", "admonishment"],
                "outcome": "约谈12个单位，对相关领导干部诫勉。",
                "lessons": "生态问题的问责要追溯到问题发生时的在任者，不让现任“背锅”。", "precision": "mixed",
                "precision_note": "对离任者追责不够，事后补充了对原任负责人的问责。"},
     "topic": "纪法尺度"},
    {"text": "宣威市海岱镇旧屋村饮水工程造假问题\n2020年11月20日\n"
             "　　曲靖市宣威市海岱镇旧屋村饮水工程弄虚作假，应付上级检查，群众饮水困难长期未解决。\n"
             "　　宣威市纪委监委对镇党委书记等5人严肃问责，对作假材料予以通报。\n",
     "review": {"what_happened": "饮水工程未通水即上报完工，以临时水管应付验收。",
                "responsible": "镇党委书记（主要领导责任）；分管副镇长；村干部。", "type": "principal",
                "circumstance": "rectification_false", "forms": ["admonishment", "demotion"],
                "outcome": "镇党委书记降职，4人分别诫勉、通报。",
                "lessons": "虚假整改要从严；核查要到现场、到群众家中。", "precision": "precise",
                "precision_note": "证据链完整：验收材料与现场不符。"},
     "topic": "组织调查"},
]


def seed_cases(*, commission: Any, today: dt.date, rng: random.Random) -> dict[str, Any]:
    """Import the documents through the services (as a user would upload them), then the course and the session."""
    imported = [document_import(actor=commission, data=path.read_bytes(), filename=path.name).document
                for path in sorted(SEEDS.glob("*.txt"))]
    circumstances = {c.code: c for c in Circumstance.objects.all()}
    forms = {f.code: f for f in AccountabilityForm.objects.all()}
    types = {t.code: t for t in ResponsibilityType.objects.all()}
    typical = []
    for spec in TYPICAL:
        document = document_import(actor=commission, data=spec["text"].encode(), filename="通报.txt").document
        r = spec["review"]
        review_save(actor=commission, document=document, expected_version=None, what_happened=r["what_happened"],
                    responsible=r["responsible"], responsibility_type=types.get(r["type"]),
                    circumstance=circumstances.get(r["circumstance"]),
                    forms=[forms[c] for c in r["forms"] if c in forms], outcome=r["outcome"], lessons=r["lessons"],
                    precision=r["precision"], precision_note=r["precision_note"])
        typical.append((document, spec["topic"]))
    course = training.course_create(actor=commission, title="全省纪检监察机关问责专题业务培训",
                                    description="围绕明责、履责、督责、问责等关键环节，以典型案例复盘开展实务教学。")
    items = {i.topic: i for i in CourseItem.objects.filter(course=course)}
    for document, topic in typical:
        training.course_item_set_documents(actor=commission, item=items[topic], documents=[document])
    training.course_item_set_documents(actor=commission, item=items["如何精准问责"], documents=imported[:1])
    session = training.session_create(actor=commission, course=course, title="全省纪检监察机关问责专题业务培训班",
                                      held_on=today - dt.timedelta(days=20))
    signed = _sign_in_sheet(session, rng)
    result = training.attendance_import(actor=commission, session=session, data=signed, filename="签到表.csv")
    return {"documents": len(imported) + len(typical), "course": course.pk, "session": session.pk,
            "attendance": result.added}


BRANCH_PEOPLE = (128, 106, 99, 75, 71, 80, 66, 68, 77, 82, 79, 74, 81, 70, 44, 40)  # in the prefectures' order
_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红林云海波宁晓东文斌俊峰婷雪琳鹏飞"


def _sign_in_sheet(session: TrainingSession, rng: random.Random) -> bytes:
    """Nearly 1,400 people (1,386): 146 at the main venue, the rest at the 16 branch venues."""
    rows = ["姓名,单位,职务,会场"]
    seen: set[str] = set()
    counts = iter(BRANCH_PEOPLE)
    for venue in session.venues.all():
        count = 146 if venue.is_main else next(counts)
        unit = "省纪委监委" if venue.is_main else f"{venue.region}纪委监委"
        for _ in range(count):
            name = rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))
            while name in seen:
                name += rng.choice(_GIVEN)
            seen.add(name)
            rows.append(f"{name},{unit},{rng.choice(('干部', '科长', '副主任', '主任'))},{venue.name}")
    return "\n".join(rows).encode("utf-8")
