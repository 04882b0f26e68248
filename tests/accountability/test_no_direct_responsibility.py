"""直接责任 belongs to the disciplinary regulations: it can never be stored as a responsibility type of the
accountability regulations — not through the service, not through the model, not in the database."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from rectify.accountability import selectors, services
from rectify.accountability.models import ResponsibilityType
from rectify.accounts.models import Role
from rectify.audit.models import AuditEvent
from rectify.core.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["直接责任", "直接责任者", "直接 责任", "主要领导责任（直接责任）"])
def test_the_service_refuses_to_rename_a_type_to_direct_responsibility(world, name):
    principal = selectors.responsibility_type_get(code="principal")
    with pytest.raises(DomainError) as refused:
        services.catalogue_item_update(actor=world[Role.ADMIN], item=principal, expected_version=principal.version,
                                       name=name)
    error = refused.value
    assert error.code == "direct_responsibility" and error.details == {"field": "name"}
    assert "纪律处分条例" in error.message and "全面领导责任、主要领导责任、重要领导责任" in error.message
    assert ResponsibilityType.objects.get(code="principal").name == "主要领导责任"
    assert not AuditEvent.objects.filter(action="accountability_catalogue.updated").exists()


def test_the_database_refuses_a_fourth_type_called_direct_responsibility():
    for code, name in (("direct", "直接责任"), ("principal_direct", "直接责任者"), ("other", "其他责任")):
        with pytest.raises(IntegrityError), transaction.atomic():
            ResponsibilityType.objects.create(code=code, name=name, article="纪律处分条例第三十九条")
    assert ResponsibilityType.objects.count() == 3


def test_the_database_refuses_renaming_a_type_behind_the_services_back():
    with pytest.raises(IntegrityError), transaction.atomic():
        ResponsibilityType.objects.filter(code="important").update(name="直接责任者")
    assert ResponsibilityType.objects.get(code="important").name == "重要领导责任"


def test_model_validation_explains_why():
    overall = ResponsibilityType.objects.get(code="overall")
    overall.name = "直接责任"
    with pytest.raises(ValidationError) as refused:
        overall.full_clean()
    assert "纪律处分条例" in str(refused.value.message_dict["name"])


def test_a_responsibility_type_cannot_be_switched_off(world):
    overall = selectors.responsibility_type_get(code="overall")
    with pytest.raises(DomainError) as refused:
        services.catalogue_item_update(actor=world[Role.ADMIN], item=overall, expected_version=overall.version,
                                       is_active=False)
    assert refused.value.code == "responsibility_type_required"
    assert ResponsibilityType.objects.filter(is_active=True).count() == 3


def test_a_responsibility_type_may_still_be_reworded(world):
    principal = selectors.responsibility_type_get(code="principal")
    services.catalogue_item_update(actor=world[Role.ADMIN], item=principal, expected_version=principal.version,
                                   description="领导班子主要负责人和直接主管的班子成员，在职责范围内承担主要领导责任。")
    assert ResponsibilityType.objects.get(code="principal").description.startswith("领导班子主要负责人")
