"""Who reaches the catalogue: the commission reads it (page and API), the admin maintains it (pages only);
for everyone else every accountability URL is 404, as for a page that does not exist."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from rectify.accountability.models import AccountabilityForm, ResponsibilityType
from rectify.accounts.models import Role
from rectify.audit.models import AuditEvent
from rectify.core.testing import capture_queries
from tests.api.conftest import api  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

OUTSIDERS = [Role.INSPECTION_OFFICE, Role.UNIT_LEAD, Role.UNIT_MEMBER, Role.LEADER]
CATALOGUE = "/accountability/catalogue"


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def edit_url(section: str, code: str) -> str:
    return reverse("accountability:catalogue_edit", args=[section, code])


def test_the_commission_reads_the_whole_catalogue_over_the_api(world, api):  # noqa: F811
    response = api(Role.COMMISSION).get(CATALOGUE)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"circumstances", "forms", "responsibility_types", "factors", "fault_tolerance"}
    assert body["responsibility_types"] == [
        {"code": "overall", "name": "全面领导责任", "article": "第六条",
         "description": "党组织领导班子在职责范围内负有全面领导责任。"},
        {"code": "principal", "name": "主要领导责任", "article": "第六条",
         "description": "领导班子主要负责人和直接主管的班子成员在职责范围内承担主要领导责任。"},
        {"code": "important", "name": "重要领导责任", "article": "第六条",
         "description": "参与决策和工作的班子其他成员在职责范围内承担重要领导责任。"},
    ]
    lax = next(c for c in body["circumstances"] if c["code"] == "rectification_lax")
    assert lax == {"code": "rectification_lax", "name": "巡视巡察整改不力", "article": "第七条第（八）项",
                   "description": lax["description"], "parent": "oversight_duty", "is_rectification": True}
    admonishment = next(f for f in body["forms"] if f["code"] == "admonishment")
    assert admonishment["applies_to"] == "person" and admonishment["parent"] is None
    assert admonishment["impact"] == {"no_promotion_months": 6, "no_leading_post_months": None,
                                      "no_higher_post_months": None, "basis": "受到诫勉的，六个月内不得提拔或者重用。"}
    demotion = next(f for f in body["forms"] if f["code"] == "demotion")
    assert demotion["parent"] == "organisational_adjustment" and demotion["impact"]["no_promotion_months"] == 24
    warning = next(f for f in body["forms"] if f["code"] == "discipline_warning")
    assert warning["parent"] == "party_discipline" and warning["requires_disciplinary_record"] is True
    objected = next(f for f in body["factors"] if f["code"] == "objected_in_decision")
    assert objected["kind"] == "no_accountability" and objected["requires_evidence"] and "会议记录" in objected["evidence"]
    assert [t["factor"] for t in body["fault_tolerance"]] == ["pilot_reform_error", "exploratory_trial_error",
                                                               "unintentional_development_error"]
    assert "直接责任" not in {t["name"] for t in body["responsibility_types"]}


def test_the_api_lists_active_rows_only(world, api):  # noqa: F811
    AccountabilityForm.objects.filter(code="suspension").update(is_active=False)
    codes = {f["code"] for f in api(Role.COMMISSION).get(CATALOGUE).json()["forms"]}
    assert "suspension" not in codes and "demotion" in codes


@pytest.mark.parametrize("role", [*OUTSIDERS, Role.ADMIN])
def test_every_other_role_gets_404_from_the_api(world, api, role):  # noqa: F811
    response = api(role).get(CATALOGUE)
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.parametrize("role", OUTSIDERS)
def test_every_other_role_gets_404_from_the_pages(world, role):
    c = client_for(world[role])
    assert c.get(reverse("accountability:catalogue")).status_code == 404
    assert c.get(edit_url("forms", "admonishment")).status_code == 404
    assert c.post(edit_url("forms", "admonishment"), {"name": "诫勉", "article": "第八条", "version": 1}
                  ).status_code == 404
    assert c.get(edit_url("nothing", "here")).status_code == 404
    assert AccountabilityForm.objects.get(code="admonishment").version == 1


def test_the_commission_reads_the_page_but_cannot_edit(world):
    c = client_for(world[Role.COMMISSION])
    body = c.get(reverse("accountability:catalogue")).content.decode()
    for text in ("第七条第（八）项", "虚假整改", "诫勉", "不得提拔 6 个月", "全面领导责任", "会议记录", "三个区分开来"):
        assert text in body, text
    assert edit_url("forms", "admonishment") not in body
    assert c.get(edit_url("forms", "admonishment")).status_code == 403
    assert c.post(edit_url("forms", "admonishment"), {"name": "诫勉谈话", "article": "第八条", "version": 1}
                  ).status_code == 403
    assert AccountabilityForm.objects.get(code="admonishment").name == "诫勉"


def test_the_admin_edits_a_row_on_its_page(world):
    c = client_for(world[Role.ADMIN])
    listing = c.get(reverse("accountability:catalogue")).content.decode()
    assert edit_url("forms", "admonishment") in listing
    page = c.get(edit_url("forms", "admonishment"))
    assert page.status_code == 200 and 'value="6"' in page.content.decode()
    response = c.post(edit_url("forms", "admonishment"), {
        "version": 1, "name": "诫勉", "article": "第八条第二款第（二）项", "description": "以谈话或者书面方式进行诫勉。",
        "no_promotion_months": 12, "impact_basis": "本地规定", "is_active": "on"})
    assert response.status_code == 302
    assert response["Location"] == reverse("accountability:catalogue") + "#forms-admonishment"
    assert AccountabilityForm.objects.get(code="admonishment").no_promotion_months == 12
    assert AuditEvent.objects.filter(action="accountability_catalogue.updated").count() == 1


def test_a_stale_edit_page_shows_the_conflict(world):
    c = client_for(world[Role.ADMIN])
    AccountabilityForm.objects.filter(code="demotion").update(version=2, name="降职处理")
    response = c.post(edit_url("forms", "demotion"), {
        "version": 1, "name": "降级", "article": "第八条第二款第（三）项", "no_promotion_months": 24, "is_active": "on"})
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    assert AccountabilityForm.objects.get(code="demotion").name == "降职处理"


def test_direct_responsibility_is_refused_on_the_page_with_the_reason(world):
    c = client_for(world[Role.ADMIN])
    page = c.get(edit_url("responsibility_types", "principal")).content.decode()
    assert 'name="is_active"' not in page  # the three types are always in use
    response = c.post(edit_url("responsibility_types", "principal"),
                      {"version": 1, "name": "直接责任", "article": "第六条"})
    assert response.status_code == 400
    assert "纪律处分条例" in response.content.decode()
    assert ResponsibilityType.objects.get(code="principal").name == "主要领导责任"


def test_the_admin_sees_switched_off_rows_the_commission_does_not(world):
    AccountabilityForm.objects.filter(code="reassignment").update(is_active=False)
    admin = client_for(world[Role.ADMIN]).get(reverse("accountability:catalogue")).content.decode()
    commission = client_for(world[Role.COMMISSION]).get(reverse("accountability:catalogue")).content.decode()
    assert 'id="forms-reassignment"' in admin and "已停用" in admin
    assert 'id="forms-reassignment"' not in commission


def test_only_the_admin_finds_the_catalogue_among_the_system_admin_tabs(world):
    link = f'href="{reverse("accountability:catalogue")}"'

    def tabs(role: str, url: str) -> str:  # the 系统管理 tabs (the commission has the catalogue in its menu)
        body = client_for(world[role]).get(url).content.decode()
        found = re.search(r'<nav class="tabs".*?</nav>', body, re.S)
        return found.group(0) if found else ""

    for url in (reverse("orgs:tree"), reverse("accounts:user_list"), reverse("accountability:catalogue")):
        assert link in tabs(Role.ADMIN, url), url
    assert 'is-active" aria-current="page" href="/accountability/catalogue/"' in tabs(
        Role.ADMIN, reverse("accountability:catalogue"))
    for role in (Role.INSPECTION_OFFICE, Role.LEADER, Role.COMMISSION):
        assert link not in tabs(role, reverse("orgs:tree"))


@pytest.mark.parametrize("role", [Role.COMMISSION, Role.ADMIN])
def test_the_catalogue_page_reads_the_catalogue_in_five_queries(world, role):
    c = client_for(world[role])
    with capture_queries() as ctx:
        assert c.get(reverse("accountability:catalogue")).status_code == 200
    tables = ("circumstance", "accountabilityform", "responsibilitytype", "factor", "faulttolerance")
    catalogue_reads = [q["sql"] for q in ctx.captured_queries
                       if any(f'FROM "accountability_{t}"' in q["sql"] for t in tables)]
    assert len(catalogue_reads) == 5, catalogue_reads
