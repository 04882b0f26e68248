"""Maintaining the org tree and rosters: moves rewrite the subtree's paths, one principal at a time,
stale forms are refused, and every change leaves one audit event."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.accounts.models import Role
from rectify.audit.models import AuditEvent
from rectify.core.errors import Conflict, DomainError, PermissionDenied
from rectify.orgs import services
from rectify.orgs.models import OrgKind, OrgUnit, Person, Post, Tenure
from tests import factories

D = dt.date


def _fresh(unit: OrgUnit) -> OrgUnit:
    return OrgUnit.objects.get(pk=unit.pk)


def test_office_creates_a_unit_under_a_parent_and_the_path_extends_the_parents(world):
    office = world[Role.INSPECTION_OFFICE]
    unit = services.org_unit_add(actor=office, code="EDU-RS", name="人事处", kind=OrgKind.INTERNAL,
                                 parent=world.unit_a)
    assert unit.path == f"{world.unit_a.path}{unit.pk:06d}/"
    assert AuditEvent.objects.filter(action="org_unit.created", object_id=str(unit.pk)).count() == 1


@pytest.mark.parametrize("role", [Role.COMMISSION, Role.UNIT_LEAD, Role.UNIT_MEMBER, Role.LEADER])
def test_only_admin_and_office_change_the_tree(world, role):
    with pytest.raises(PermissionDenied):
        services.org_unit_add(actor=world[role], code="X1", name="新单位", kind=OrgKind.OTHER, parent=None)
    with pytest.raises(PermissionDenied):
        services.org_unit_update(actor=world[role], unit=world.unit_a, expected_version=1, name="改名",
                                 short_name="", kind=OrgKind.DEPARTMENT)
    assert _fresh(world.unit_a).name == "省教育厅"


def test_duplicate_code_is_refused_on_the_code_field(world):
    with pytest.raises(DomainError) as exc:
        services.org_unit_add(actor=world[Role.ADMIN], code="EDU", name="重复", kind=OrgKind.OTHER, parent=None)
    assert exc.value.details == {"field": "code"}


def test_rename_bumps_the_version_and_records_before_and_after(world):
    unit = _fresh(world.unit_a)
    services.org_unit_update(actor=world[Role.ADMIN], unit=unit, expected_version=unit.version,
                             name="省教育厅（省委教育工委）", short_name="省教育厅", kind=OrgKind.DEPARTMENT)
    unit = _fresh(unit)
    assert (unit.name, unit.short_name, unit.version) == ("省教育厅（省委教育工委）", "省教育厅", 2)
    event = AuditEvent.objects.get(action="org_unit.updated")
    assert event.before == {"name": "省教育厅", "short_name": ""}
    assert event.after == {"name": "省教育厅（省委教育工委）", "short_name": "省教育厅"}


def test_a_stale_rename_is_a_conflict_and_changes_nothing(world):
    seen = _fresh(world.unit_a)
    other = _fresh(world.unit_a)
    services.org_unit_update(actor=world[Role.ADMIN], unit=other, expected_version=1, name="甲", short_name="",
                             kind=OrgKind.DEPARTMENT)
    with pytest.raises(Conflict) as exc:
        services.org_unit_update(actor=world[Role.INSPECTION_OFFICE], unit=seen, expected_version=1, name="乙",
                                 short_name="", kind=OrgKind.DEPARTMENT)
    assert "他人修改" in exc.value.message
    assert _fresh(world.unit_a).name == "甲"


def test_moving_a_unit_rewrites_the_paths_of_its_whole_subtree(world):
    office = world[Role.INSPECTION_OFFICE]
    grandchild = factories.org_unit(name="财务处一科", code="EDU-CW-1", parent=world.unit_a_dept)
    moved = services.org_unit_move(actor=office, unit=_fresh(world.unit_a), new_parent=_fresh(world.unit_b),
                                   expected_version=1)
    assert moved == 3
    a, dept, leaf, b = (_fresh(u) for u in (world.unit_a, world.unit_a_dept, grandchild, world.unit_b))
    assert a.parent_id == b.pk
    assert a.path == f"{b.path}{a.pk:06d}/"
    assert dept.path == f"{a.path}{dept.pk:06d}/"
    assert leaf.path == f"{dept.path}{leaf.pk:06d}/"
    assert b.path == f"/{b.parent_id:06d}/{b.pk:06d}/"  # the new parent itself is untouched
    # scope follows the tree: B's lead now sees A and its offices
    lead_b = world["unit_lead_b"]
    lead_b.refresh_from_db()
    from rectify.orgs.selectors import org_units_for
    assert set(org_units_for(user=lead_b).values_list("code", flat=True)) == {"FIN", "EDU", "EDU-CW", "EDU-CW-1"}


def test_moving_to_the_top_of_the_tree(world):
    services.org_unit_move(actor=world[Role.ADMIN], unit=_fresh(world.unit_a_dept), new_parent=None,
                           expected_version=1)
    dept = _fresh(world.unit_a_dept)
    assert (dept.parent_id, dept.path) == (None, f"/{dept.pk:06d}/")


@pytest.mark.parametrize("target", ["self", "child"])
def test_a_unit_cannot_move_under_itself_or_its_descendants(world, target):
    new_parent = world.unit_a if target == "self" else world.unit_a_dept
    with pytest.raises(DomainError) as exc:
        services.org_unit_move(actor=world[Role.ADMIN], unit=_fresh(world.unit_a), new_parent=_fresh(new_parent),
                               expected_version=1)
    assert exc.value.code == "move_into_own_subtree"
    assert _fresh(world.unit_a_dept).path.startswith(_fresh(world.unit_a).path)
    assert _fresh(world.unit_a).parent_id == world.unit_a.parent_id


def test_deactivating_a_unit_deactivates_its_subtree_and_it_cannot_take_new_children(world):
    admin = world[Role.ADMIN]
    changed = services.org_unit_set_active(actor=admin, unit=_fresh(world.unit_a), active=False, expected_version=1)
    assert changed == 2
    assert not _fresh(world.unit_a).is_active and not _fresh(world.unit_a_dept).is_active
    assert _fresh(world.unit_b).is_active
    with pytest.raises(DomainError) as exc:
        services.org_unit_add(actor=admin, code="EDU-NEW", name="新处室", kind=OrgKind.INTERNAL,
                              parent=_fresh(world.unit_a))
    assert exc.value.code == "parent_inactive"
    with pytest.raises(DomainError):
        services.org_unit_move(actor=admin, unit=_fresh(world.unit_b), new_parent=_fresh(world.unit_a),
                               expected_version=1)
    # the child cannot come back while its parent is inactive; the parent can
    with pytest.raises(DomainError):
        services.org_unit_set_active(actor=admin, unit=_fresh(world.unit_a_dept), active=True, expected_version=None)
    services.org_unit_set_active(actor=admin, unit=_fresh(world.unit_a), active=True, expected_version=None)
    assert _fresh(world.unit_a).is_active and not _fresh(world.unit_a_dept).is_active
    assert AuditEvent.objects.filter(action__in=["org_unit.deactivated", "org_unit.activated"]).count() == 2


# --- roster ---------------------------------------------------------------------------------------

@pytest.fixture
def roster(world):  # type: ignore[no-untyped-def]
    """Unit A: the factory's principal 张书记 (党组书记、厅长 since 2020-01-01) and a deputy post."""
    post = Post.objects.get(unit=world.unit_a, is_principal=True)
    deputy = Post.objects.create(unit=world.unit_a, title="党组成员、副厅长", areas="财务处、审计处")
    li = Person.objects.create(name="李副厅长", unit=world.unit_a)
    wang = Person.objects.create(name="王书记", unit=world.unit_a)
    return {"principal": post, "deputy": deputy, "li": li, "wang": wang,
            "zhang": Tenure.objects.get(post=post).person}


@pytest.mark.parametrize("role", [Role.INSPECTION_OFFICE, Role.ADMIN, Role.UNIT_LEAD])
def test_roster_maintainers_add_people_and_posts(world, role):
    actor = world[role]
    person = services.person_add(actor=actor, unit=world.unit_a, name=" 赵六 ", title="党组成员、副厅长")
    post = services.post_add(actor=actor, unit=world.unit_a, title="党组成员、副厅长", areas="人事处，机关党委")
    assert person.name == "赵六" and person.unit == world.unit_a
    assert post.area_list == ["人事处", "机关党委"] and post.areas == "人事处、机关党委"


@pytest.mark.parametrize("role", [Role.COMMISSION, Role.UNIT_MEMBER, Role.LEADER, "unit_lead_b"])
def test_others_cannot_change_unit_as_roster(world, role):
    with pytest.raises(PermissionDenied):
        services.person_add(actor=world[role], unit=world.unit_a, name="赵六")
    with pytest.raises(PermissionDenied):
        services.post_add(actor=world[role], unit=world.unit_a, title="副厅长")
    assert not Person.objects.filter(name="赵六").exists()


def test_appointing_a_new_principal_ends_the_predecessor_that_day(world, roster):
    lead = world[Role.UNIT_LEAD]
    tenure = services.tenure_appoint(actor=lead, person=roster["wang"], post=roster["principal"], start=D(2024, 3, 1))
    old = Tenure.objects.get(person=roster["zhang"])
    assert old.end == D(2024, 3, 1) and tenure.end is None
    assert old.version == 2  # the predecessor's tenure changed, so a form still showing it is stale


def test_recording_a_former_holder_keeps_the_current_one(world, roster):
    tenure = services.tenure_appoint(actor=world[Role.INSPECTION_OFFICE], person=roster["wang"],
                                     post=roster["principal"], start=D(2016, 5, 1), end=D(2020, 1, 1))
    assert (tenure.start, tenure.end) == (D(2016, 5, 1), D(2020, 1, 1))
    assert Tenure.objects.get(person=roster["zhang"]).end is None


def test_two_principal_tenures_of_one_unit_never_overlap(world, roster):
    office = world[Role.INSPECTION_OFFICE]
    second = Post.objects.create(unit=world.unit_a, title="党委书记", is_principal=True)
    with pytest.raises(DomainError) as exc:  # 张书记 is still principal in the other post
        services.tenure_appoint(actor=office, person=roster["wang"], post=second, start=D(2024, 1, 1))
    assert exc.value.code == "principal_overlap" and "张书记" in exc.value.message
    with pytest.raises(DomainError) as exc:  # a former term overlapping his
        services.tenure_appoint(actor=office, person=roster["wang"], post=roster["principal"], start=D(2018, 1, 1),
                                end=D(2020, 6, 1))
    assert exc.value.code == "tenure_overlap"
    # ending the same day the successor starts is not an overlap (end is exclusive)
    services.tenure_appoint(actor=office, person=roster["wang"], post=second, start=D(2016, 1, 1), end=D(2020, 1, 1))
    assert Tenure.objects.filter(post__unit=world.unit_a, post__is_principal=True).count() == 2


def test_a_post_cannot_become_principal_while_its_holder_would_overlap_the_principal(world, roster):
    services.tenure_appoint(actor=world[Role.ADMIN], person=roster["li"], post=roster["deputy"], start=D(2022, 1, 1))
    deputy = Post.objects.get(pk=roster["deputy"].pk)
    with pytest.raises(DomainError) as exc:
        services.post_update(actor=world[Role.ADMIN], post=deputy, expected_version=deputy.version,
                             title=deputy.title, is_principal=True, is_leadership_member=True, areas="", sort_order=0)
    assert exc.value.code == "principal_overlap"
    assert not Post.objects.get(pk=deputy.pk).is_principal


def test_several_deputies_serve_at_once_in_their_own_posts(world, roster):
    office = world[Role.INSPECTION_OFFICE]
    other = Post.objects.create(unit=world.unit_a, title="党组成员、副厅长")
    services.tenure_appoint(actor=office, person=roster["li"], post=roster["deputy"], start=D(2022, 1, 1))
    services.tenure_appoint(actor=office, person=roster["wang"], post=other, start=D(2022, 1, 1))
    assert Tenure.objects.filter(post__in=[roster["deputy"], other], end__isnull=True).count() == 2


def test_tenure_dates_are_checked_end_after_start(world, roster):
    tenure = Tenure.objects.get(person=roster["zhang"])
    with pytest.raises(DomainError) as exc:
        services.tenure_update(actor=world[Role.UNIT_LEAD], tenure=tenure, expected_version=tenure.version,
                               start=D(2020, 1, 1), end=D(2019, 12, 31))
    assert exc.value.details == {"field": "end"}
    with pytest.raises(DomainError):
        services.tenure_end(actor=world[Role.UNIT_LEAD], tenure=tenure, expected_version=tenure.version,
                            end=D(2020, 1, 1))
    assert Tenure.objects.get(pk=tenure.pk).end is None


def test_ending_and_correcting_a_tenure(world, roster):
    lead = world[Role.UNIT_LEAD]
    tenure = Tenure.objects.get(person=roster["zhang"])
    services.tenure_end(actor=lead, tenure=tenure, expected_version=1, end=D(2024, 3, 1))
    tenure = Tenure.objects.get(pk=tenure.pk)
    assert (tenure.end, tenure.version) == (D(2024, 3, 1), 2)
    services.tenure_update(actor=lead, tenure=tenure, expected_version=2, start=D(2019, 12, 1), end=D(2024, 2, 1))
    tenure = Tenure.objects.get(pk=tenure.pk)
    assert (tenure.start, tenure.end) == (D(2019, 12, 1), D(2024, 2, 1))
    event = AuditEvent.objects.get(action="tenure.updated")
    assert event.before == {"start": "2020-01-01", "end": "2024-03-01"}


def test_a_stale_tenure_form_is_a_conflict(world, roster):
    lead = world[Role.UNIT_LEAD]
    tenure = Tenure.objects.get(person=roster["zhang"])
    services.tenure_appoint(actor=lead, person=roster["wang"], post=roster["principal"], start=D(2024, 3, 1))
    with pytest.raises(Conflict):  # the form was opened before 王书记 was appointed
        services.tenure_update(actor=lead, tenure=tenure, expected_version=1, start=D(2020, 1, 1),
                               end=D(2024, 6, 1))
    assert Tenure.objects.get(pk=tenure.pk).end == D(2024, 3, 1)


def test_a_stale_person_or_post_edit_is_a_conflict(world, roster):
    admin = world[Role.ADMIN]
    person = roster["li"]
    services.person_update(actor=admin, person=Person.objects.get(pk=person.pk), expected_version=1,
                           name="李副厅长", title="党组成员、副厅长")
    with pytest.raises(Conflict):
        services.person_update(actor=admin, person=Person.objects.get(pk=person.pk), expected_version=1,
                               name="李四", title="")
    assert Person.objects.get(pk=person.pk).name == "李副厅长"
    post = Post.objects.get(pk=roster["deputy"].pk)
    with pytest.raises(Conflict):
        services.post_update(actor=admin, post=post, expected_version=post.version + 1, title="x",
                             is_principal=False, is_leadership_member=True, areas="", sort_order=0)
