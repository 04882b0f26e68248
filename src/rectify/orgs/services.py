"""Writes to the org tree, people, posts and tenures."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rectify.audit.services import audit_record
from rectify.core.errors import DomainError
from rectify.orgs.models import UNIT_CODE_VALIDATOR, OrgKind, OrgUnit, Person, Post, Tenure


def _path_for(unit: OrgUnit) -> str:
    prefix = unit.parent.path if unit.parent_id else "/"
    return f"{prefix}{unit.pk:06d}/"


def org_unit_check_new(*, code: str, name: str) -> None:
    """Why a unit with this code and name cannot be created, as a DomainError a user can act on."""
    code_field = OrgUnit._meta.get_field("code")
    name_max = OrgUnit._meta.get_field("name").max_length
    if not code or len(code) > code_field.max_length:
        raise DomainError(_("单位编码须为1至%(max)s个字符。") % {"max": code_field.max_length},
                          code="bad_code", details={"field": "code"})
    try:
        UNIT_CODE_VALIDATOR(code)
    except ValidationError as exc:
        raise DomainError(str(exc.messages[0]), code="bad_code", details={"field": "code"}) from None
    if not name.strip() or len(name.strip()) > name_max:
        raise DomainError(_("单位名称须为1至%(max)s个字。") % {"max": name_max}, code="bad_name",
                          details={"field": "name"})
    if OrgUnit.objects.filter(code=code).exists():
        raise DomainError(_("单位编码“%(code)s”已存在，请换一个编码。") % {"code": code}, code="duplicate_code",
                          details={"field": "code"})


@transaction.atomic
def org_unit_create(
    *, actor: object | None, code: str, name: str, kind: str = OrgKind.OTHER, parent: OrgUnit | None = None,
    short_name: str = "",
) -> OrgUnit:
    code = code.strip()
    org_unit_check_new(code=code, name=name)
    unit = OrgUnit(code=code, name=name.strip(), short_name=short_name.strip(), kind=kind, parent=parent, path="")
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path = _path_for(unit)
    unit.save(update_fields=["path"])
    audit_record(actor=actor, action="org_unit.created", obj=unit, after={"code": code, "name": unit.name,
                                                                         "parent": parent.pk if parent else None})
    return unit


def org_units_bulk_create(units: list[OrgUnit]) -> list[OrgUnit]:
    """Create many units, parents before their children in the list, and fill their paths.

    For seeding only; the caller records one audit event for the whole batch.
    """
    for unit in units:
        unit.path = ""
    created = OrgUnit.objects.bulk_create(units)
    for unit in created:  # a parent earlier in the list already has its path here
        unit.path = f"{unit.parent.path if unit.parent is not None else '/'}{unit.pk:06d}/"
    OrgUnit.objects.bulk_update(created, ["path"])
    return created


@transaction.atomic
def person_appoint(*, actor: object | None, person: Person, post: Post, start: dt.date) -> Tenure:
    """Appoint a person to a post; whoever held it until now leaves it the same day."""
    current = Tenure.objects.filter(post=post, end__isnull=True).select_for_update().first()
    if current is not None:
        if current.start >= start:
            raise DomainError(_("新任职日期必须晚于现任者的任职日期。"), code="tenure_overlap", details={"field": "start"})
        current.end = start
        current.save(update_fields=["end", "updated_at"])
    tenure = Tenure.objects.create(person=person, post=post, start=start)
    audit_record(actor=actor, action="tenure.started", obj=tenure,
                 after={"person": person.pk, "post": post.pk, "start": start,
                        "ended": current.pk if current else None})
    return tenure
