"""Look-back repeat proposals rank by Chinese text similarity: paraphrases of an earlier problem are found
first, unrelated texts are not (issue 11 §4)."""

from __future__ import annotations

import pytest

from rectify.supervision.similarity import Doc, TfidfIndex, bonus, tokens

EARLIER = {
    1: "违规发放津贴补贴，2021年以来以加班费、值班费名义向机关干部发放补贴共计36.5万元",
    2: "选人用人不规范，干部选拔任用程序执行不严格，个别干部超职数配备",
    3: "“三重一大”决策制度执行不到位，部分重大项目未经党组会集体研究决定",
    4: "意识形态工作责任制落实不到位，对网络舆情研判处置不及时",
    5: "公务用车管理不规范，存在公车私用、违规加油报销问题",
    6: "基层党组织建设薄弱，部分支部“三会一课”流于形式，组织生活不经常",
    7: "政府采购管理混乱，部分项目化整为零规避公开招标",
    8: "违规收受管理服务对象礼品礼金，节假日期间吃请现象仍有发生",
}
PARAPHRASES = {
    1: "仍以值班费、加班费名义违规向干部发放津贴补贴，上轮巡视反馈后整改不彻底",
    2: "干部选拔任用工作不严格，个别岗位超职数配备干部，选人用人程序不规范",
    3: "重大项目安排未经集体研究，“三重一大”决策制度执行不严格",
    5: "公车私用问题反弹，车辆加油费用违规报销，公务用车管理仍不规范",
    7: "规避公开招标，采购项目被拆分化整为零，政府采购管理不严",
}
UNRELATED = [
    "安全生产主体责任落实不到位，危险化学品仓库消防设施老化",
    "信访积案化解不力，群众反映强烈的拆迁补偿问题长期未解决",
]


@pytest.fixture(scope="module")
def index() -> TfidfIndex:
    return TfidfIndex((Doc(id=k, unit_id=1, category=""), v) for k, v in EARLIER.items())


def test_tokens_drop_punctuation_numbers_and_filler_words() -> None:
    words = tokens("违规发放津贴补贴问题整改不到位，2023年以来仍以加班费名义发放")
    assert {"违规", "发放", "津贴", "补贴", "加班费"} <= set(words)
    assert not {"问题", "整改", "，", "2023", "年"} & set(words)


@pytest.mark.parametrize("original", sorted(PARAPHRASES))
def test_a_paraphrase_finds_its_original_first(index: TfidfIndex, original: int) -> None:
    scores = index.cosine(PARAPHRASES[original])
    ranked = sorted(zip(index.docs, scores, strict=True), key=lambda x: -x[1])
    assert ranked[0][0].id == original
    assert ranked[0][1] > 0.3
    assert ranked[0][1] > 2 * ranked[1][1]  # clearly apart from the runner-up


@pytest.mark.parametrize("text", UNRELATED)
def test_an_unrelated_text_matches_nothing(index: TfidfIndex, text: str) -> None:
    assert max(index.cosine(text)) < 0.15


def test_same_unit_and_category_add_to_the_score() -> None:
    doc = Doc(id=1, unit_id=7, category="2.2")
    assert bonus(doc, unit_id=7, category="2.2") > bonus(doc, unit_id=7, category="2.3") > \
        bonus(doc, unit_id=7, category="3.1") > bonus(doc, unit_id=8, category="3.1") == 0
