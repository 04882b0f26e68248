"""The catalogue the migration seeds: the regulations' items, each with its article, in order."""

from __future__ import annotations

import pytest

from rectify.accountability import selectors
from rectify.accountability.models import (
    AccountabilityForm,
    Circumstance,
    Factor,
    FaultTolerance,
    ResponsibilityType,
)
from rectify.core.testing import capture_queries

pytestmark = pytest.mark.django_db

NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一"]


def test_the_eleven_circumstances_of_article_7_each_with_its_item():
    top = [c for c in selectors.catalogue().circumstances if c.parent_id is None]
    assert len(top) == 11
    assert [c.article for c in top] == [f"第七条第（{n}）项" for n in NUMERALS]
    assert top[-1].code == "other" and "兜底" in top[-1].description


def test_item_8_names_the_failures_of_inspection_rectification():
    item8 = selectors.circumstance_get(code="oversight_duty")
    assert item8.article == "第七条第（八）项" and "巡视巡察整改要求走过场" in item8.description
    children = [c for c in selectors.catalogue().circumstances if c.parent_id == item8.pk]
    assert [c.name for c in children] == ["巡视巡察整改不力", "敷衍整改", "虚假整改", "拒不整改"]
    assert all(c.is_rectification and c.article == item8.article for c in children)
    assert not Circumstance.objects.filter(is_rectification=True).exclude(parent=item8).exists()


def test_the_catalogue_lists_each_sub_item_right_after_its_parent():
    codes = [c.code for c in selectors.catalogue().circumstances]
    at = codes.index("oversight_duty")
    assert codes[at + 1:at + 5] == ["rectification_lax", "rectification_perfunctory", "rectification_false",
                                    "rectification_refused"]
    assert codes[at + 5] == "major_accident"


def test_the_forms_for_organisations_and_for_leading_cadres():
    forms = selectors.catalogue().forms
    top = {(f.applies_to, f.name): f for f in forms if f.parent_id is None}
    assert [name for (target, name) in top if target == "organisation"] == ["检查", "通报", "改组"]
    assert [name for (target, name) in top if target == "person"] == ["通报", "诫勉", "组织调整或者组织处理", "纪律处分"]
    assert top[("organisation", "改组")].article == "第八条第一款第（三）项"
    assert top[("person", "诫勉")].article == "第八条第二款第（二）项"
    measures = [f.name for f in forms if f.parent_id == top[("person", "组织调整或者组织处理")].pk]
    assert measures == ["停职检查", "调整职务", "责令辞职", "降职", "免职"]
    kinds = [f.name for f in forms if f.parent_id == top[("person", "纪律处分")].pk]
    assert kinds == ["警告", "严重警告", "撤销党内职务"]


def test_only_party_discipline_goes_by_the_disciplinary_procedure():
    disciplinary = set(AccountabilityForm.objects.filter(requires_disciplinary_record=True).values_list("code",
                                                                                                       flat=True))
    assert disciplinary == {"party_discipline", "discipline_warning", "discipline_serious_warning",
                            "discipline_removal_from_post"}


@pytest.mark.parametrize(("code", "promotion", "leading", "higher"), [
    ("admonishment", 6, None, None),
    ("ordered_resignation", None, 12, 24),
    ("removal", None, 12, 24),
    ("demotion", 24, None, None),
    ("discipline_warning", 12, None, None),
    ("discipline_serious_warning", 18, None, None),
    ("discipline_removal_from_post", 24, None, 24),
    ("person_circulation", None, None, None),
    ("suspension", None, None, None),
    ("org_reorganisation", None, None, None),
])
def test_each_form_carries_its_impact_period(code, promotion, leading, higher):
    form = selectors.form_get(code=code)
    assert (form.no_promotion_months, form.no_leading_post_months, form.no_higher_post_months) == \
        (promotion, leading, higher)
    assert bool(form.impact_basis) == form.has_impact


def test_exactly_the_three_responsibility_types_of_article_6():
    types = selectors.catalogue().responsibility_types
    assert [(t.code, t.name) for t in types] == [("overall", "全面领导责任"), ("principal", "主要领导责任"),
                                                 ("important", "重要领导责任")]
    assert all(t.article == "第六条" for t in types)
    assert "领导班子" in types[0].description and "直接主管" in types[1].description
    assert not ResponsibilityType.objects.filter(name__contains="直接").exists()


def test_the_factors_of_articles_17_to_19_each_name_their_evidence():
    factors = selectors.catalogue().factors
    by_kind: dict[str, list[str]] = {}
    for f in factors:
        by_kind.setdefault(f.kind, []).append(f.code)
    assert by_kind == {
        "exemption": ["pilot_reform_error", "exploratory_trial_error", "unintentional_development_error"],
        "no_accountability": ["objected_in_decision", "duty_done_force_majeure"],
        "mitigating": ["timely_remedy", "loss_recovered", "active_cooperation"],
        "aggravating": ["defied_repeated_orders", "obstructed_investigation"],
    }
    objected = selectors.factor_get(code="objected_in_decision")
    assert objected.article == "第十七条第（二）项" and objected.requires_evidence and "会议记录" in objected.evidence
    assert all(f.requires_evidence and f.evidence for f in factors)
    assert {f.article for f in factors if f.kind == "mitigating"} == {"第十八条"}


def test_the_three_distinctions_of_fault_tolerance_point_at_their_exemptions():
    rows = selectors.catalogue().fault_tolerance
    assert len(rows) == 3
    assert [(t.tolerated, t.not_tolerated) for t in rows] == [
        ("因缺乏经验、先行先试出现的失误错误", "明知故犯的违纪违法行为"),
        ("尚无明确限制的探索性试验中的失误错误", "明令禁止后依然我行我素的违纪违法行为"),
        ("为推动发展的无意过失", "为谋取私利的违纪违法行为"),
    ]
    assert [t.factor.code for t in rows] == ["pilot_reform_error", "exploratory_trial_error",
                                             "unintentional_development_error"]
    assert all("三个区分开来" in t.article and t.requires_evidence and t.evidence for t in rows)


def test_every_row_has_an_article_and_a_name():
    for model in (Circumstance, AccountabilityForm, ResponsibilityType, Factor, FaultTolerance):
        assert model.objects.exists()
        assert not model.objects.filter(article="").exists() and not model.objects.filter(name="").exists()


def test_the_whole_catalogue_is_read_in_five_queries():
    with capture_queries() as ctx:
        cat = selectors.catalogue()
        # parents and linked exemptions come with their rows
        [c.parent for c in cat.circumstances] + [f.parent for f in cat.forms] + [t.factor for t in cat.fault_tolerance]
    assert len(ctx.captured_queries) == 5


def test_running_the_seed_again_keeps_the_admins_edits():
    import importlib

    from django.apps import apps

    Circumstance.objects.filter(code="other").update(name="其他失职失责情形")
    ResponsibilityType.objects.filter(code="important").delete()
    importlib.import_module("rectify.accountability.migrations.0002_seed_catalogue").forwards(apps, None)
    assert Circumstance.objects.get(code="other").name == "其他失职失责情形"
    assert ResponsibilityType.objects.filter(code="important").exists()  # a missing row comes back
    assert Circumstance.objects.count() == 15
