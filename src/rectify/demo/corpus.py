"""Demo content: realistic Simplified Chinese text for the demo data generator.

Pure data plus a few deterministic helpers; standard library only, no Django. The demo models
the look-back (回头看) round of the 十届省委第十四轮巡视 in Yunnan, which fed back to 14
provincial departments and 6 provincial enterprises (20 party organisations).

How the pieces fit:

1. ``UNITS`` lists the 20 inspected organisations with their internal offices.
2. ``posts_for(unit)`` gives the leadership body; ``leader_for_department`` picks the member in
   charge of an office (every office is covered by exactly one member; the principal is the
   fallback), ``post_title`` and ``post_areas`` adapt a post to one unit.
3. ``CATEGORIES`` is the two-level problem category tree; ``PROBLEM_TEMPLATES`` maps each
   level-2 code to feedback texts, each with measures naming a *generic* department (see
   ``GENERIC_DEPARTMENTS``) that ``department_for(unit, generic)`` resolves to a real office.
4. ``fill(text, rng, unit, year)`` replaces placeholders. Only ``ProblemTemplate.description``
   and ``ProblemTemplate.detail`` contain placeholders; every other text here is final.

Placeholders (all optional in a text): ``{unit}`` short name, ``{body}`` 党组/党委,
``{office}`` 处室/部门, ``{cadre}`` 处级/中层, ``{year}`` the feedback year, ``{since_year}`` a
year 2–4 years earlier, ``{count}`` 6–48, ``{subcount}`` a smaller count, ``{few}`` 2–4, ``{amount}`` /
``{amount_small}`` / ``{amount_large}`` sums in 万元 (two decimals).
"""

from __future__ import annotations

import bisect
import itertools
import math
import random
import string
from dataclasses import dataclass

__all__ = [
    "CATEGORIES",
    "CLOSE_OUT_NOTES",
    "CLUE_RESULTS",
    "CLUE_RESULTS_OPEN",
    "CLUE_SUMMARIES",
    "COUNTIES",
    "EVIDENCE_NAMES",
    "GENERIC_DEPARTMENTS",
    "GIVEN_NAME_CHARS",
    "INSPECTION_OFFICE",
    "LEADERSHIP_POSTS_DEPARTMENT",
    "LEADERSHIP_POSTS_ENTERPRISE",
    "MEASURE_KINDS",
    "PLACEHOLDERS",
    "PREFECTURES",
    "PROBLEM_TEMPLATES",
    "PROGRESS_NOTES",
    "RETURN_REASONS",
    "REWORK_NOTES",
    "SELF_FOUND_PROBLEMS",
    "SURNAMES",
    "TEAMS",
    "TEAM_STAFF_TITLES",
    "UNITS",
    "CategorySpec",
    "MeasureTemplate",
    "PlaceSpec",
    "PostSpec",
    "ProblemTemplate",
    "UnitSpec",
    "check_invariants",
    "department_for",
    "fill",
    "leader_for_department",
    "person_name",
    "post_areas",
    "post_title",
    "posts_for",
    "unique_names",
]

DEPARTMENT = "department"  # 省直部门
ENTERPRISE = "enterprise"  # 省属企业

MEASURE_KINDS: tuple[str, ...] = ("immediate", "deadline", "long_term")
"""立行立改 / 限期整改 / 长期坚持, the values of ``MeasureTemplate.kind``."""

_I, _D, _L = MEASURE_KINDS


# ---------------------------------------------------------------------------
# Specs
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UnitSpec:
    """An inspected party organisation and its internal offices (内设机构)."""

    code: str
    name: str
    short_name: str
    kind: str
    departments: tuple[str, ...]


@dataclass(frozen=True)
class PostSpec:
    """A seat in the leadership body (党组/党委) and the offices it is in charge of (分管)."""

    title: str
    is_principal: bool
    areas: tuple[str, ...]


@dataclass(frozen=True)
class CategorySpec:
    """A node of the problem category tree; level-1 codes are "1".."4", level-2 "2.1" etc."""

    code: str
    name: str
    children: tuple[CategorySpec, ...] = ()


@dataclass(frozen=True)
class MeasureTemplate:
    """One rectification measure: what to do, how completion is judged, who leads, which kind."""

    measure: str
    criterion: str
    department: str
    kind: str


@dataclass(frozen=True)
class ProblemTemplate:
    """A feedback item (具体问题), the unit's self-examined detail (问题表现) and its measures."""

    description: str
    detail: str
    measures: tuple[MeasureTemplate, ...]


# ---------------------------------------------------------------------------
# Units and their internal offices
# ---------------------------------------------------------------------------

GENERIC_DEPARTMENTS: tuple[str, ...] = (
    "办公室",
    "人事",
    "财务",
    "党建",
    "宣传",
    "纪检",
    "规划",
    "法规",
    "审计",
    "业务",
)
"""Role names used by ``MeasureTemplate.department``; resolve them with ``department_for``."""

# Per unit code: generic role -> the unit's actual office. Filled by the builders below.
_GENERIC_MAP: dict[str, dict[str, str]] = {}

# Per unit code: slot name -> offices, used to build the leaders' areas.
_SLOTS: dict[str, dict[str, tuple[str, ...]]] = {}

# Head titles that differ from 厅长 / 董事长 / 总经理.
_TITLE_REPLACEMENTS: dict[str, tuple[tuple[str, str], ...]] = {
    "YN-WJW": (("厅长", "主任"),),
    "YN-SCJGJ": (("厅长", "局长"),),
    "YN-LCJ": (("厅长", "局长"),),
    "YN-NXS": (("董事长", "理事长"), ("副总经理", "副主任"), ("总经理", "主任")),
}


def _unique(names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


def _department_unit(
    code: str,
    name: str,
    short_name: str,
    business: tuple[str, str, str],
    *,
    personnel: str = "人事处",
    finance: str = "财务处",
    planning: str = "发展规划处",
    legal: str = "政策法规处",
    office: str = "办公室",
    party: str = "机关党委",
) -> UnitSpec:
    """A provincial department; 机关党委 also houses the 机关纪委, so 纪检 maps to it."""
    departments = _unique((office, personnel, finance, party, planning, legal, *business))
    _GENERIC_MAP[code] = {
        "办公室": office,
        "人事": personnel,
        "财务": finance,
        "党建": party,
        "宣传": party,
        "纪检": party,
        "规划": planning,
        "法规": legal,
        "审计": finance,
        "业务": business[0],
    }
    _SLOTS[code] = {
        "general": (office, finance, planning),
        "organisation": (personnel, party),
        "business_a": business[:2],
        "business_b": (business[2], legal),
    }
    return UnitSpec(code, name, short_name, DEPARTMENT, departments)


def _enterprise_unit(
    code: str,
    name: str,
    short_name: str,
    *,
    planning: str,
    business: str,
    finance: str = "财务部",
    legal: str = "风险合规部",
    audit: str = "审计部",
    office: str = "党委办公室",
    party: str = "党群工作部",
    personnel: str = "人力资源部",
    discipline: str = "纪委办公室",
) -> UnitSpec:
    """A provincial enterprise; its 纪委 has its own office."""
    departments = _unique((office, party, personnel, finance, discipline, legal, audit, planning, business))
    _GENERIC_MAP[code] = {
        "办公室": office,
        "人事": personnel,
        "财务": finance,
        "党建": party,
        "宣传": party,
        "纪检": discipline,
        "规划": planning,
        "法规": legal,
        "审计": audit,
        "业务": business,
    }
    _SLOTS[code] = {
        "management": (planning, business),
        "finance": (finance, audit, legal),
        "party": (office, party, personnel),
        "discipline": (discipline,),
    }
    return UnitSpec(code, name, short_name, ENTERPRISE, departments)


UNITS: list[UnitSpec] = [
    _department_unit(
        "YN-JYT", "省教育厅（省委教育工委）", "省教育厅", ("基础教育处", "高等教育处", "职业教育与成人教育处")
    ),
    _department_unit(
        "YN-CZT",
        "省财政厅",
        "省财政厅",
        ("预算处", "国库处", "政府采购管理处"),
        personnel="人事教育处",
        finance="办公室",
        planning="综合处",
        legal="条法处",
    ),
    _department_unit(
        "YN-RST",
        "省人力资源社会保障厅",
        "省人社厅",
        ("就业促进处", "养老保险处", "劳动关系处"),
        finance="规划财务处",
        planning="规划财务处",
    ),
    _department_unit(
        "YN-ZRZYT",
        "省自然资源厅",
        "省自然资源厅",
        ("自然资源确权登记处", "耕地保护监督处", "矿业权管理处"),
        planning="国土空间规划处",
        legal="法规处",
    ),
    _department_unit(
        "YN-STHJT",
        "省生态环境厅",
        "省生态环境厅",
        ("大气环境处", "水生态环境处", "环境影响评价与排放管理处"),
        finance="规划财务处",
        planning="规划财务处",
        legal="法规与标准处",
    ),
    _department_unit(
        "YN-ZJT",
        "省住房城乡建设厅",
        "省住建厅",
        ("住房保障处", "建筑市场监管处", "城市建设处"),
        finance="计划财务处",
        planning="计划财务处",
    ),
    _department_unit(
        "YN-JTYST",
        "省交通运输厅",
        "省交通运输厅",
        ("建设管理处", "运输服务处", "安全监督处"),
        personnel="人事教育处",
        finance="财务审计处",
        planning="综合规划处",
    ),
    _department_unit(
        "YN-SLT",
        "省水利厅",
        "省水利厅",
        ("水资源管理处", "河湖管理处", "农村水利水电处"),
        planning="规划计划处",
    ),
    _department_unit(
        "YN-NYNCT",
        "省农业农村厅",
        "省农业农村厅",
        ("农田建设管理处", "种植业管理处", "乡村产业发展处"),
        finance="计划财务处",
        legal="法规处",
    ),
    _department_unit(
        "YN-SWT",
        "省商务厅",
        "省商务厅",
        ("对外贸易处", "外国投资管理处", "市场体系建设处"),
        planning="综合处",
        legal="条约法律处",
    ),
    _department_unit(
        "YN-WHLYT",
        "省文化和旅游厅",
        "省文旅厅",
        ("公共服务处", "市场管理处", "文物和博物馆处"),
        planning="产业发展处",
    ),
    _department_unit(
        "YN-WJW",
        "省卫生健康委",
        "省卫健委",
        ("医政医管处", "基层卫生健康处", "妇幼健康处"),
        planning="规划发展与信息化处",
        legal="法规处",
    ),
    _department_unit(
        "YN-SCJGJ",
        "省市场监管局",
        "省市场监管局",
        ("食品生产安全监督管理处", "特种设备安全监察处", "价格监督检查和反不正当竞争处"),
        finance="计划财务处",
        planning="综合规划处",
        legal="法规处",
    ),
    _department_unit(
        "YN-LCJ",
        "省林草局",
        "省林草局",
        ("生态保护修复处", "自然保护地管理处", "森林草原防火处"),
        finance="规划财务处",
        planning="规划财务处",
    ),
    _enterprise_unit(
        "YN-NXS",
        "省农村信用社联合社",
        "省农信社",
        planning="发展规划部",
        business="信贷管理部",
        finance="财务会计部",
        audit="稽核审计部",
    ),
    _enterprise_unit("YN-TZKG", "省投资控股集团", "省投控集团", planning="战略发展部", business="投资管理部"),
    _enterprise_unit(
        "YN-JSTZ",
        "省建设投资控股集团",
        "省建投集团",
        planning="战略投资部",
        business="工程管理部",
        legal="法律合规部",
    ),
    _enterprise_unit("YN-NYTZ", "省能源投资集团", "省能投集团", planning="规划发展部", business="安全环保部"),
    _enterprise_unit(
        "YN-JTTZ",
        "省交通投资建设集团",
        "省交投集团",
        planning="战略发展部",
        business="建设管理部",
        legal="法律合规部",
    ),
    _enterprise_unit("YN-JCJT", "省机场集团", "省机场集团", planning="规划发展部", business="安全管理部"),
]


def department_for(unit: UnitSpec, generic: str) -> str:
    """Resolve a generic department (e.g. "财务") to the unit's actual office (财务处, 财务部...).

    A name that already is one of the unit's offices is returned unchanged.
    """
    if generic in unit.departments:
        return generic
    try:
        return _GENERIC_MAP[unit.code][generic]
    except KeyError:
        raise KeyError(f"{unit.code}: no office for generic department {generic!r}") from None


# ---------------------------------------------------------------------------
# Leadership bodies
# ---------------------------------------------------------------------------


def _areas(kind: str, *slots: str) -> tuple[str, ...]:
    """The offices of the named slots across all units of one kind, in unit order."""
    names: list[str] = []
    for unit in UNITS:
        if unit.kind == kind:
            for slot in slots:
                names.extend(_SLOTS[unit.code][slot])
    return _unique(names)


LEADERSHIP_POSTS_DEPARTMENT: tuple[PostSpec, ...] = (
    PostSpec("党组书记、厅长", True, ("全面工作",)),
    PostSpec("党组成员、副厅长", False, _areas(DEPARTMENT, "general")),
    PostSpec("党组成员、副厅长", False, _areas(DEPARTMENT, "organisation")),
    PostSpec("党组成员、副厅长", False, _areas(DEPARTMENT, "business_a")),
    PostSpec("党组成员、副厅长", False, _areas(DEPARTMENT, "business_b")),
    PostSpec("派驻纪检监察组组长", False, ("纪检监察",)),
)
"""A department's 党组. Areas list the offices of all 14 departments; see ``post_areas``."""

LEADERSHIP_POSTS_ENTERPRISE: tuple[PostSpec, ...] = (
    PostSpec("党委书记、董事长", True, ("全面工作",)),
    PostSpec("党委副书记、总经理", False, _areas(ENTERPRISE, "management")),
    PostSpec("党委委员、副总经理", False, _areas(ENTERPRISE, "finance")),
    PostSpec("党委委员、副总经理", False, _areas(ENTERPRISE, "party")),
    PostSpec("党委委员、纪委书记", False, _areas(ENTERPRISE, "discipline")),
)
"""An enterprise's 党委. Areas list the offices of all 6 enterprises; see ``post_areas``."""


def posts_for(unit: UnitSpec) -> tuple[PostSpec, ...]:
    """The leadership posts of the unit's kind."""
    return LEADERSHIP_POSTS_DEPARTMENT if unit.kind == DEPARTMENT else LEADERSHIP_POSTS_ENTERPRISE


def leader_for_department(posts: tuple[PostSpec, ...], department_name: str) -> PostSpec:
    """The non-principal post in charge of ``department_name``; the principal if none is."""
    for post in posts:
        if not post.is_principal and department_name in post.areas:
            return post
    for post in posts:
        if post.is_principal:
            return post
    raise ValueError("posts contain no principal")


def post_title(unit: UnitSpec, post: PostSpec) -> str:
    """The post's title as used in this unit (省卫健委: 主任, 省农信社: 理事长...)."""
    title = post.title
    for old, new in _TITLE_REPLACEMENTS.get(unit.code, ()):
        title = title.replace(old, new)
    return title


def post_areas(unit: UnitSpec, post: PostSpec) -> tuple[str, ...]:
    """The post's areas within this unit: its own offices, or the post's non-office areas."""
    own = tuple(area for area in post.areas if area in unit.departments)
    if own:
        return own
    # 全面工作 / 纪检监察 are areas, not offices.
    return tuple(area for area in post.areas if area not in _ALL_OFFICES)


_ALL_OFFICES: frozenset[str] = frozenset(itertools.chain.from_iterable(u.departments for u in UNITS))


# ---------------------------------------------------------------------------
# Problem categories (DOMAIN.md §2, the "four implementations"; matches the migration)
# ---------------------------------------------------------------------------

CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec(
        "1",
        "贯彻落实党的理论和路线方针政策、党中央重大决策部署方面",
        (
            CategorySpec("1.1", "学习贯彻党的创新理论"),
            CategorySpec("1.2", "贯彻落实党中央重大决策部署"),
            CategorySpec("1.3", "履行职能责任、服务高质量发展"),
        ),
    ),
    CategorySpec(
        "2",
        "落实全面从严治党战略部署方面",
        (
            CategorySpec("2.1", "主体责任和监督责任落实"),
            CategorySpec("2.2", "落实中央八项规定精神和纠治“四风”"),
            CategorySpec("2.3", "形式主义、官僚主义"),
            CategorySpec("2.4", "腐败问题和廉洁风险"),
            CategorySpec("2.5", "意识形态工作责任制"),
        ),
    ),
    CategorySpec(
        "3",
        "落实新时代党的组织路线方面",
        (
            CategorySpec("3.1", "领导班子建设、民主集中制和“三重一大”决策"),
            CategorySpec("3.2", "干部队伍建设和选人用人"),
            CategorySpec("3.3", "基层党组织建设"),
            CategorySpec("3.4", "党内组织生活"),
        ),
    ),
    CategorySpec(
        "4",
        "巡视巡察整改和日常监督发现问题整改方面",
        (
            CategorySpec("4.1", "上轮巡视反馈问题整改"),
            CategorySpec("4.2", "审计、日常监督发现问题整改"),
        ),
    ),
)
"""Same codes and names as the reference data in inspections/migrations/0002_problem_categories.py."""


# ---------------------------------------------------------------------------
# Problem templates
# ---------------------------------------------------------------------------


def _m(measure: str, criterion: str, department: str, kind: str) -> MeasureTemplate:
    return MeasureTemplate(measure, criterion, department, kind)


def _t(description: str, detail: str, *measures: MeasureTemplate) -> ProblemTemplate:
    return ProblemTemplate(description, detail, measures)


PROBLEM_TEMPLATES: dict[str, tuple[ProblemTemplate, ...]] = {
    # 1.1 学习贯彻党的创新理论
    "1.1": (
        _t(
            "学习贯彻党的创新理论不够深入系统，{body}理论学习中心组学习研讨质量不高",
            "{year}年以来{body}理论学习中心组开展集中学习{count}次，其中{subcount}次以领读文件代替交流研讨，部分研讨发言材料内容雷同。",
            _m(
                "修订理论学习中心组学习规则，明确年度学习专题、领学人、研讨发言和考勤要求",
                "学习规则经班子会议审议后印发；年度学习计划列明不少于12个专题，每次专题研讨班子成员均有书面发言",
                "党建",
                _D,
            ),
            _m(
                "对近两年中心组学习记录逐次复盘，内容雷同的研讨材料退回本人重新撰写",
                "复盘清单逐次列明存在问题，重写材料全部提交并归入学习档案",
                "党建",
                _I,
            ),
            _m(
                "实行中心组学习情况年度报告制度，按要求向上级党组织报送学习情况",
                "每年形成学习情况报告并按时报送，学习档案完整可查",
                "办公室",
                _L,
            ),
        ),
        _t(
            "对上轮巡视指出的“理论学习与业务工作结合不紧”问题整改不到位，以学促干成效不明显",
            "上轮巡视整改中制定的学用结合任务清单共{count}项，经逐项复核，仍有{subcount}项停留在学习层面，未转化为具体工作举措。",
            _m(
                "对学用结合任务清单逐项复核，未转化事项重新明确牵头内设机构和完成时限",
                "复核报告逐项列明转化成果；未完成事项全部明确责任人和完成时限",
                "规划",
                _I,
            ),
            _m(
                "班子成员结合分管领域重点工作各牵头开展1项专题调研，形成调研报告并推动成果转化",
                "每名班子成员完成1篇调研报告，调研提出的对策建议均有对应的落实举措",
                "办公室",
                _D,
            ),
            _m(
                "将学习成果转化情况纳入内设机构年度目标考核",
                "年度考核办法修订印发，考核细则中单列学用转化指标并在当年考核中实际运用",
                "人事",
                _D,
            ),
        ),
        _t(
            "“第一议题”制度落实不够到位，传达学习后研究贯彻措施不具体",
            "抽查{year}年以来{count}次班子会议记录，“第一议题”学习后有{subcount}次未结合本单位实际研究部署具体贯彻措施。",
            _m(
                "完善“第一议题”制度实施办法，明确学习、研究、部署、督办闭环要求",
                "实施办法印发执行；此后每次“第一议题”学习后均形成贯彻落实任务分解表",
                "办公室",
                _D,
            ),
            _m(
                "对学习后未研究贯彻措施的议题逐一补充研究部署",
                "补充研究事项全部形成会议纪要和任务分解表，明确责任内设机构和时限",
                "办公室",
                _I,
            ),
            _m(
                "建立“第一议题”落实情况督办台账，按季度跟踪任务完成情况",
                "督办台账按季度更新，任务办结率在季度工作通报中列示",
                "办公室",
                _L,
            ),
        ),
        _t(
            "青年干部理论武装存在薄弱环节，青年理论学习小组活动不经常",
            "本级及所属单位35岁以下青年干部参加系统理论培训的不足六成，{subcount}个青年理论学习小组全年活动少于4次。",
            _m(
                "制定青年干部理论学习培训计划，分批次开展集中轮训",
                "青年干部系统理论培训参训率达到100%，培训签到表和结业考核记录完整",
                "人事",
                _D,
            ),
            _m(
                "规范青年理论学习小组设置，明确每月至少开展1次集中学习",
                "青年理论学习小组调整设置文件印发，活动记录按月归档，年度检查无空档月份",
                "党建",
                _D,
            ),
            _m(
                "坚持开展青年干部读书分享、岗位讲堂等活动",
                "每季度至少组织1次青年干部学习交流活动，活动记录和学习体会归档",
                "党建",
                _L,
            ),
        ),
        _t(
            "理论学习存在“上热中温下冷”现象，所属单位学习传达上级重要会议和文件精神不及时",
            "抽查{count}个所属单位，有{subcount}个未在规定时限内传达学习上级重要会议精神，个别单位学习记录存在事后补记现象。",
            _m(
                "对所属单位学习传达情况开展专项检查，对补记学习记录的单位约谈主要负责人",
                "专项检查覆盖全部所属单位；约谈记录和被约谈单位书面整改报告全部归档",
                "党建",
                _I,
            ),
            _m(
                "明确重要会议和文件精神传达学习时限，实行所属单位学习情况月报制度",
                "时限要求以正式文件下发；所属单位按月报送学习情况，连续两个季度无迟报漏报",
                "办公室",
                _D,
            ),
            _m(
                "修订所属单位党建工作考核细则，将理论学习情况作为重要考核内容",
                "考核细则修订印发，年度考核结果中理论学习单项得分可查",
                "党建",
                _D,
            ),
        ),
    ),
    # 1.2 贯彻落实党中央重大决策部署
    "1.2": (
        _t(
            "贯彻落实党中央重大决策部署和省委工作要求有差距，部分重点任务推进缓慢",
            "{year}年承担的省委、省政府重点任务{count}项，截至自查时仍有{subcount}项未达到序时进度。",
            _m(
                "对进度滞后任务逐项分析原因，重新明确责任领导、牵头内设机构和完成时限",
                "滞后任务分析报告经班子会议审议；每项任务明确责任领导、责任内设机构和责任人",
                "规划",
                _I,
            ),
            _m(
                "建立重点任务月调度、季通报工作机制，对连续滞后的任务实行挂牌督办",
                "每月形成调度清单、每季度印发进展通报；整改期内重点任务序时进度达标率达到100%",
                "办公室",
                _D,
            ),
            _m(
                "对推进不力的内设机构和所属单位负责人开展约谈",
                "约谈全部完成，被约谈人书面整改报告提交并归档",
                "纪检",
                _D,
            ),
            _m(
                "坚持重点任务半年评估，评估结果与年度考核挂钩",
                "每半年形成评估报告报班子会议，评估结果在年度考核中运用",
                "规划",
                _L,
            ),
        ),
        _t(
            "对上轮巡视反馈“落实重大决策部署打折扣”问题整改不彻底，相关配套措施细化不到位",
            "上轮巡视整改承诺出台的{count}项配套政策措施，目前仍有{subcount}项未印发实施，已印发的部分措施缺乏可操作性。",
            _m(
                "对未出台的配套措施倒排工期，加快起草、征求意见和合法性审查",
                "未出台的配套措施在整改期限内全部印发，每项措施均附合法性审查意见",
                "法规",
                _D,
            ),
            _m(
                "对已印发的配套措施开展执行效果评估，可操作性不强的及时修订",
                "形成评估报告；评估认定需修订的措施全部完成修订或废止",
                "法规",
                _D,
            ),
            _m(
                "建立政策文件“出台—评估—修订”全周期管理台账",
                "台账建立并每半年更新一次，政策文件评估覆盖率达到100%",
                "办公室",
                _L,
            ),
        ),
        _t(
            "服务和融入全省发展大局站位不高，对承担的改革任务研究谋划不够",
            "承担的{count}项年度改革任务中，有{subcount}项改革方案未按时报审，部分改革事项停留在文件层面。",
            _m(
                "重新梳理年度改革任务，逐项制定推进计划和阶段目标",
                "改革任务推进计划经班子会议审议印发，逐项明确阶段目标、责任领导和完成时限",
                "规划",
                _I,
            ),
            _m(
                "对停留在文件层面的改革事项开展专项督查，推动落地见效",
                "专项督查报告形成；相关改革事项均有可检验的落地成果（制度运行记录、数据或案例）",
                "办公室",
                _D,
            ),
            _m(
                "将改革任务推进情况纳入班子成员和内设机构年度考核",
                "年度考核方案中单列改革任务指标，考核等次与推进成效挂钩",
                "人事",
                _D,
            ),
        ),
        _t(
            "推动高质量发展思路举措不多，主要目标任务完成情况不理想",
            "对照{year}年度目标任务，{count}项主要指标中有{subcount}项未完成，分析研判不深入，应对措施针对性不强。",
            _m(
                "召开班子专题会议，对未完成指标逐项分析原因",
                "形成专题分析报告，未完成指标逐项明确追赶措施和责任领导",
                "规划",
                _I,
            ),
            _m(
                "修订中长期发展规划重点任务分解方案",
                "分解方案印发实施，重点任务全部落实到内设机构和责任人",
                "规划",
                _D,
            ),
            _m(
                "建立主要指标季度监测分析制度，对偏离目标的指标及时预警",
                "每季度形成监测分析报告并提交班子会议研究，预警事项均有应对措施记录",
                "规划",
                _L,
            ),
        ),
        _t(
            "执行重大事项请示报告制度不严格，个别重大事项未按规定及时请示报告",
            "经自查，{year}年以来有{few}项应当报告的重大事项未严格按程序请示报告，部分事项属于事后补报。",
            _m(
                "对照重大事项请示报告有关规定，梳理制定本单位请示报告事项清单",
                "请示报告事项清单经班子会议审议印发，明确事项范围、报告程序和时限",
                "办公室",
                _D,
            ),
            _m(
                "对未按规定报告的事项逐项补办程序并作出书面说明",
                "补报事项全部履行程序，书面情况说明报上级党组织备案",
                "办公室",
                _I,
            ),
            _m(
                "建立请示报告登记制度，每年开展一次执行情况检查",
                "请示报告登记台账完整；年度检查报告形成并在班子会议上通报",
                "办公室",
                _L,
            ),
        ),
    ),
    # 1.3 履行职能责任、服务高质量发展
    "1.3": (
        _t(
            "对所属单位监督管理不到位，管理存在“宽松软”现象",
            "{year}年以来对所属单位开展监督检查{count}次，发现问题后跟踪督促不及时，有{subcount}个问题长期未整改销号。",
            _m(
                "全面梳理对所属单位监督检查发现的问题，建立整改台账逐项督促整改",
                "台账逐项明确整改责任单位和时限，问题整改销号率达到100%",
                "业务",
                _D,
            ),
            _m(
                "制定所属单位监督管理办法，明确检查频次、问题移交和问责衔接",
                "管理办法经班子会议审议印发，执行满一年后开展评估",
                "法规",
                _D,
            ),
            _m(
                "对问题长期未整改的所属单位负责人进行约谈",
                "约谈全部完成，约谈记录和整改承诺书归档",
                "纪检",
                _I,
            ),
        ),
        _t(
            "防范化解重大风险意识不强，重点领域风险隐患排查不深入",
            "经排查，债务、安全生产、信访稳定等领域存在风险隐患{count}项，其中{subcount}项未制定处置预案。",
            _m(
                "开展重点领域风险隐患全面排查，建立风险清单和处置责任清单",
                "风险清单覆盖全部重点领域，每项风险明确责任领导、化解措施和时限",
                "规划",
                _I,
            ),
            _m(
                "对未制定处置预案的风险隐患逐项制定预案并组织演练",
                "处置预案全部印发；重大风险处置预案至少组织1次实战演练并形成评估记录",
                "办公室",
                _D,
            ),
            _m(
                "坚持风险定期研判，重大风险及时向上级报告",
                "每季度开展1次风险研判，研判报告提交班子会议，重大风险报告记录完整",
                "规划",
                _L,
            ),
        ),
        _t(
            "安全生产责任落实不到位，“一岗双责”压得不实",
            "{year}年所属单位发生一般生产安全事故{subcount}起，隐患排查发现的{count}项隐患中仍有部分未按期整改。",
            _m(
                "修订安全生产责任清单，明确班子成员和各内设机构安全生产职责",
                "责任清单印发，本级及所属单位安全生产责任书签订率达到100%",
                "业务",
                _D,
            ),
            _m(
                "对逾期未整改隐患实行挂牌督办，逐项整改销号",
                "挂牌隐患全部整改销号，整改前后对比资料和验收意见归档",
                "业务",
                _D,
            ),
            _m(
                "对发生事故的单位开展责任倒查，依规依纪依法追究责任",
                "事故责任调查报告形成，责任追究决定全部执行到位",
                "纪检",
                _D,
            ),
            _m(
                "将安全生产纳入年度综合考核，实行“一票否决”",
                "年度考核办法修订印发，考核结果中安全生产指标单列并实际运用",
                "人事",
                _D,
            ),
        ),
        _t(
            "以人民为中心的发展思想树得不牢，群众反映强烈的问题解决不及时",
            "抽查{year}年以来受理的群众来信来访和服务热线诉求{count}件，其中{subcount}件超期办理，个别诉求反复投诉未得到实质性解决。",
            _m(
                "对超期办理和重复投诉事项逐件复核，限时办结并回访",
                "超期事项全部办结，回访记录完整，回访满意率不低于90%",
                "办公室",
                _I,
            ),
            _m(
                "完善信访和诉求办理工作机制，实行首办负责和办结回访制度",
                "工作机制以正式文件印发；整改期内诉求按期办结率达到95%以上",
                "办公室",
                _D,
            ),
            _m(
                "每季度分析群众诉求热点，推动共性问题源头治理",
                "每季度形成诉求分析报告，反映集中的共性问题均有对应的制度或政策举措",
                "规划",
                _L,
            ),
        ),
        _t(
            "依法履职意识不强，规范性文件和重大合同合法性审查不到位",
            "抽查{year}年以来{count}份规范性文件和重大合同，有{subcount}份未经合法性审查即印发或签订。",
            _m(
                "对未经合法性审查的文件和合同开展补充审查，存在问题的及时修订或依法处置",
                "补充审查意见全部出具，问题文件和合同的处置结果有据可查",
                "法规",
                _I,
            ),
            _m(
                "修订合法性审查工作规则，将合法性审查作为发文和合同签订的前置程序",
                "工作规则印发；办公系统中未附审查意见的文件、合同无法进入签发流程",
                "法规",
                _D,
            ),
            _m(
                "组织法治专题培训和以案释法活动",
                "整改期内至少组织2次法治专题培训，领导干部参训率达到100%",
                "人事",
                _D,
            ),
        ),
    ),
    # 2.1 主体责任和监督责任落实
    "2.1": (
        _t(
            "落实全面从严治党主体责任不到位，主体责任虚化、空转",
            "{body}研究全面从严治党工作多为原则性部署，与业务工作同部署、同检查不够，责任清单未分解到{office}和所属单位。",
            _m(
                "修订全面从严治党主体责任清单，细化领导班子、主要负责人、班子成员和内设机构责任",
                "主体责任清单印发；逐级签订责任书，覆盖全部内设机构和所属单位",
                "党建",
                _D,
            ),
            _m(
                "主要负责人与班子成员、班子成员与分管内设机构负责人逐级开展履责谈话",
                "履责谈话全覆盖，谈话记录经谈话双方签字后归档",
                "党建",
                _I,
            ),
            _m(
                "坚持每季度专题研究全面从严治党工作",
                "每季度至少专题研究1次，会议纪要明确具体任务、责任人和完成时限",
                "办公室",
                _L,
            ),
        ),
        _t(
            "班子成员落实“一岗双责”不到位，对分管领域廉政风险管控不力",
            "班子成员对分管{office}和所属单位开展廉政谈话、督促检查不经常，分管领域{year}年以来发生违纪违法问题{subcount}起。",
            _m(
                "针对分管领域已发生的违纪违法问题开展以案促改，查找制度漏洞",
                "以案促改报告形成，查找出的制度漏洞全部完成建章立制",
                "纪检",
                _D,
            ),
            _m(
                "班子成员在年度民主生活会上就落实“一岗双责”情况作对照检查",
                "对照检查材料逐一体现“一岗双责”履行情况，相互批评意见具体明确",
                "党建",
                _D,
            ),
            _m(
                "班子成员每半年专题听取分管内设机构和所属单位党风廉政建设情况汇报",
                "每名班子成员每半年听取汇报不少于1次，汇报记录完整",
                "党建",
                _L,
            ),
        ),
        _t(
            "支持配合纪检监察机构履行监督责任不够主动，发现问题线索移送不及时",
            "经梳理，{year}年以来内部审计、日常检查中发现的{count}个涉嫌违纪问题，有{subcount}个未按规定及时移送纪检监察机构。",
            _m(
                "全面梳理未及时移送的问题线索，立即按程序移送",
                "应移送问题线索全部移送，移送清单经纪检监察机构签收",
                "审计",
                _I,
            ),
            _m(
                "明确内部审计、日常检查发现问题线索的移送标准、程序和时限",
                "移送工作规程印发；此后发现的问题线索移送按期率达到100%",
                "审计",
                _D,
            ),
            _m(
                "建立与纪检监察机构定期会商和信息通报机制",
                "会商机制印发，每季度至少会商1次并形成会商记录",
                "纪检",
                _D,
            ),
        ),
        _t(
            "对上轮巡视指出的“日常监督失之于宽”问题整改不到位，内设纪检组织监督作用发挥不充分",
            "内设纪检组织专职人员配备不足，{year}年开展专项监督检查{few}次，日常监督多以参加会议、会签文件代替。",
            _m(
                "配齐配强内设纪检组织专职干部，开展纪检业务培训",
                "专职纪检干部按规定配备到位；年度业务培训不少于40学时",
                "人事",
                _D,
            ),
            _m(
                "清理纪检组织负责人参与的与监督职责无关的议事协调事项",
                "清理清单形成，纪检组织负责人不再分管或参与与监督无关的业务工作",
                "纪检",
                _I,
            ),
            _m(
                "制定年度监督检查计划，聚焦重点领域和关键岗位开展专项监督",
                "年度监督计划印发，全年专项监督不少于4次，每次形成监督检查报告",
                "纪检",
                _D,
            ),
            _m(
                "坚持向上级纪检监察机构定期报告监督工作情况",
                "每半年报送一次监督工作报告，报送记录完整",
                "纪检",
                _L,
            ),
        ),
        _t(
            "运用监督执纪“第一种形态”不经常，对苗头性、倾向性问题提醒纠正不及时",
            "{year}年以来运用“第一种形态”处理{subcount}人次，与干部队伍规模和信访举报反映问题数量不相匹配。",
            _m(
                "对近年来反映的苗头性、倾向性问题逐一梳理，该提醒的提醒、该函询的函询",
                "梳理清单逐项明确处置方式，处置结果全部反馈并归档",
                "纪检",
                _I,
            ),
            _m(
                "建立领导干部廉政档案，完善日常谈话提醒工作机制",
                "廉政档案覆盖全部领导干部，谈话提醒工作办法印发",
                "纪检",
                _D,
            ),
            _m(
                "每半年对“第一种形态”运用情况进行分析",
                "每半年形成分析报告，报送班子会议和上级纪检监察机构",
                "纪检",
                _L,
            ),
        ),
    ),
    # 2.2 落实中央八项规定精神和纠治“四风”
    "2.2": (
        _t(
            "落实中央八项规定精神不严格，违规发放津贴补贴问题仍有发生",
            "经自查，{since_year}年以来{unit}本级及所属单位以加班补助、课题劳务等名义违规发放津贴补贴，涉及{count}人次、金额{amount}万元。",
            _m(
                "开展津贴补贴发放情况专项清理，逐笔核查近年来发放记录",
                "清理台账逐笔列明发放依据；违规发放资金全部清退到位，台账经财务、纪检部门签字确认",
                "财务",
                _I,
            ),
            _m(
                "对违规发放问题相关责任人依规依纪追究责任",
                "责任追究意见经班子会议研究，处理结果书面告知本人并归档",
                "纪检",
                _D,
            ),
            _m(
                "修订津贴补贴和劳务费发放管理办法，严禁无依据发放",
                "管理办法印发；此后发放事项全部履行审核审批程序，年度内部审计未发现新发问题",
                "财务",
                _D,
            ),
        ),
        _t(
            "对上轮巡视反馈的违规公务接待问题整改不彻底，超标准、超范围接待问题反弹",
            "抽查{year}年公务接待报销凭证{count}笔，有{subcount}笔存在无公函接待、陪餐人数超标或接待清单填写不实问题，涉及金额{amount_small}万元。",
            _m(
                "对近三年公务接待报销凭证开展全面核查，违规费用由相关责任人承担",
                "核查覆盖全部接待凭证，违规费用全部退缴，退缴凭证归档",
                "财务",
                _I,
            ),
            _m(
                "修订公务接待管理办法，严格执行公函、接待清单、报销凭证“三单”审核",
                "管理办法印发；此后接待报销凭证“三单”齐全率达到100%",
                "办公室",
                _D,
            ),
            _m(
                "深刻剖析问题反弹原因，在专题民主生活会上进行检视",
                "对照检查材料载明问题反弹原因和具体整改措施，会议情况报告按时报送",
                "党建",
                _D,
            ),
            _m(
                "纪检组织每半年对公务接待开展抽查",
                "每半年抽查不少于当期接待凭证的20%，抽查结果在本单位通报",
                "纪检",
                _L,
            ),
        ),
        _t(
            "对上轮巡视指出的公务用车管理问题整改不到位，公车私用、违规报销车辆费用问题仍有发生",
            "核查公务用车运行记录，发现{count}台次存在无派车单出车、节假日未封存或加油记录与行驶里程不符问题，涉及费用{amount_small}万元。",
            _m(
                "全面核查公务用车派车、加油、维修记录，对公车私用产生的费用予以追缴",
                "核查报告形成，违规费用全部追缴到位，相关责任人已作出书面检查",
                "办公室",
                _I,
            ),
            _m(
                "推行公务用车定位监控和电子派单管理",
                "全部公务用车安装定位终端，派车单电子化率达到100%",
                "办公室",
                _D,
            ),
            _m(
                "严格执行节假日公务用车封存和报备制度",
                "节假日封存登记记录完整，纪检组织抽查未发现违规使用",
                "办公室",
                _L,
            ),
        ),
        _t(
            "违规吃喝、违规收送礼品礼金问题禁而未绝，“四风”隐形变异问题仍然存在",
            "自查发现所属单位有{subcount}名干部在节日期间接受管理服务对象宴请，个别会议、培训存在变相公款吃喝问题，涉及金额{amount_small}万元。",
            _m(
                "对自查发现问题逐人核实，依规依纪严肃处理并通报",
                "处理决定全部作出，典型问题在本单位及所属单位范围内通报",
                "纪检",
                _I,
            ),
            _m(
                "清理近年来会议费、培训费支出，严禁借会议、培训名义安排宴请",
                "会议费、培训费清理台账完成，违规列支费用全部退回",
                "财务",
                _D,
            ),
            _m(
                "在元旦、春节、中秋、国庆等重要节点前开展廉洁提醒，节后开展监督检查",
                "每个重要节点均印发提醒通知并开展检查，检查报告归档",
                "纪检",
                _L,
            ),
        ),
        _t(
            "办公用房清理整改不彻底，超标准使用和违规出借问题依然存在",
            "上轮巡视指出的{count}间超标准办公用房，仍有{subcount}间未完成调整，部分闲置用房违规出借给其他单位使用。",
            _m(
                "对超标准办公用房逐间核查，按标准完成调整腾退",
                "超标办公用房全部调整到位，调整前后面积对比表经分管领导签字存档",
                "办公室",
                _D,
            ),
            _m(
                "收回违规出借的房产，对出借期间收取的费用进行清理",
                "违规出借房产全部收回，相关收入足额入账并按规定上缴",
                "财务",
                _D,
            ),
            _m(
                "建立办公用房使用动态台账，每年开展一次清查",
                "台账按年更新，年度清查报告形成",
                "办公室",
                _L,
            ),
        ),
    ),
    # 2.3 形式主义、官僚主义
    "2.3": (
        _t(
            "形式主义、官僚主义问题仍然存在，文山会海现象有所反弹",
            "{year}年本级发文数量、会议数量同比上升，抽查的{count}次会议中有{subcount}次存在层层陪会现象，有的文件照抄照转上级文件。",
            _m(
                "清理照抄照转文件，对内容相近的会议合并召开",
                "清理清单形成，照抄照转文件全部废止或整合",
                "办公室",
                _I,
            ),
            _m(
                "制定精文减会具体措施，实行发文和会议计划管理",
                "年度发文、会议数量较上年分别压减不少于10%，发文和会议统计台账可查",
                "办公室",
                _D,
            ),
            _m(
                "建立基层减负联系点，定期听取基层意见",
                "联系点覆盖主要所属单位，每半年汇总基层意见并反馈处理结果",
                "党建",
                _L,
            ),
        ),
        _t(
            "督查检查考核过多过频，层层填表报数加重基层负担",
            "{year}年对所属单位开展各类督查检查考核{count}项，部分检查内容重复，有的要求基层反复填报同类报表和材料。",
            _m(
                "全面清理督查检查考核事项，实行年度计划和审批备案管理",
                "督查检查考核事项压减不少于30%，计划外事项未经审批一律不得开展",
                "办公室",
                _D,
            ),
            _m(
                "统一报表填报口径，推行数据共享，取消重复报表",
                "报表整合清单印发，重复报表全部取消，基层填报事项较整改前明显减少",
                "规划",
                _D,
            ),
            _m(
                "每年对基层减负情况开展一次“回头看”",
                "年度回头看报告形成，发现问题整改情况在本单位通报",
                "办公室",
                _L,
            ),
        ),
        _t(
            "对上轮巡视整改存在“以文件落实文件”现象，部分整改措施停留在纸面",
            "上轮巡视整改期间新制定制度{count}项，其中{subcount}项未配套实施细则，执行情况无检查、无评估。",
            _m(
                "对上轮整改新制定的制度逐项开展执行情况评估",
                "评估报告逐项说明执行效果，执行不到位的明确整改措施和责任人",
                "法规",
                _D,
            ),
            _m(
                "对缺少实施细则的制度限期制定配套细则",
                "配套细则全部印发，每项细则明确操作流程、责任岗位和监督方式",
                "法规",
                _D,
            ),
            _m(
                "将制度执行情况纳入年度内部监督检查范围",
                "年度监督检查报告中单列制度执行情况，发现问题整改率达到100%",
                "纪检",
                _L,
            ),
        ),
        _t(
            "调查研究不深入，个别项目决策脱离实际，造成资金闲置和损失浪费",
            "{since_year}年以来实施的项目中，有{subcount}个因前期论证不充分导致建成后闲置或使用率低，涉及资金{amount}万元。",
            _m(
                "对闲置和使用率低的项目逐个提出盘活利用方案",
                "盘活方案经班子会议审议，闲置项目全部明确处置路径和完成时限",
                "规划",
                _D,
            ),
            _m(
                "健全项目前期论证和决策程序，重大项目实行专家论证和风险评估",
                "项目决策管理办法修订印发，此后新立项项目论证和风险评估资料齐全",
                "规划",
                _D,
            ),
            _m(
                "查明造成损失浪费的原因，依规依纪追究相关人员责任",
                "责任调查报告形成，追责决定执行到位",
                "纪检",
                _D,
            ),
            _m(
                "实行项目绩效后评价，评价结果与预算安排挂钩",
                "项目完工一年内完成后评价，评价结果在下年度预算编制中运用",
                "财务",
                _L,
            ),
        ),
        _t(
            "担当作为不够，对基层和服务对象反映的问题推诿扯皮",
            "经梳理，基层和服务对象反映问题{count}件，有{subcount}件在{office}之间转办超过2次仍未办结。",
            _m(
                "对推诿扯皮事项逐件明确牵头内设机构，限期办结",
                "相关事项全部办结，办理结果书面反馈当事人",
                "办公室",
                _I,
            ),
            _m(
                "制定内设机构职责边界清单，明确交叉事项首问负责",
                "职责边界清单印发，交叉事项全部明确牵头内设机构",
                "人事",
                _D,
            ),
            _m(
                "对推诿扯皮造成不良影响的人员进行问责",
                "问责处理结果归档，并在本单位内部通报",
                "纪检",
                _D,
            ),
        ),
    ),
    # 2.4 腐败问题和廉洁风险
    "2.4": (
        _t(
            "重点领域和关键环节廉洁风险防控不到位，工程建设项目管理存在漏洞",
            "抽查工程项目{count}个，发现{subcount}个存在未批先建、违规变更设计或超概算问题，涉及金额{amount_large}万元。",
            _m(
                "对抽查发现问题的工程项目开展专项审计，核实变更和超概算原因",
                "专项审计报告形成，违规变更和超概算资金逐项处理到位",
                "审计",
                _D,
            ),
            _m(
                "修订工程项目管理办法，严格设计变更审批和概算控制",
                "管理办法印发；此后设计变更全部履行审批程序，审批记录可查",
                "规划",
                _D,
            ),
            _m(
                "对未批先建等违规行为涉及的责任人员依规依纪处理",
                "责任认定和处理意见经班子会议研究，处理结果归档",
                "纪检",
                _D,
            ),
        ),
        _t(
            "对上轮巡视指出的采购管理问题整改不彻底，规避公开招标、化整为零问题依然突出",
            "{year}年以来有{subcount}个采购项目被拆分后采取询价或直接采购方式，涉及金额{amount_large}万元。",
            _m(
                "对拆分采购项目逐一核查，认定违规的按程序处理",
                "核查台账逐项列明认定结论，违规项目全部处理到位",
                "财务",
                _I,
            ),
            _m(
                "修订采购管理办法，建立年度采购计划和采购需求集中审核机制",
                "采购管理办法印发，年度采购计划经班子会议审议后执行",
                "财务",
                _D,
            ),
            _m(
                "纪检组织对大额采购项目开展全过程监督",
                "大额采购项目监督全覆盖，监督记录归档",
                "纪检",
                _L,
            ),
        ),
        _t(
            "对上轮巡视指出的干部亲属经商办企业问题清理不彻底，利益冲突风险仍然存在",
            "干部及其亲属经商办企业专项清理中，仍有{subcount}名干部亲属在本单位业务范围内从事经营活动，未作规范处理。",
            _m(
                "对干部及其亲属经商办企业情况逐人复核，未规范处理的限期纠正",
                "复核全覆盖；未规范处理的全部退出经营活动或调整本人岗位，书面报告归档",
                "人事",
                _D,
            ),
            _m(
                "对隐瞒不报的干部按规定严肃处理",
                "处理意见全部作出，处理结果记入干部人事档案",
                "纪检",
                _D,
            ),
            _m(
                "将经商办企业情况作为个人有关事项报告抽查核实的重点",
                "每年按规定比例抽查核实，核实结果在干部选拔任用中运用",
                "人事",
                _L,
            ),
        ),
        _t(
            "对上轮巡视指出的资产管理问题整改不彻底，账外资产、闲置资产问题依然存在，国有资产存在流失风险",
            "资产清查发现账外资产{count}项，有{subcount}项房产、设备长期闲置或被无偿占用，涉及资产原值{amount}万元。",
            _m(
                "开展资产全面清查，对账外资产登记入账",
                "账外资产全部登记入账，资产账实相符率达到100%",
                "财务",
                _D,
            ),
            _m(
                "收回被无偿占用的资产，对闲置资产制定盘活处置方案",
                "被占用资产全部收回或依规有偿使用，盘活处置方案经班子会议审议",
                "财务",
                _D,
            ),
            _m(
                "实行资产动态台账管理和年度盘点",
                "资产台账按季度更新，年度盘点报告形成",
                "财务",
                _L,
            ),
        ),
        _t(
            "对“一把手”和领导班子监督制约不力，关键岗位人员长期未交流",
            "财务、采购、项目管理等关键岗位中有{subcount}人在同一岗位任职超过10年，未按规定轮岗交流。",
            _m(
                "落实主要负责人不直接分管财务、人事、工程项目、物资采购等工作的规定",
                "班子成员分工文件重新印发，主要负责人不再直接分管上述工作",
                "办公室",
                _I,
            ),
            _m(
                "梳理关键岗位人员任职情况，制定轮岗交流计划",
                "轮岗交流计划经班子会议审议，任职期满人员在整改期内全部交流到位",
                "人事",
                _D,
            ),
            _m(
                "动态排查关键岗位廉政风险点，落实防控措施",
                "每年更新廉政风险点清单，防控措施落实到岗到人",
                "纪检",
                _L,
            ),
        ),
    ),
    # 2.5 意识形态工作责任制
    "2.5": (
        _t(
            "落实意识形态工作责任制不到位，分析研判不经常",
            "{year}年{body}研究意识形态工作多为传达上级文件，未按要求每半年开展一次意识形态形势分析研判。",
            _m(
                "对本级及所属单位意识形态工作开展专项检查",
                "专项检查覆盖全部所属单位，检查发现问题清单逐项整改",
                "宣传",
                _I,
            ),
            _m(
                "修订意识形态工作责任制实施细则，明确班子成员“一岗双责”",
                "实施细则印发，班子成员意识形态工作责任清单逐项明确",
                "宣传",
                _D,
            ),
            _m(
                "坚持每半年开展一次意识形态形势分析研判",
                "每半年形成研判报告，并经班子会议专题研究",
                "宣传",
                _L,
            ),
        ),
        _t(
            "网络意识形态阵地管理不严，所属单位网站和新媒体账号审核把关不严",
            "经排查，所属单位开设网站和新媒体账号{count}个，其中{subcount}个未履行备案审批手续，个别账号长期不更新。",
            _m(
                "全面清理所属单位网站和新媒体账号，关停长期不更新的账号",
                "清理台账形成，长期不更新账号全部关停注销，保留账号全部备案",
                "宣传",
                _I,
            ),
            _m(
                "建立网站和新媒体信息发布“三审三校”制度",
                "审核制度印发；信息发布审核记录完整，抽查未发现未经审核发布的信息",
                "宣传",
                _D,
            ),
            _m(
                "每季度开展网站和新媒体账号安全检查",
                "每季度检查并形成记录，全年未发生违规信息发布",
                "办公室",
                _D,
            ),
        ),
        _t(
            "对上轮巡视指出的“讲座、论坛、报告会审批管理不严”问题整改不彻底",
            "{year}年以来举办各类讲座、论坛、报告会{count}场，有{subcount}场未履行审批备案手续。",
            _m(
                "对未履行审批备案手续的活动逐场核查，查明原因并追究责任",
                "核查报告形成，相关责任人处理意见落实到位",
                "宣传",
                _I,
            ),
            _m(
                "修订讲座、论坛、报告会管理办法，实行“一会一报”",
                "管理办法印发；此后举办的活动审批备案率达到100%",
                "宣传",
                _D,
            ),
            _m(
                "实行活动信息登记和年度评估",
                "活动登记台账完整，年度评估报告形成",
                "宣传",
                _L,
            ),
        ),
        _t(
            "舆情应对处置能力不足，涉及本单位的网络舆情回应不及时",
            "{year}年发生涉及本单位的网络舆情{subcount}起，有的未按规定时限回应，造成一定负面影响。",
            _m(
                "对已发生的舆情逐起复盘，查找处置中存在的问题",
                "复盘报告形成，查找出的问题均有整改措施",
                "宣传",
                _I,
            ),
            _m(
                "修订网络舆情应急处置预案，明确监测、研判、回应流程和时限",
                "应急预案印发并组织演练，此后发生的舆情回应按时率达到100%",
                "宣传",
                _D,
            ),
            _m(
                "落实专人开展舆情日常监测，定期形成舆情分析",
                "舆情监测人员明确，每月形成舆情分析简报",
                "宣传",
                _L,
            ),
        ),
        _t(
            "干部职工思想动态分析不经常，意识形态领域风险排查不深入",
            "所属单位中有{subcount}个未按要求开展干部职工思想动态分析，意识形态风险点清单未及时更新。",
            _m(
                "更新意识形态风险点清单，落实防控措施",
                "风险点清单更新印发，防控措施逐项落实到责任人",
                "宣传",
                _I,
            ),
            _m(
                "组织本级及所属单位开展干部职工思想动态分析",
                "思想动态分析覆盖全部所属单位，分析报告经班子会议审阅",
                "宣传",
                _D,
            ),
            _m(
                "将意识形态工作纳入党建工作考核和领导干部述职评议内容",
                "考核细则修订印发，年度述职报告中包含意识形态工作内容",
                "党建",
                _D,
            ),
        ),
    ),
    # 3.1 领导班子建设、民主集中制和“三重一大”决策
    "3.1": (
        _t(
            "对上轮巡视反馈的“三重一大”决策问题整改不到位，集体决策制度落实仍不严格",
            "抽查{year}年以来{count}个“三重一大”事项，有{subcount}个未经集体研究，或以碰头会、专题会代替班子会议决策。",
            _m(
                "对未经集体决策的事项逐项复核，按程序补充履行决策手续",
                "复核清单完成，需补充决策的事项全部提交班子会议研究",
                "办公室",
                _I,
            ),
            _m(
                "修订“三重一大”决策制度实施办法，细化事项清单和决策程序",
                "实施办法印发，事项清单明确金额标准和决策层级",
                "办公室",
                _D,
            ),
            _m(
                "纪检组织对“三重一大”决策执行情况开展年度专项监督",
                "年度专项监督报告形成，发现问题全部整改",
                "纪检",
                _L,
            ),
        ),
        _t(
            "班子议事规则执行不规范，主要负责人末位表态制度落实不到位",
            "查阅{count}次班子会议记录，有{subcount}次未体现参会成员逐一表态，个别议题临时动议上会。",
            _m(
                "严格议题审核，除紧急情况外不得临时动议",
                "议题材料会前分送参会人员；临时动议事项均附紧急情况说明",
                "办公室",
                _I,
            ),
            _m(
                "修订班子议事规则，明确议题提交、会前酝酿、末位表态和会议记录要求",
                "议事规则印发执行，会议记录逐一载明参会人员表态意见",
                "办公室",
                _D,
            ),
            _m(
                "每年对议事规则执行情况开展自查",
                "年度自查报告形成并报上级党组织备案",
                "办公室",
                _L,
            ),
        ),
        _t(
            "领导班子民主生活会质量不高，批评和自我批评辣味不足",
            "{year}年度民主生活会班子成员相互批评意见共{count}条，多为工作建议类意见，查摆问题与上轮巡视反馈问题关联不紧。",
            _m(
                "会前广泛征求意见，对征求到的意见逐条反馈",
                "征求意见覆盖全部内设机构和所属单位，意见反馈率达到100%",
                "党建",
                _I,
            ),
            _m(
                "聚焦巡视反馈问题召开专题民主生活会，认真开展批评和自我批评",
                "会议方案和对照检查材料经上级审核，会议情况报告按时报送",
                "党建",
                _D,
            ),
            _m(
                "建立民主生活会查摆问题整改台账，在下一次民主生活会上通报整改情况",
                "整改台账逐项明确措施和时限，整改情况在下一次民主生活会上通报",
                "党建",
                _D,
            ),
        ),
        _t(
            "对上轮巡视指出的“班子成员分工调整不及时”问题整改不到位，部分领域分管职责交叉",
            "班子成员分工调整后，有{few}个{office}分管关系不明确，部分事项存在多头分管、责任不清现象。",
            _m(
                "重新明确班子成员分工，印发分工调整文件",
                "分工文件印发，每个内设机构均明确唯一的分管领导",
                "办公室",
                _I,
            ),
            _m(
                "建立班子成员A、B角和跨领域事项协调机制",
                "A、B角制度印发，跨领域事项协调记录完整",
                "办公室",
                _D,
            ),
            _m(
                "班子成员职务变动时同步做好整改任务交接",
                "交接清单经交接双方和主要负责人签字，整改任务无断档",
                "人事",
                _L,
            ),
        ),
        _t(
            "主要负责人履行第一责任人职责不到位，对班子成员监督提醒不经常",
            "{year}年主要负责人与班子成员谈心谈话未实现全覆盖，对班子成员分管领域出现的苗头性问题未及时提醒。",
            _m(
                "主要负责人与班子成员逐一开展谈心谈话，对分管领域问题进行提醒",
                "谈心谈话全覆盖，谈话记录归档",
                "党建",
                _I,
            ),
            _m(
                "主要负责人在整改专题会议上作表态发言，书面报告履行第一责任人职责情况",
                "表态发言材料和履责报告报上级党组织备案",
                "办公室",
                _D,
            ),
            _m(
                "主要负责人每半年在班子会议上对班子成员履职情况进行点评",
                "点评记录完整，点评指出的问题均有整改反馈",
                "党建",
                _L,
            ),
        ),
    ),
    # 3.2 干部队伍建设和选人用人
    "3.2": (
        _t(
            "对巡视反馈“选人用人不规范”问题整改不到位，干部档案专项审核工作未完成",
            "干部人事档案专项审核涉及{count}卷，其中{subcount}卷存在“三龄两历”认定依据不充分、材料缺失等问题，尚未作出认定处理。",
            _m(
                "组织专门力量完成干部人事档案专项审核，逐卷建立问题清单",
                "专项审核完成率达到100%，问题档案全部作出认定并经审核人签字",
                "人事",
                _D,
            ),
            _m(
                "对材料缺失的档案限期补充收集、规范归档",
                "缺失材料全部补齐；确实无法补齐的出具书面说明并经组织认定",
                "人事",
                _D,
            ),
            _m(
                "健全干部人事档案材料日常收集归档制度",
                "新形成档案材料在一个月内归档，年度抽查合格率达到100%",
                "人事",
                _L,
            ),
        ),
        _t(
            "选人用人程序不规范，干部选拔任用动议、考察环节把关不严",
            "抽查{year}年以来{count}名干部选拔任用材料，有{subcount}名存在考察谈话人数不足、个人有关事项报告查核结果未运用等问题。",
            _m(
                "对存在程序问题的干部任用事项逐项复查，按规定进行纠正",
                "复查结论逐人形成，需纠正的全部纠正到位",
                "人事",
                _I,
            ),
            _m(
                "实行干部选拔任用工作全程纪实",
                "全程纪实办法印发，此后任用干部的纪实材料齐全",
                "人事",
                _D,
            ),
            _m(
                "每年开展干部选拔任用工作自查，接受上级组织部门检查",
                "年度自查报告形成，检查发现问题全部整改",
                "人事",
                _L,
            ),
        ),
        _t(
            "干部队伍结构不够合理，年轻干部培养选拔力度不够",
            "现有{cadre}领导干部{count}人，平均年龄偏大，{few}个{office}领导职位空缺时间超过一年。",
            _m(
                "制定干部队伍建设规划，明确优秀年轻干部储备数量和培养措施",
                "规划经班子会议审议印发，优秀年轻干部名单库建立",
                "人事",
                _D,
            ),
            _m(
                "研究长期空缺领导职位的配备",
                "长期空缺职位在整改期内完成配备，或形成经班子会议研究的配备计划",
                "人事",
                _D,
            ),
            _m(
                "推行年轻干部多岗位交流锻炼",
                "每年安排年轻干部到所属单位或基层一线交流锻炼，年度交流计划落实率达到100%",
                "人事",
                _L,
            ),
        ),
        _t(
            "干部日常管理监督不严，因私出国（境）证照管理存在漏洞",
            "清查发现{subcount}名干部因私出国（境）证照未按规定集中保管，个别干部未经审批出境。",
            _m(
                "对因私出国（境）证照开展全面清查，应交未交的限期上交",
                "清查台账完成，应集中保管的证照全部收缴到位",
                "人事",
                _I,
            ),
            _m(
                "对未经审批出境的干部依规依纪处理",
                "处理决定作出并归档",
                "纪检",
                _D,
            ),
            _m(
                "实行证照借用审批登记和到期归还提醒",
                "证照借还登记完整，超期未还的及时催收，年度检查无超期情况",
                "人事",
                _L,
            ),
        ),
        _t(
            "领导干部个人有关事项报告不如实，查核结果运用不到位",
            "{year}年个人有关事项报告抽查核实中，有{subcount}人存在漏报、少报问题，部分情节较重的未按规定处理。",
            _m(
                "对漏报、少报人员逐一认定情节，按规定作出处理",
                "处理意见全部作出，处理结果存入个人档案",
                "人事",
                _I,
            ),
            _m(
                "组织个人有关事项报告填报专题培训",
                "培训覆盖全部报告对象，签到和测试记录归档",
                "人事",
                _D,
            ),
            _m(
                "将查核结果与干部选拔任用、评先评优挂钩",
                "查核结果运用情况列为干部任前审核必查事项",
                "人事",
                _D,
            ),
        ),
        _t(
            "违规借调所属单位人员问题整改后又有反弹，借调人员管理不规范",
            "本级长期借调所属单位人员{count}人，其中借调时间超过一年的{subcount}人，上轮巡视后已退回的人员又有部分回流。",
            _m(
                "全面清理借调人员，超期借调人员全部退回原单位",
                "借调人员清理台账完成，超期借调人员全部退回",
                "人事",
                _I,
            ),
            _m(
                "制定借调人员管理办法，严格审批和期限管理",
                "管理办法印发，新增借调全部经班子会议审批并明确期限",
                "人事",
                _D,
            ),
            _m(
                "每半年在本单位公布借调人员情况，接受干部职工监督",
                "每半年公布一次，连续两次公布无违规借调情况",
                "人事",
                _L,
            ),
        ),
    ),
    # 3.3 基层党组织建设
    "3.3": (
        _t(
            "对上轮巡视指出的基层党组织建设问题整改不到位，部分党支部“三会一课”制度落实仍不严格",
            "抽查{count}个党支部，有{subcount}个存在“三会一课”记录不全、以业务会代替党课的问题。",
            _m(
                "对抽查发现问题的党支部逐一督促整改，支部书记作出书面说明",
                "问题支部整改报告全部提交，支部书记书面说明归档",
                "党建",
                _I,
            ),
            _m(
                "开展党支部标准化规范化建设，制定“三会一课”工作指引",
                "工作指引印发，党支部标准化规范化建设达标率达到100%",
                "党建",
                _D,
            ),
            _m(
                "每季度检查党支部工作，问题支部纳入重点帮扶",
                "每季度检查1次并通报结果，重点帮扶支部整改情况有记录",
                "党建",
                _L,
            ),
        ),
        _t(
            "对上轮巡视指出的党建和业务“两张皮”问题整改不到位",
            "党支部年度工作计划与{office}业务工作计划衔接不够，{count}个党支部中有{subcount}个未开展结合业务工作的主题党日活动。",
            _m(
                "督促未开展结合业务主题党日的支部限期开展活动",
                "相关支部全部开展活动，活动方案和记录归档",
                "党建",
                _I,
            ),
            _m(
                "开展党建与业务融合示范创建，每个党支部确定1项融合项目",
                "融合项目清单印发，项目完成情况纳入党支部年度考核",
                "党建",
                _D,
            ),
            _m(
                "修订党支部书记抓党建述职评议办法，把推动业务工作成效纳入评议内容",
                "评议办法印发，年度述职评议结果分档通报",
                "党建",
                _D,
            ),
        ),
        _t(
            "党员教育管理不够严格，党费收缴不规范",
            "党费专项检查发现{subcount}名党员未按规定基数足额交纳党费，累计少交金额{amount_small}万元。",
            _m(
                "逐人核定党费交纳基数，督促补交少交党费",
                "核定台账经党支部审核，少交党费全部补交到位",
                "党建",
                _I,
            ),
            _m(
                "开展党费收缴、使用和管理专项检查",
                "检查覆盖全部党支部，专项检查报告形成",
                "财务",
                _D,
            ),
            _m(
                "每年定期核定党费交纳基数并在支部内公示",
                "年度核定和公示记录归档",
                "党建",
                _L,
            ),
        ),
        _t(
            "所属单位党组织设置不够规范，部分党组织未按期换届",
            "经排查，所属单位中有{subcount}个党组织未按期换届，个别党支部书记长期空缺。",
            _m(
                "对未按期换届的党组织逐一制定换届计划并完成换届",
                "换届工作全部完成，换届选举材料报上级党组织审批",
                "党建",
                _D,
            ),
            _m(
                "选优配强党支部书记，空缺职位限期配备",
                "党支部书记全部配齐，新任书记完成任职培训",
                "党建",
                _D,
            ),
            _m(
                "建立党组织届期台账和换届提醒制度",
                "届期台账动态更新，届满前3个月发出换届提醒",
                "党建",
                _L,
            ),
        ),
        _t(
            "发展党员工作不规范，发展程序执行不严格",
            "抽查{count}份发展党员材料，有{subcount}份存在培养考察时间不足、政治审查材料不全等问题。",
            _m(
                "对存在问题的发展党员材料逐份复查，按规定处理",
                "复查结论逐人形成，问题材料处理到位",
                "党建",
                _I,
            ),
            _m(
                "制定发展党员工作规程和全程纪实表",
                "工作规程印发，此后发展党员的纪实表齐全",
                "党建",
                _D,
            ),
            _m(
                "开展发展党员工作业务培训",
                "培训覆盖全部党支部书记和组织委员，签到记录归档",
                "党建",
                _D,
            ),
        ),
    ),
    # 3.4 党内组织生活
    "3.4": (
        _t(
            "党内政治生活不够严肃，组织生活会和民主评议党员流于形式",
            "部分党支部组织生活会批评意见避重就轻，{year}年民主评议党员中评议等次标准不清，评议结果未有效运用。",
            _m(
                "班子成员以普通党员身份参加所在党支部组织生活会",
                "班子成员参加双重组织生活记录完整",
                "党建",
                _I,
            ),
            _m(
                "责令组织生活会质量不高的党支部重新召开",
                "相关支部重新召开组织生活会，会议情况报上级党组织",
                "党建",
                _D,
            ),
            _m(
                "规范民主评议党员程序和评议结果运用",
                "评议办法修订印发，评议结果与评先评优挂钩",
                "党建",
                _D,
            ),
        ),
        _t(
            "谈心谈话制度落实不到位，对党员干部思想状况掌握不准",
            "{year}年党支部书记与党员谈心谈话覆盖不全，抽查{count}名党员，其中{subcount}名全年未进行谈心谈话。",
            _m(
                "开展谈心谈话全覆盖，支部书记与每名党员至少谈话1次",
                "谈心谈话覆盖率达到100%，谈话记录归档",
                "党建",
                _I,
            ),
            _m(
                "建立谈心谈话台账，定期向上级党组织报告谈心谈话开展情况",
                "谈心谈话台账建立并按季度更新，首次情况报告按时报送上级党组织",
                "党建",
                _D,
            ),
        ),
        _t(
            "主题党日活动质量不高，政治功能发挥不够充分",
            "抽查{count}个党支部主题党日活动记录，有{subcount}个以参观游览、一般性业务学习代替主题党日活动。",
            _m(
                "对以参观游览代替主题党日的党支部进行批评教育",
                "相关支部书记作出书面检查，整改情况在本单位通报",
                "党建",
                _I,
            ),
            _m(
                "制定主题党日活动年度计划和负面清单",
                "年度计划和负面清单印发，主题党日活动方案全部报备",
                "党建",
                _D,
            ),
            _m(
                "开展主题党日活动优秀案例评选和推广",
                "每年评选推广优秀案例不少于5个",
                "党建",
                _L,
            ),
        ),
        _t(
            "对上轮巡视指出的“组织生活制度执行不严”问题整改不彻底，双重组织生活制度落实不到位",
            "{year}年有{subcount}名{cadre}以上党员领导干部未按要求参加所在党支部组织生活会。",
            _m(
                "对未参加双重组织生活的党员领导干部进行谈话提醒",
                "谈话提醒全部完成，谈话记录归档",
                "党建",
                _I,
            ),
            _m(
                "建立党员领导干部参加双重组织生活登记制度",
                "登记台账建立；整改期内党员领导干部参加率达到100%",
                "党建",
                _D,
            ),
            _m(
                "每年通报党员领导干部参加双重组织生活情况",
                "年度通报印发",
                "党建",
                _L,
            ),
        ),
        _t(
            "党员组织关系管理不规范，流动党员和失联党员管理不到位",
            "经排查，{subcount}名党员组织关系未及时转接，个别党员长期不参加组织生活、不交纳党费。",
            _m(
                "开展党员组织关系集中排查，逐人理顺组织关系",
                "排查台账完成，组织关系全部转接到位",
                "党建",
                _I,
            ),
            _m(
                "对长期不参加组织生活的党员按规定进行教育和处置",
                "教育处置措施逐人落实，处置结果报上级党组织",
                "党建",
                _D,
            ),
            _m(
                "依托党员信息管理系统实行动态管理",
                "党员信息每季度核对更新，信息准确率达到100%",
                "党建",
                _D,
            ),
        ),
    ),
    # 4.1 上轮巡视反馈问题整改（含长效机制建设）
    "4.1": (
        _t(
            "对上轮巡视反馈问题整改不到位，部分问题整改措施未落实，存在敷衍整改问题",
            "上轮巡视反馈问题{count}个，对账复查发现{subcount}个问题整改措施未落实或成效不明显，却按已完成报送。",
            _m(
                "对上轮巡视反馈问题逐项“回头看”，重新评估整改成效",
                "回头看报告逐项列明整改情况，不达标问题全部重新纳入整改台账",
                "办公室",
                _I,
            ),
            _m(
                "对报告“已完成”但未落实的问题查明原因，对相关责任人追责问责",
                "责任调查报告形成，追责意见执行到位",
                "纪检",
                _D,
            ),
            _m(
                "建立巡视整改成效评估和销号审核制度",
                "销号审核制度印发；每个问题销号均经分管领导签字和纪检组织审核",
                "办公室",
                _D,
            ),
            _m(
                "将巡视整改情况纳入年度考核，问题反弹的实行“一票否决”",
                "年度考核办法修订印发，巡视整改指标单列并在当年考核中运用",
                "人事",
                _D,
            ),
        ),
        _t(
            "巡视整改领导小组作用发挥不充分，集中整改期结束后调度推进不力",
            "上轮巡视整改期间整改领导小组召开会议{subcount}次，集中整改期结束后未再专题研究，持续整改出现断档。",
            _m(
                "调整充实巡视整改工作领导小组，主要负责人任组长",
                "调整文件印发，领导小组办公室人员配备到位",
                "办公室",
                _I,
            ),
            _m(
                "实行整改工作周调度、月通报",
                "每周形成调度记录，每月印发整改进展通报",
                "办公室",
                _D,
            ),
            _m(
                "集中整改期结束后每季度专题研究持续整改工作",
                "每季度班子会议专题研究整改，会议纪要明确下步任务",
                "办公室",
                _L,
            ),
        ),
        _t(
            "上轮巡视整改中存在虚假整改问题，部分整改佐证材料与实际不符",
            "核查发现上轮整改佐证材料中有{subcount}份制度文件系事后补签印发，{count}项整改措施的佐证材料以会议通知代替落实成效。",
            _m(
                "对上轮整改佐证材料逐份核查，查明补签、替代等问题",
                "核查报告形成，问题材料清单逐份列明",
                "办公室",
                _I,
            ),
            _m(
                "对虚假整改相关责任人依规依纪严肃追责",
                "追责决定作出，并在本单位通报",
                "纪检",
                _D,
            ),
            _m(
                "制定整改佐证材料审核和归档规范",
                "归档规范印发；佐证材料经经办人、内设机构负责人、分管领导三级签字",
                "办公室",
                _D,
            ),
        ),
        _t(
            "巡视整改问题反弹回潮，已销号问题重新出现",
            "上轮巡视已销号的{count}个问题中，有{subcount}个在本轮“回头看”中再次被发现，反映出整改不彻底、长效机制不健全。",
            _m(
                "对反弹问题涉及的内设机构负责人进行约谈",
                "约谈全部完成，约谈记录归档",
                "纪检",
                _I,
            ),
            _m(
                "对反弹问题逐个分析原因，重新制定整改措施",
                "反弹问题整改方案经班子会议审议，整改完成后重新履行销号程序",
                "办公室",
                _D,
            ),
            _m(
                "建立已销号问题定期复查机制",
                "已销号问题每半年复查一次，复查结果报班子会议",
                "办公室",
                _L,
            ),
        ),
        _t(
            "巡视整改情况公开不及时、不规范，接受干部群众监督不够",
            "{unit}上轮巡视整改进展情况未按规定时限在门户网站公开，公开内容较为笼统，未逐项说明整改结果。",
            _m(
                "按规定公开本轮整改进展情况，逐项说明整改结果",
                "整改进展情况在规定时限内公开，公开内容经审核把关",
                "宣传",
                _D,
            ),
            _m(
                "建立整改情况公开审核和群众意见反馈机制",
                "审核机制印发，群众意见办结反馈率达到100%",
                "办公室",
                _D,
            ),
        ),
        _t(
            "长效机制不健全，巡视整改成果巩固不够",
            "上轮巡视整改中制定、修订的{count}项制度，有{subcount}项与上级新出台规定不衔接，未及时修订完善。",
            _m(
                "开展制度“立改废释”，清理与上级规定不一致的制度",
                "清理报告形成，不一致的制度全部完成修订或废止",
                "法规",
                _D,
            ),
            _m(
                "编印制度汇编，组织干部职工学习",
                "制度汇编印发，学习覆盖全体干部职工",
                "法规",
                _D,
            ),
            _m(
                "每年开展一次制度执行情况监督检查",
                "年度制度执行检查报告形成",
                "纪检",
                _L,
            ),
        ),
        _t(
            "整改日常监督机制不健全，持续整改进展报告不及时",
            "集中整改期结束后，有{few}个{office}未按要求报送持续整改进展，整改台账未及时更新。",
            _m(
                "实行整改进展半月报告",
                "各内设机构按半月报送进展，整改台账实时更新",
                "办公室",
                _I,
            ),
            _m(
                "运用信息化手段对整改任务进行预警督办",
                "整改任务全部录入监督系统，逾期任务自动预警",
                "办公室",
                _D,
            ),
            _m(
                "纪检组织每季度对整改情况开展监督检查",
                "每季度形成监督检查报告，发现问题督办到位",
                "纪检",
                _L,
            ),
        ),
        _t(
            "整改成果运用不充分，推动改革发展成效不明显",
            "上轮巡视整改中提出的{count}项改革举措，有{subcount}项未形成可复制推广的经验做法。",
            _m(
                "召开整改成果交流会，总结推广经验做法",
                "交流会召开，会议材料归档",
                "办公室",
                _I,
            ),
            _m(
                "梳理整改中形成的经验做法，形成典型案例",
                "典型案例汇编印发，并推广到所属单位",
                "规划",
                _D,
            ),
            _m(
                "将整改成果转化为发展规划和年度工作任务",
                "下一年度工作要点中列明整改成果转化任务，逐项明确责任内设机构",
                "规划",
                _D,
            ),
        ),
    ),
    # 4.2 审计、日常监督发现问题整改
    "4.2": (
        _t(
            "对审计监督发现问题整改落实不到位，部分问题长期未整改",
            "近年来审计指出的{count}个问题中，有{subcount}个未完成整改，涉及资金{amount}万元。",
            _m(
                "对长期未整改问题的责任内设机构负责人进行约谈",
                "约谈完成，整改承诺书归档",
                "纪检",
                _I,
            ),
            _m(
                "建立审计发现问题整改台账，逐项明确责任人和时限",
                "整改台账建立，审计问题整改完成率达到100%",
                "审计",
                _D,
            ),
            _m(
                "将审计整改情况纳入内设机构和所属单位年度考核",
                "年度考核办法修订印发，审计整改指标单列",
                "人事",
                _D,
            ),
        ),
        _t(
            "内部审计监督作用发挥不充分，审计发现问题移送和追责不到位",
            "{year}年以来开展内部审计项目{count}个，发现的问题未按规定移送和追责，{subcount}份审计报告未提出处理意见。",
            _m(
                "对已完成审计项目中应移送的问题进行补充移送",
                "补充移送清单形成，接收单位签收",
                "审计",
                _I,
            ),
            _m(
                "修订内部审计工作规定，明确问题移送和整改跟踪要求",
                "工作规定印发，审计问题整改跟踪台账建立",
                "审计",
                _D,
            ),
            _m(
                "制定内部审计全覆盖计划，分年度推进",
                "五年内部审计全覆盖计划印发，年度审计计划完成率达到100%",
                "审计",
                _L,
            ),
        ),
        _t(
            "对上级专项检查指出问题整改不彻底，同类问题屡查屡犯",
            "{since_year}年以来上级专项检查指出的同类问题在所属单位重复出现{subcount}次。",
            _m(
                "梳理共性问题，在本级及所属单位开展举一反三排查",
                "排查覆盖全部所属单位，发现问题全部整改",
                "业务",
                _I,
            ),
            _m(
                "对屡查屡犯问题开展专项治理",
                "专项治理报告形成，同类问题整改完成",
                "业务",
                _D,
            ),
            _m(
                "建立屡查屡犯问题责任追究机制",
                "追究机制印发，屡查屡犯问题相关责任人全部依规处理",
                "纪检",
                _D,
            ),
        ),
        _t(
            "对财务检查发现问题整改不到位，违规资金未及时收回",
            "财务检查发现的{count}项违规支出中，尚有{subcount}项资金未收回，未收回金额{amount}万元。",
            _m(
                "逐项核对违规支出，制定资金追缴方案",
                "追缴方案印发，违规资金全部追回或依法处置",
                "财务",
                _D,
            ),
            _m(
                "完善财务报销审核制度，明确各审核环节责任",
                "审核制度印发，各审核环节签字责任明确",
                "财务",
                _D,
            ),
            _m(
                "每年开展一次财务收支专项检查",
                "年度检查报告形成，问题整改率达到100%",
                "审计",
                _L,
            ),
        ),
        _t(
            "以案促改、以案促治不深入，对典型案件暴露问题剖析不到位",
            "{since_year}年以来{unit}查处违纪违法案件{subcount}件，案件剖析和警示教育开展不及时，制度漏洞未得到有效堵塞。",
            _m(
                "召开警示教育大会，组织观看警示教育片",
                "警示教育大会召开，领导干部参会率达到100%",
                "纪检",
                _I,
            ),
            _m(
                "对近年来查处的案件逐件开展剖析",
                "剖析报告全部形成，并经班子会议审议",
                "纪检",
                _D,
            ),
            _m(
                "针对案件暴露问题建立完善制度",
                "制度完善清单印发，清单所列制度全部出台",
                "法规",
                _D,
            ),
        ),
    ),
}


# ---------------------------------------------------------------------------
# Free texts for tasks, reviews and clues (no placeholders)
# ---------------------------------------------------------------------------

PROGRESS_NOTES: tuple[str, ...] = (
    "已召开班子会议专题研究，制定专项整改方案，明确时间表、路线图和责任人。",
    "已完成问题底数摸排，建立整改台账，逐项明确整改措施、完成时限和责任人。",
    "整改任务已分解到内设机构和所属单位，逐级签订整改责任书，实行挂图作战、对账销号。",
    "整改方案已经班子会议审议通过并印发，各项措施正按计划推进。",
    "牵头内设机构已起草制度修订稿，正在征求各内设机构和所属单位意见。",
    "制度修订稿已完成合法性审查，拟提交班子会议审议后印发。",
    "已组织相关内设机构召开整改推进会，对照任务清单逐项过堂，督促加快进度。",
    "已向分管领导专题汇报整改推进情况，对整改中遇到的困难研究提出解决办法。",
    "主要负责人已听取整改工作专题汇报，要求对照时限加快推进，确保按期完成。",
    "整改措施已落实约六成，剩余事项涉及跨部门协调，已书面商请有关单位配合。",
    "受审批周期影响，部分整改事项进度滞后，已调整工作计划并报整改工作领导小组办公室备案。",
    "针对督办单指出的进度滞后问题，已召开专题会议研究，重新倒排工期、压茬推进。",
    "已对所属单位整改情况开展实地督导，督导中发现的新问题已纳入整改台账。",
    "所属单位已全部报送自查报告，正在汇总分析，拟于下周形成汇总报告。",
    "已完成相关档案、凭证的核查工作，核查结果已提交分管领导审阅。",
    "已完成问题涉及资金的逐笔核实，正在按程序组织清退（追缴）。",
    "已与问题涉及的有关人员开展谈话，相关人员已作出书面说明。",
    "纪检组织已同步跟进监督，对整改过程中发现的问题线索按程序处置。",
    "已邀请纪检监察机构、组织人事部门参加整改推进会，对整改措施的针对性进行把关。",
    "根据巡视办督导意见，已对整改措施进行补充完善，进一步明确了可检验的完成标志。",
    "已举一反三开展同类问题排查，本级及所属单位未发现新的同类问题。",
    "已对整改中暴露的制度漏洞进行梳理，拟制定（修订）制度3项，目前已完成2项。",
    "已组织相关岗位人员专题培训，参训人员覆盖全部相关岗位，培训测试合格率100%。",
    "制度已正式印发并组织集中学习，下一步重点抓好执行情况检查。",
    "按照半月报要求报送整改进展，本期新增完成整改措施2项，累计完成5项。",
    "整改进度总体符合序时要求，下一步将集中力量攻坚剩余难点事项。",
    "因涉及历史遗留问题，整改难度较大，已形成专题报告提请班子会议研究。",
    "已形成阶段性整改报告，经主要负责人审签后报送巡视整改工作领导小组办公室。",
    "已完成阶段性整改目标，相关佐证材料正在收集整理中。",
    "已开展整改情况自查评估，对照整改标准已达到完成条件，正在准备销号申请材料。",
    "整改任务已基本完成，转入巩固提升阶段，后续纳入日常监督持续跟踪。",
    "长效机制已建立并试运行，拟每季度跟踪一次落实情况，持续巩固整改成果。",
)
"""Progress reports a unit files on a task (整改进展), generic enough for any task."""

EVIDENCE_NAMES: tuple[str, ...] = (
    "整改工作方案（印发稿）.pdf",
    "问题清单、任务清单、责任清单.xlsx",
    "整改台账（截至本月底）.xlsx",
    "班子会议纪要（第12次）.pdf",
    "班子会议纪要（第15次）.pdf",
    "整改专题会议纪要.pdf",
    "会议签到表（扫描件）.pdf",
    "制度文件（印发稿）.pdf",
    "制度执行情况检查报告.docx",
    "专项清理台账.xlsx",
    "资金清退（追缴）银行回单汇总.pdf",
    "财务凭证复印件（第1—3册）.pdf",
    "专项审计报告.pdf",
    "专项检查报告.pdf",
    "自查报告.docx",
    "举一反三排查情况报告.docx",
    "所属单位整改情况汇总表.xlsx",
    "谈话提醒记录表（扫描件）.pdf",
    "约谈记录（签字版）.pdf",
    "处理决定（扫描件）.pdf",
    "情况通报.pdf",
    "培训签到表及课件.zip",
    "培训测试成绩统计表.xlsx",
    "现场核查照片.zip",
    "整改前后对比照片.jpg",
    "系统上线运行截图.png",
    "责任书签订情况汇总表.xlsx",
    "民主生活会对照检查材料.docx",
    "督办单回复函.pdf",
    "整改情况说明（加盖公章）.pdf",
    "问题销号审核表（签字版）.pdf",
    "长效机制运行情况报告.docx",
)
"""File names of evidence (佐证材料) attached to tasks and close-out applications."""

RETURN_REASONS: tuple[str, ...] = (
    "佐证材料仅有会议通知，未体现整改实效，属形式整改，请补充能够证明措施已落实的凭证。",
    "新印发的制度尚无执行记录，不能证明制度已落地见效，请补充制度执行情况的佐证材料。",
    "整改完成情况表述笼统，未对照整改标准逐项说明，请按完成标志逐条对应说明。",
    "涉及资金清退（追缴）的，请补充银行回单或财务收据，仅有统计表不足以证明资金已到位。",
    "问题涉及所属单位，佐证材料仅覆盖本级，请补充所属单位整改情况。",
    "未体现举一反三排查情况，请补充同类问题排查结果。",
    "责任追究事项尚未作出处理决定，暂不具备销号条件。",
    "佐证材料形成日期早于巡视反馈日期，不能作为本轮整改成效的证明，请核实后重新提交。",
    "整改措施与反馈问题对应性不强，未触及问题根源，请重新分析原因并完善措施。",
    "会议纪要仅记载“原则同意”，未明确具体任务、责任人和时限，请补充落实情况。",
    "佐证材料未加盖公章、缺少责任人签字，请规范后重新提交。",
    "长期坚持类任务未明确阶段目标和后续跟踪安排，请补充后再申请认定为基本完成。",
    "现场核查发现实际情况与报送材料不一致，请说明情况并据实整改。",
    "附件无法打开或内容与文件名不符，请重新上传。",
)
"""Reasons a reviewer returns a close-out application (退回意见)."""

CLUE_SUMMARIES: tuple[str, ...] = (
    "反映某内设机构负责人在项目评审中违规干预、收受礼金问题",
    "反映某所属单位主要负责人违规决策对外投资，造成国有资产损失问题",
    "反映某领导干部亲属在其分管领域承揽工程项目问题",
    "反映某所属单位负责人违规发放奖金、津贴补贴问题",
    "反映某领导干部长期违规占用所属单位公务用车问题",
    "反映某内设机构负责人在干部选拔中违规打招呼、说情问题",
    "反映某所属单位在招标采购中存在围标串标，相关负责人涉嫌利益输送问题",
    "反映某领导干部违规接受管理服务对象宴请和旅游安排问题",
    "反映某所属单位财务负责人涉嫌挪用公款问题",
    "反映某领导干部违规兼职取酬问题",
    "反映某内设机构负责人在业务审批中吃拿卡要问题",
    "反映某领导干部在职务调整前突击提拔身边工作人员问题",
    "反映某所属单位负责人违规出借房产、租金收入未入账问题",
    "反映某领导干部配偶违规经商，与本单位存在业务往来问题",
    "反映某所属单位负责人在资产处置中低价转让、造成损失问题",
    "反映某领导干部违规收受购物卡、电子红包问题",
    "反映某内设机构负责人套取专项资金用于发放福利问题",
    "反映某所属单位违规举债融资，相关领导干部决策失职问题",
    "反映某领导干部在所属企业改制中违规干预、谋取私利问题",
    "反映某内设机构负责人虚报冒领差旅费问题",
    "反映某所属单位负责人违规招录人员、安排亲属就业问题",
    "反映某领导干部对巡视整改敷衍应付、授意编造整改材料问题",
    "反映某所属单位负责人在工程结算中违规签证、虚增工程量问题",
    "反映某领导干部违规向管理服务对象借用资金问题",
    "反映某内设机构负责人违规泄露招标采购信息问题",
    "反映某领导干部违规持有非上市公司股份问题",
)
"""Short summaries of clues (问题线索) about leading cadres; never name anyone."""

CLOSE_OUT_NOTES: tuple[str, ...] = (
    "该问题已按整改方案全部完成整改，各项措施逐项落实，达到整改标准，申请销号。",
    "经自查评估，整改措施均已落实到位，相关制度已印发并执行满一个月，佐证材料齐备，申请销号。",
    "问题涉及资金已全部清退（追缴）到位，相关责任人已依规依纪处理，建章立制工作已完成，申请销号。",
    "已举一反三开展同类问题排查，未发现新增问题，长效机制已建立并运行，申请销号。",
    "整改情况经分管领导审核、主要负责人审定，整改成效经纪检组织确认，申请销号。",
    "对照“六个到位”要求，问题查清、个案整改、共性治理、人财物处理、教训汲取、制度完善均已到位，申请销号。",
    "该任务属长期坚持类，阶段性目标已完成，后续按季度跟踪落实，申请认定为基本完成。",
    "根据上次退回意见，已补充资金清退凭证和制度执行记录，现重新申请销号。",
    "整改完成情况已在本单位内部公示5个工作日，无异议，申请销号。",
    "所属单位整改已全部完成并经本级逐项复核，复核报告附后，申请销号。",
    "整改措施已实施满一个周期，经跟踪检查未出现反弹，申请销号。",
    "整改结果已向相关群众和基层单位反馈，满意度测评结果良好，申请销号。",
)
"""Notes a unit writes when applying for close-out (销号申请说明)."""


# ---------------------------------------------------------------------------
# Inspection teams
# ---------------------------------------------------------------------------

TEAMS: tuple[str, ...] = tuple(f"省委第{numeral}巡视组" for numeral in "一二三四五六七八九十")
"""The ten provincial inspection teams, 省委第一巡视组 … 省委第十巡视组."""


# ---------------------------------------------------------------------------
# Prefectures, the inspection office and its staff
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceSpec:
    """A prefecture (州（市）) or county of the province, with its ASCII code."""

    code: str
    name: str
    short_name: str


PREFECTURES: tuple[PlaceSpec, ...] = (
    PlaceSpec("YN-KM", "昆明市", "昆明市"),
    PlaceSpec("YN-QJ", "曲靖市", "曲靖市"),
    PlaceSpec("YN-YX", "玉溪市", "玉溪市"),
    PlaceSpec("YN-BS", "保山市", "保山市"),
    PlaceSpec("YN-ZT", "昭通市", "昭通市"),
    PlaceSpec("YN-LJ", "丽江市", "丽江市"),
    PlaceSpec("YN-PE", "普洱市", "普洱市"),
    PlaceSpec("YN-LC", "临沧市", "临沧市"),
    PlaceSpec("YN-CX", "楚雄彝族自治州", "楚雄州"),
    PlaceSpec("YN-HH", "红河哈尼族彝族自治州", "红河州"),
    PlaceSpec("YN-WS", "文山壮族苗族自治州", "文山州"),
    PlaceSpec("YN-XSBN", "西双版纳傣族自治州", "西双版纳州"),
    PlaceSpec("YN-DL", "大理白族自治州", "大理州"),
    PlaceSpec("YN-DH", "德宏傣族景颇族自治州", "德宏州"),
    PlaceSpec("YN-NJ", "怒江傈僳族自治州", "怒江州"),
    PlaceSpec("YN-DQ", "迪庆藏族自治州", "迪庆州"),
)
"""The 16 prefectures (州（市）) of Yunnan, in the official order."""

COUNTIES: dict[str, tuple[PlaceSpec, ...]] = {
    "YN-DH": (PlaceSpec("YN-DH-RL", "瑞丽市", "瑞丽市"), PlaceSpec("YN-DH-MS", "芒市", "芒市")),
    "YN-QJ": (PlaceSpec("YN-QJ-XW", "宣威市", "宣威市"),),
    "YN-XSBN": (PlaceSpec("YN-XSBN-JH", "景洪市", "景洪市"),),
}
"""A few counties under their prefecture: the cases of the seed articles (瑞丽市, 宣威市) and neighbours."""

INSPECTION_OFFICE = PlaceSpec("YN-XSB", "省委巡视工作领导小组办公室", "省委巡视办")
"""Where the inspection teams' staff belong (kind "other" in the org tree)."""

TEAM_STAFF_TITLES: tuple[str, ...] = (
    "巡视组副组长",
    "巡视专员",
    "一级调研员",
    "二级调研员",
    "三级调研员",
    "四级调研员",
    "一级主任科员",
    "二级主任科员",
)
"""Titles of the inspection teams' members (the team leader is 巡视组组长)."""


# ---------------------------------------------------------------------------
# Self-found problems, rework notes, clue results
# ---------------------------------------------------------------------------

SELF_FOUND_PROBLEMS: tuple[ProblemTemplate, ...] = (
    ProblemTemplate(
        "举一反三自查发现，所属单位公务接待审批手续不全，部分接待无公函、无清单。",
        "对照巡视反馈的公务接待问题开展自查，发现所属单位接待审批单、接待清单缺失的情况。",
        (
            MeasureTemplate("对所属单位近三年公务接待逐笔清查，补齐手续，对无依据的接待费用予以清退。",
                            "清查台账覆盖全部所属单位，问题费用全部清退到位。", "财务", "immediate"),
            MeasureTemplate("修订公务接待管理办法，推行接待审批线上办理、全程留痕。",
                            "管理办法印发并执行，接待审批全部线上办理。", "办公室", "deadline"),
        ),
    ),
    ProblemTemplate(
        "自查发现，部分内设机构政府采购项目验收流于形式，验收报告由供应商代为填写。",
        "对照巡视反馈的采购管理问题开展举一反三排查，发现验收环节把关不严。",
        (
            MeasureTemplate("对近两年政府采购项目验收情况逐项复核，对验收不实的项目重新组织验收。",
                            "复核覆盖全部项目，复核报告经班子会议审议。", "财务", "deadline"),
            MeasureTemplate("建立采购验收专家库和交叉验收机制，明确验收责任。",
                            "机制文件印发，新项目全部按机制验收。", "法规", "long_term"),
        ),
    ),
    ProblemTemplate(
        "举一反三自查发现，干部人事档案专项审核认定后，个别档案材料仍未归档。",
        "对照巡视反馈的选人用人问题开展自查，发现档案材料归档不及时。",
        (
            MeasureTemplate("对干部人事档案开展全面核查，缺失材料限期补齐归档。",
                            "缺失材料全部归档，核查台账清零。", "人事", "immediate"),
        ),
    ),
    ProblemTemplate(
        "自查发现，个别基层党组织“三会一课”记录不规范，存在补记、代记情况。",
        "对照巡视反馈的基层党建问题开展举一反三排查，发现组织生活记录不规范。",
        (
            MeasureTemplate("对全部基层党组织近一年组织生活记录开展检查，逐一反馈整改。",
                            "检查覆盖全部基层党组织，问题支部整改到位。", "党建", "immediate"),
            MeasureTemplate("推行组织生活纪实管理，每季度抽查通报。",
                            "纪实管理制度印发，季度抽查形成常态。", "党建", "long_term"),
        ),
    ),
    ProblemTemplate(
        "举一反三自查发现，部分合同未经法律审核即签订，合同管理台账不完整。",
        "对照巡视反馈的风险防控问题开展自查，发现合同审核环节缺失。",
        (
            MeasureTemplate("对近三年签订的合同开展专项清理，补办法律审核并完善台账。",
                            "合同清理台账完整，未审合同全部补审。", "法规", "deadline"),
        ),
    ),
    ProblemTemplate(
        "自查发现，专项资金绩效自评流于形式，部分项目绩效目标未实现仍评为优秀。",
        "对照巡视反馈的资金管理问题开展举一反三排查，发现绩效评价不实。",
        (
            MeasureTemplate("对上年度专项资金绩效自评结果重新核实，据实调整评价等次。",
                            "核实报告完成，评价结果据实调整并报备。", "财务", "deadline"),
            MeasureTemplate("将绩效评价结果与下年度预算安排挂钩，建立约束机制。",
                            "预算编制文件明确挂钩规则并执行。", "规划", "long_term"),
        ),
    ),
)
"""Problems a unit found itself (举一反三/自查问题); they name generic departments like the templates."""

REWORK_NOTES: tuple[str, ...] = (
    "已根据销号审核退回意见，补充了措施落实的凭证材料，并对完成情况逐条作出说明。",
    "按照退回意见，已补充所属单位整改情况和举一反三排查结果，拟重新申请销号。",
    "针对退回意见指出的形式整改问题，已补充制度执行记录和问题整改前后对比材料。",
    "已按退回意见规范佐证材料，加盖公章并由责任人签字后重新整理上报。",
)
"""Progress a unit files after its close-out application was returned (整改完善)."""

CLUE_RESULTS: dict[str, tuple[str, ...]] = {
    "talk_inquiry": (
        "经谈话函询，反映问题不属实，予以澄清。",
        "经谈话函询，反映问题部分属实，已对当事人批评教育并责令作出书面检查。",
    ),
    "preliminary_check": (
        "经初步核实，反映问题基本属实，已按程序立案审查调查。",
        "经初步核实，反映问题查无实据，予以了结。",
    ),
    "shelved": ("反映内容笼统、不具备核查条件，暂存待查，待掌握新情况后再行处置。",),
    "closed": ("反映问题已在此前处置中查清，无新的实质内容，予以了结。",),
}
"""What came back from the receiving body, per disposition (办理结果)."""

CLUE_RESULTS_OPEN: frozenset[str] = frozenset({
    "经初步核实，反映问题基本属实，已按程序立案审查调查。",
    "反映内容笼统、不具备核查条件，暂存待查，待掌握新情况后再行处置。",
})
"""Results that do not conclude the clue (a case under investigation, shelved pending more information): the
problem's close-outs still wait."""


# ---------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------

# fmt: off
SURNAMES: tuple[tuple[str, int], ...] = (
    # Weights are roughly per ten thousand of the population, nudged towards Yunnan
    # (杨, 李, 段, 赵 and a few local surnames such as 普, 和, 字).
    ("王", 700), ("李", 760), ("张", 640), ("刘", 520), ("陈", 450), ("杨", 420),
    ("黄", 230), ("赵", 240), ("吴", 200), ("周", 190), ("徐", 130), ("孙", 130),
    ("马", 130), ("朱", 120), ("胡", 110), ("郭", 110), ("何", 120), ("林", 100),
    ("高", 100), ("罗", 110), ("郑", 80), ("梁", 80), ("谢", 70), ("宋", 60),
    ("唐", 60), ("许", 60), ("邓", 60), ("韩", 60), ("冯", 60), ("曹", 60),
    ("彭", 50), ("曾", 50), ("肖", 50), ("田", 50), ("董", 50), ("潘", 40),
    ("袁", 40), ("蔡", 40), ("蒋", 40), ("余", 40), ("于", 40), ("杜", 40),
    ("叶", 40), ("程", 40), ("魏", 40), ("苏", 40), ("吕", 40), ("丁", 40),
    ("任", 30), ("卢", 30), ("姚", 30), ("沈", 30), ("钟", 30), ("姜", 30),
    ("崔", 30), ("谭", 30), ("陆", 30), ("范", 30), ("汪", 30), ("廖", 30),
    ("石", 30), ("金", 30), ("韦", 30), ("贾", 30), ("夏", 30), ("付", 30),
    ("方", 30), ("邹", 30), ("熊", 30), ("白", 30), ("孟", 25), ("秦", 25),
    ("邱", 25), ("侯", 25), ("江", 25), ("尹", 25), ("薛", 20), ("段", 40),
    ("雷", 20), ("龙", 20), ("史", 20), ("陶", 20), ("毛", 20), ("顾", 15),
    ("龚", 15), ("万", 15), ("严", 15), ("孔", 10), ("字", 10), ("普", 10),
    ("和", 10), ("欧阳", 5),
)
# fmt: on
"""(surname, weight) pairs; compound surnames get a one-character given name."""

# Two style pools so that a name does not mix, say, 刚 with 婷; a few characters are in both.
_MASCULINE_CHARS = (
    "伟强磊军洋勇杰涛明超刚建文辉力林成斌宇浩凯鹏飞鑫波宁亮海峰东志国庆永福荣俊健新正祥瑞安康云龙"
    "航博睿哲轩晨阳昊铭泽宏毅诚卫兵德光振兴家世承立学启远维彬昆松柏桦楠森江河川山鸣翔鹤鸿敬忠岩坤"
    "锋胜利友旭泓清源润培坚信义仁智勤益达恒锦绍耀跃景朝帆舟洪涌华平春晓"
)
_FEMININE_CHARS = (
    "芳娜敏静丽艳秀霞平桂英华玉兰萍红娟琳婷雪慧佳晶颖倩蕾洁燕梅莉丹青春思晓嘉欣悦怡雯琪璐然涵雨彤"
    "梓琼菊凤秋岚露霖诗韵蓉芸茜蓓薇莹瑶婧妍琦珊玲琴昕文宁云"
)

GIVEN_NAME_CHARS: tuple[str, ...] = tuple(dict.fromkeys(_MASCULINE_CHARS + _FEMININE_CHARS))
"""Characters used for given names."""

_SURNAME_NAMES: tuple[str, ...] = tuple(name for name, _ in SURNAMES)
_SURNAME_CUM_WEIGHTS: tuple[int, ...] = tuple(itertools.accumulate(weight for _, weight in SURNAMES))


def person_name(rng: random.Random) -> str:
    """A plausible 2–3 character name; about a quarter get a one-character given name."""
    index = bisect.bisect_right(_SURNAME_CUM_WEIGHTS, rng.randrange(_SURNAME_CUM_WEIGHTS[-1]))
    surname = _SURNAME_NAMES[index]
    pool = _MASCULINE_CHARS if rng.random() < 0.6 else _FEMININE_CHARS
    if len(surname) > 1 or rng.random() < 0.25:
        return surname + rng.choice(pool)
    first, second = rng.sample(pool, 2)
    return surname + first + second


def unique_names(rng: random.Random, n: int) -> list[str]:
    """``n`` distinct names from ``person_name``, in generation order."""
    names: dict[str, None] = {}
    attempts = 0
    while len(names) < n:
        attempts += 1
        if attempts > 50 * n + 100:
            raise ValueError(f"could not generate {n} distinct names")
        names.setdefault(person_name(rng), None)
    return list(names)


# ---------------------------------------------------------------------------
# Placeholders
# ---------------------------------------------------------------------------

PLACEHOLDERS: tuple[str, ...] = (
    "unit",
    "body",
    "office",
    "cadre",
    "year",
    "since_year",
    "count",
    "subcount",
    "few",
    "amount",
    "amount_small",
    "amount_large",
)
"""Field names ``fill`` understands."""


def _money(rng: random.Random, low: float, high: float) -> str:
    """A sum in 万元, log-uniform between ``low`` and ``high``, with two decimals."""
    return f"{math.exp(rng.uniform(math.log(low), math.log(high))):.2f}"


def fill(template: str, rng: random.Random, unit: UnitSpec, year: int) -> str:
    """Replace the placeholders of ``template`` (see ``PLACEHOLDERS``) with plausible values.

    Always draws the same number of random values, so a fixed seed gives a fixed sequence
    whatever the template contains.
    """
    count = rng.randint(6, 48)
    values = {
        "unit": unit.short_name,
        "body": "党组" if unit.kind == DEPARTMENT else "党委",
        "office": "处室" if unit.kind == DEPARTMENT else "部门",
        "cadre": "处级" if unit.kind == DEPARTMENT else "中层",
        "year": year,
        "since_year": year - rng.randint(2, 4),
        "count": count,
        "subcount": rng.randint(1, max(2, count // 3)),
        "few": rng.randint(2, 4),
        "amount": _money(rng, 3, 300),
        "amount_small": _money(rng, 0.3, 20),
        "amount_large": _money(rng, 300, 9800),
    }
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(f"bad placeholder in template {template!r}: {exc}") from None


# ---------------------------------------------------------------------------
# Self-check
# ---------------------------------------------------------------------------


def _fields(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def check_invariants() -> None:
    """Raise ``AssertionError`` if the corpus breaks one of its documented invariants."""
    # 1. Units.
    assert len(UNITS) == 20, len(UNITS)
    assert sum(u.kind == DEPARTMENT for u in UNITS) == 14
    assert sum(u.kind == ENTERPRISE for u in UNITS) == 6
    assert any(u.name == "省农村信用社联合社" for u in UNITS)
    codes = [u.code for u in UNITS]
    assert len(set(codes)) == len(codes), "duplicate unit codes"
    for unit in UNITS:
        assert unit.code.isascii() and unit.code == unit.code.upper() and unit.code.startswith("YN-"), (
            unit.code
        )
        assert 6 <= len(unit.departments) <= 9, (unit.code, len(unit.departments))
        assert len(set(unit.departments)) == len(unit.departments), unit.code
        for generic in GENERIC_DEPARTMENTS:
            assert department_for(unit, generic) in unit.departments, (unit.code, generic)
    # 2. Leadership: one principal; every office covered by exactly one non-principal post.
    for posts in (LEADERSHIP_POSTS_DEPARTMENT, LEADERSHIP_POSTS_ENTERPRISE):
        assert sum(p.is_principal for p in posts) == 1
    deputies = [p for p in LEADERSHIP_POSTS_DEPARTMENT if p.title == "党组成员、副厅长"]
    assert 3 <= len(deputies) <= 4
    for unit in UNITS:
        posts = posts_for(unit)
        for office in unit.departments:
            covering = [p for p in posts if not p.is_principal and office in p.areas]
            assert len(covering) == 1, (unit.code, office, len(covering))
            assert leader_for_department(posts, office) is covering[0]
        for post in posts:
            assert post_areas(unit, post), (unit.code, post.title)
            assert post_title(unit, post)
    # 3. Categories and templates.
    assert [c.code for c in CATEGORIES] == ["1", "2", "3", "4"]
    level2 = [child.code for c in CATEGORIES for child in c.children]
    for c in CATEGORIES:
        assert c.children and all(child.code.startswith(c.code + ".") for child in c.children)
    assert set(level2) == set(PROBLEM_TEMPLATES), "template keys must equal level-2 codes"
    assert sum(len(v) for v in PROBLEM_TEMPLATES.values()) >= 60
    allowed = set(PLACEHOLDERS)
    seen_text: set[str] = set()
    for code, templates in PROBLEM_TEMPLATES.items():
        assert len(templates) >= 4, code
        for t in templates:
            assert t.description not in seen_text, t.description
            seen_text.add(t.description)
            assert _fields(t.description) <= allowed and _fields(t.detail) <= allowed, t.description
            assert 2 <= len(t.measures) <= 4, t.description
            for m in t.measures:
                assert m.kind in MEASURE_KINDS, m
                assert m.department in GENERIC_DEPARTMENTS, m
                assert "{" not in m.measure + m.criterion and "}" not in m.measure + m.criterion, m
                assert m.measure not in seen_text, m.measure
                seen_text.add(m.measure)
    # 4. Free texts.
    for texts, minimum in (
        (PROGRESS_NOTES, 20),
        (EVIDENCE_NAMES, 15),
        (RETURN_REASONS, 8),
        (CLUE_SUMMARIES, 20),
        (CLOSE_OUT_NOTES, 8),
    ):
        assert len(texts) >= minimum and len(set(texts)) == len(texts), texts[0]
        assert not any("{" in text or "}" in text for text in texts)
    assert len(TEAMS) == 10 and TEAMS[0] == "省委第一巡视组" and TEAMS[-1] == "省委第十巡视组"
    # 5. Places and the self-found problems.
    assert len(PREFECTURES) == 16 and len({p.code for p in PREFECTURES}) == 16
    place_codes = [p.code for p in PREFECTURES] + [c.code for cs in COUNTIES.values() for c in cs]
    assert len(set(place_codes) | set(codes) | {INSPECTION_OFFICE.code}) == len(place_codes) + len(codes) + 1
    assert all(code.isascii() and code.startswith("YN-") for code in place_codes)
    assert set(COUNTIES) <= {p.code for p in PREFECTURES}
    for t in SELF_FOUND_PROBLEMS:
        assert 1 <= len(t.measures) <= 4 and all(m.department in GENERIC_DEPARTMENTS for m in t.measures)
    assert set(CLUE_RESULTS) == {"talk_inquiry", "preliminary_check", "shelved", "closed"}
    # 6. Names.
    assert len(SURNAMES) >= 60 and len({s for s, _ in SURNAMES}) == len(SURNAMES)
    assert len(GIVEN_NAME_CHARS) >= 150 and len(set(GIVEN_NAME_CHARS)) == len(GIVEN_NAME_CHARS)
