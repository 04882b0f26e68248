"""The 单位与人员 pages: who may see and change what, inline errors, conflicts, and pinned query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.core.testing import capture_queries
from rectify.orgs.models import OrgUnit, Person, Post, Tenure
from rectify.orgs.services import org_units_bulk_create
from tests import factories


def _client(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def _principal(world) -> Post:  # type: ignore[no-untyped-def]
    return Post.objects.get(unit=world.unit_a, is_principal=True)


def test_office_sees_the_top_of_the_tree_and_drills_down(world):
    c = _client(world[Role.INSPECTION_OFFICE])
    top = c.get(reverse("orgs:tree")).content.decode()
    assert "省委" in top and "省教育厅" not in top
    level = c.get(reverse("orgs:tree"), {"parent": "PROV"}).content.decode()
    assert "省教育厅" in level and "省财政厅" in level and "财务处" not in level
    found = c.get(reverse("orgs:tree"), {"q": "财务"}).content.decode()
    assert "EDU-CW" in found and "FIN" not in found.split("<tbody>")[1]


def test_a_unit_lead_sees_only_its_own_subtree(world):
    c = _client(world[Role.UNIT_LEAD])
    top = c.get(reverse("orgs:tree")).content.decode()
    assert "省教育厅" in top and "省财政厅" not in top
    assert c.get(reverse("orgs:tree"), {"parent": "FIN"}).status_code == 404
    assert c.get(reverse("orgs:roster", args=["FIN"])).status_code == 404
    assert c.get(reverse("orgs:roster", args=["EDU"])).status_code == 200


def test_roster_page_shows_posts_with_current_and_former_holders(world):
    post = _principal(world)
    former = Person.objects.create(name="刘前任", unit=world.unit_a)
    Tenure.objects.create(person=former, post=post, start=dt.date(2015, 3, 1), end=dt.date(2020, 1, 1))
    post.areas = "全面工作"
    post.save()
    html = _client(world[Role.LEADER]).get(reverse("orgs:roster", args=["EDU"])).content.decode()
    assert "党组书记、厅长" in html and "一把手" in html and "全面工作" in html
    assert html.index("张书记") < html.index("刘前任")  # current first
    assert "至今" in html and "2015年3月1日" in html
    assert 'action="/orgs/EDU/posts/"' not in html  # read-only for the leader


def test_the_tree_is_changed_through_the_pages_by_the_office(world):
    c = _client(world[Role.INSPECTION_OFFICE])
    response = c.post(reverse("orgs:unit_create"), {"code": "EDU-RS", "name": "人事处", "kind": "internal",
                                                    "parent": "EDU"})
    assert response.status_code == 302
    unit = OrgUnit.objects.get(code="EDU-RS")
    assert unit.parent == world.unit_a
    c.post(reverse("orgs:unit_move", args=["EDU-RS"]), {"parent": "FIN", "version": 1})
    unit.refresh_from_db()
    assert unit.parent == world.unit_b and unit.path.startswith(world.unit_b.path)
    c.post(reverse("orgs:unit_deactivate", args=["EDU-RS"]), {"version": unit.version})
    unit.refresh_from_db()
    assert not unit.is_active


def test_move_under_own_descendant_shows_the_error_on_the_form(world):
    c = _client(world[Role.ADMIN])
    response = c.post(reverse("orgs:unit_move", args=["EDU"]), {"parent": "EDU-CW", "version": 1})
    assert response.status_code == 400
    assert "不能把“省教育厅”调整到它自己或它的下级单位之下" in response.content.decode()


def test_duplicate_code_shows_inline_on_the_create_form(world):
    response = _client(world[Role.ADMIN]).post(reverse("orgs:unit_create"), {"code": "FIN", "name": "重复",
                                                                            "kind": "other", "parent": ""})
    assert response.status_code == 400
    assert "单位编码“FIN”已存在" in response.content.decode()


@pytest.mark.parametrize("role", [Role.UNIT_LEAD, Role.UNIT_MEMBER, Role.COMMISSION, Role.LEADER])
def test_only_admin_and_office_create_units(world, role):
    response = _client(world[role]).post(reverse("orgs:unit_create"), {"code": "NEW", "name": "新单位",
                                                                      "kind": "other", "parent": ""})
    assert response.status_code == 403
    assert not OrgUnit.objects.filter(code="NEW").exists()


# role → expected status of a roster POST on unit A
ROSTER_MATRIX = [
    (Role.INSPECTION_OFFICE, 302), (Role.ADMIN, 302), (Role.UNIT_LEAD, 302),
    ("unit_lead_b", 404), (Role.UNIT_MEMBER, 403), (Role.LEADER, 403), (Role.COMMISSION, 403),
]


@pytest.mark.parametrize(("role", "status"), ROSTER_MATRIX)
def test_roster_edits_permission_matrix(world, role, status):
    c = _client(world[role])
    post = _principal(world)
    tenure = Tenure.objects.get(post=post)
    person = tenure.person
    requests = [
        (reverse("orgs:person_add", args=["EDU"]), {"name": "赵六", "title": "副厅长"}),
        (reverse("orgs:person_edit", args=["EDU", person.pk]), {"name": "张书记", "title": "党组书记", "version": 1}),
        (reverse("orgs:post_add", args=["EDU"]), {"title": "党组成员、副厅长", "is_leadership_member": "on",
                                                 "areas": "财务处"}),
        (reverse("orgs:post_edit", args=["EDU", post.pk]), {"title": "党组书记、厅长", "is_principal": "on",
                                                           "areas": "全面工作", "version": 1}),
        (reverse("orgs:tenure_edit", args=["EDU", post.pk, tenure.pk]),
         {f"t{tenure.pk}-start": "2019-12-01", f"t{tenure.pk}-version": 1}),
        (reverse("orgs:tenure_end", args=["EDU", post.pk, tenure.pk]),
         {f"e{tenure.pk}-end": "2024-03-01", f"e{tenure.pk}-version": 2}),
    ]
    for url, data in requests:
        assert c.post(url, data).status_code == status, url
    tenure.refresh_from_db()
    if status == 302:
        assert Person.objects.filter(name="赵六", unit=world.unit_a).exists()
        assert (tenure.start, tenure.end) == (dt.date(2019, 12, 1), dt.date(2024, 3, 1))
        assert Post.objects.get(pk=post.pk).areas == "全面工作"
    else:
        assert not Person.objects.filter(name="赵六").exists()
        assert (tenure.start, tenure.end) == (dt.date(2020, 1, 1), None)


def test_appointing_through_the_page_ends_the_predecessor(world):
    c = _client(world[Role.UNIT_LEAD])
    post = _principal(world)
    successor = Person.objects.create(name="王书记", unit=world.unit_a)
    response = c.post(reverse("orgs:post_appoint", args=["EDU", post.pk]), {"person": successor.pk,
                                                                           "start": "2024-03-01"})
    assert response.status_code == 302
    assert list(Tenure.objects.filter(post=post).order_by("start").values_list("person__name", "end")) == [
        ("张书记", dt.date(2024, 3, 1)), ("王书记", None)]


def test_overlapping_principal_is_refused_on_the_form(world):
    c = _client(world[Role.INSPECTION_OFFICE])
    other = Post.objects.create(unit=world.unit_a, title="党委书记", is_principal=True)
    wang = Person.objects.create(name="王书记", unit=world.unit_a)
    response = c.post(reverse("orgs:post_appoint", args=["EDU", other.pk]), {"person": wang.pk,
                                                                            "start": "2023-01-01"})
    assert response.status_code == 400
    assert "一个单位同一时间只有一名主要负责人" in response.content.decode()
    assert not Tenure.objects.filter(person=wang).exists()


def test_a_stale_form_says_someone_else_changed_it(world):
    c = _client(world[Role.INSPECTION_OFFICE])
    post = _principal(world)
    data = {"title": "党组书记、厅长", "is_principal": "on", "areas": "全面工作", "version": post.version}
    assert c.post(reverse("orgs:post_edit", args=["EDU", post.pk]), data).status_code == 302
    response = c.post(reverse("orgs:post_edit", args=["EDU", post.pk]), {**data, "areas": "党建"})
    assert response.status_code == 409
    assert "已被他人修改" in response.content.decode()
    assert Post.objects.get(pk=post.pk).areas == "全面工作"


def test_end_before_start_is_shown_on_the_end_field(world):
    c = _client(world[Role.UNIT_LEAD])
    post = _principal(world)
    tenure = Tenure.objects.get(post=post)
    response = c.post(reverse("orgs:tenure_edit", args=["EDU", post.pk, tenure.pk]),
                      {f"t{tenure.pk}-start": "2020-01-01", f"t{tenure.pk}-end": "2019-01-01",
                       f"t{tenure.pk}-version": 1})
    assert response.status_code == 400
    assert "离任日期必须晚于任职日期" in response.content.decode()


def test_a_post_of_another_unit_is_not_found_under_this_units_url(world):
    post_b = Post.objects.create(unit=world.unit_b, title="党组书记、厅长", is_principal=True)
    c = _client(world[Role.INSPECTION_OFFICE])
    assert c.get(reverse("orgs:post_detail", args=["EDU", post_b.pk])).status_code == 404
    assert c.get(reverse("orgs:post_detail", args=["FIN", post_b.pk])).status_code == 200


def test_navigation_leads_each_role_to_the_right_place(world):
    office = _client(world[Role.INSPECTION_OFFICE]).get(reverse("core:home")).content.decode()
    assert 'href="/orgs/"' in office and "系统管理" in office
    lead = _client(world[Role.UNIT_LEAD]).get(reverse("core:home")).content.decode()
    assert 'href="/orgs/EDU/"' in lead
    member = _client(world[Role.UNIT_MEMBER]).get(reverse("core:home")).content.decode()
    assert "系统管理" not in member


def test_parent_choices_offer_active_units_outside_the_moved_subtree(world):
    factories.org_unit(name="教育厅直属单位", code="EDU-ZS", parent=world.unit_a)
    c = _client(world[Role.ADMIN])
    html = c.get(reverse("orgs:parent_choices"), {"parent": "教育", "exclude": "EDU-CW"}).content.decode()
    assert 'value="EDU"' in html and 'value="EDU-ZS"' in html
    html = c.get(reverse("orgs:parent_choices"), {"parent": "教育", "exclude": "EDU"}).content.decode()
    assert "EDU" not in html


# --- N+1 guards ---------------------------------------------------------------------------------

def _count(c: Client, url: str, params: dict | None = None) -> int:
    c.get(url, params)  # warm the session
    with capture_queries() as ctx:
        response = c.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_tree_page_query_count_does_not_grow_with_units(world, settings):
    settings.RECTIFY_PAGE_SIZE = 50
    c = _client(world[Role.INSPECTION_OFFICE])
    small = _count(c, reverse("orgs:tree"), {"parent": "PROV"})
    org_units_bulk_create([OrgUnit(code=f"D{i}", name=f"部门{i}", parent=world.unit_a.parent)
                                     for i in range(30)])
    large = _count(c, reverse("orgs:tree"), {"parent": "PROV"})
    assert small == large
    assert large <= 10, large  # session, user, 4 for the page, 5 badges (close-outs, change requests, 督办, repeat notices, unread)


def test_roster_page_query_count_does_not_grow_with_posts_and_tenures(world, settings):
    c = _client(world[Role.UNIT_LEAD])
    url = reverse("orgs:roster", args=["EDU"])
    small = _count(c, url)
    for i in range(15):
        post = Post.objects.create(unit=world.unit_a, title=f"党组成员、副厅长{i}", areas="财务处、审计处")
        for j in range(3):
            person = Person.objects.create(name=f"副厅长{i}-{j}", unit=world.unit_a)
            tenure = Tenure.objects.create(person=person, post=post, start=dt.date(2010 + j * 3, 1, 1),
                                           end=None if j == 2 else dt.date(2013 + j * 3, 1, 1))
            factories.led_task(prob=world.problem_a, tenure=tenure)  # each shows its open tasks
    large = _count(c, url)
    assert small == large
    assert large <= 12, large  # one of them counts the open tasks every tenure on the page leads (+1: 督办 badge, +1: unread)
