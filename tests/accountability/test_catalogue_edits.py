"""The admin edits catalogue rows: versioned, audited, validated; nobody else can."""

from __future__ import annotations

import pytest

from rectify.accountability import selectors, services
from rectify.accountability.models import AccountabilityForm, Circumstance
from rectify.accounts.models import Role
from rectify.audit.models import AuditEvent
from rectify.core.errors import Conflict, DomainError, PermissionDenied

pytestmark = pytest.mark.django_db

EDITED = "accountability_catalogue.updated"


def test_an_admin_edit_changes_the_row_bumps_its_version_and_records_one_event(world):
    admin = world[Role.ADMIN]
    form = selectors.form_get(code="admonishment")
    services.catalogue_item_update(actor=admin, item=form, expected_version=1, name="诫勉 ", no_promotion_months=12,
                                   impact_basis="本地规定：受到诫勉的，一年内不得提拔。", article=form.article,
                                   description=form.description, is_active=True)
    stored = AccountabilityForm.objects.get(code="admonishment")
    assert (stored.no_promotion_months, stored.impact_basis, stored.version) == (12, "本地规定：受到诫勉的，一年内不得提拔。", 2)
    event = AuditEvent.objects.get(action=EDITED)
    assert event.actor == admin and event.object_type == "accountability.accountabilityform"
    assert event.object_id == str(stored.pk)
    assert event.before == {"no_promotion_months": 6, "impact_basis": "受到诫勉的，六个月内不得提拔或者重用。"}
    assert event.after == {"no_promotion_months": 12, "impact_basis": "本地规定：受到诫勉的，一年内不得提拔。"}


def test_a_stale_version_is_a_conflict_and_changes_nothing(world):
    admin = world[Role.ADMIN]
    seen = selectors.circumstance_get(code="other")
    first = selectors.circumstance_get(code="other")
    services.catalogue_item_update(actor=admin, item=first, expected_version=seen.version,
                                   description="兜底条款，适用时写明事实和依据。")
    with pytest.raises(Conflict) as refused:
        services.catalogue_item_update(actor=admin, item=seen, expected_version=seen.version, name="其他情形")
    assert refused.value.code == "stale_version" and refused.value.status == 409 and "刷新" in refused.value.message
    stored = Circumstance.objects.get(code="other")
    assert stored.name == "其他应当问责的失职失责情形" and stored.version == 2
    assert AuditEvent.objects.filter(action=EDITED).count() == 1


def test_saving_what_is_there_writes_nothing(world):
    row = selectors.factor_get(code="timely_remedy")
    services.catalogue_item_update(actor=world[Role.ADMIN], item=row, expected_version=row.version, name=row.name,
                                   evidence=row.evidence, is_active=True)
    assert selectors.factor_get(code="timely_remedy").version == 1
    assert not AuditEvent.objects.filter(action=EDITED).exists()


@pytest.mark.parametrize("role", [Role.COMMISSION, Role.INSPECTION_OFFICE, Role.UNIT_LEAD, Role.UNIT_MEMBER,
                                  Role.LEADER])
def test_only_the_admin_edits_the_catalogue(world, role):
    row = selectors.circumstance_get(code="other")
    with pytest.raises(PermissionDenied):
        services.catalogue_item_update(actor=world[role], item=row, expected_version=row.version, name="其他")
    assert Circumstance.objects.get(code="other").version == 1


@pytest.mark.parametrize(("section", "code", "values", "field", "error_code"), [
    ("circumstances", "other", {"name": "  "}, "name", "required"),
    ("circumstances", "other", {"article": ""}, "article", "required"),
    ("forms", "demotion", {"no_promotion_months": 121}, "no_promotion_months", "invalid"),
    ("factors", "objected_in_decision", {"evidence": ""}, "evidence", "invalid"),
    ("circumstances", "rectification_false", {"name": "敷衍整改"}, "name", "duplicate_name"),
])
def test_what_a_row_cannot_become(world, section, code, values, field, error_code):
    row = selectors.catalogue_item_get(section=section, code=code)
    with pytest.raises(DomainError) as refused:
        services.catalogue_item_update(actor=world[Role.ADMIN], item=row, expected_version=row.version, **values)
    assert refused.value.code == error_code and refused.value.details == {"field": field}
    assert type(row).objects.get(code=code).version == 1


def test_the_same_name_may_serve_organisations_and_cadres(world):
    row = selectors.form_get(code="person_circulation")
    services.catalogue_item_update(actor=world[Role.ADMIN], item=row, expected_version=row.version, name="通报批评")
    row = selectors.form_get(code="org_circulation")
    services.catalogue_item_update(actor=world[Role.ADMIN], item=row, expected_version=row.version, name="通报批评")
    assert AccountabilityForm.objects.filter(name="通报批评").count() == 2


def test_zero_months_means_no_restriction(world):
    row = selectors.form_get(code="demotion")
    services.catalogue_item_update(actor=world[Role.ADMIN], item=row, expected_version=row.version,
                                   no_promotion_months=0, impact_basis="")
    assert selectors.form_get(code="demotion").no_promotion_months is None
    assert not selectors.form_get(code="demotion").has_impact


def test_a_switched_off_row_leaves_the_catalogue_with_its_sub_items_but_the_admin_still_sees_it(world):
    admin = world[Role.ADMIN]
    row = selectors.form_get(code="organisational_adjustment")
    services.catalogue_item_update(actor=admin, item=row, expected_version=row.version, is_active=False)
    active = {f.code for f in selectors.catalogue().forms}
    assert not active & {"organisational_adjustment", "suspension", "demotion", "removal"}
    with pytest.raises(DomainError):
        selectors.form_get(code="demotion")
    editing = [f.code for f in selectors.catalogue_for_editing(user=admin).forms]
    assert "organisational_adjustment" in editing and "demotion" in editing
    assert AuditEvent.objects.get(action=EDITED).after == {"is_active": False}
    services.catalogue_item_update(actor=admin, item=row, expected_version=row.version, is_active=True)
    assert "demotion" in {f.code for f in selectors.catalogue().forms}


def test_an_unknown_field_is_a_programming_error(world):
    row = selectors.circumstance_get(code="other")
    with pytest.raises(TypeError):
        services.catalogue_item_update(actor=world[Role.ADMIN], item=row, expected_version=1, code="misc")
