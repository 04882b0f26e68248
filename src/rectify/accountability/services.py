"""Writes to the accountability catalogue: the admin's edits of its rows.

Rows are seeded by a migration and never added or deleted here; an edit changes a row's texts, article,
impact period, evidence and active flag — never its code, which cases and the API refer to. Every edit: one
transaction, the admin's capability, the version the admin saw (a stale one is a Conflict), one audit event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _

from rectify.accountability.models import (
    AccountabilityForm,
    CatalogueItem,
    Circumstance,
    Factor,
    FaultTolerance,
    ResponsibilityType,
    direct_responsibility_message,
    is_direct_responsibility,
)
from rectify.audit.services import audit_record
from rectify.core import clock
from rectify.core.errors import Conflict, DomainError, PermissionDenied

if TYPE_CHECKING:
    from rectify.accounts.models import User

_COMMON = ("name", "article", "description", "is_active")
_IMPACT = ("no_promotion_months", "no_leading_post_months", "no_higher_post_months", "impact_basis", "severity")
_EVIDENCE = ("requires_evidence", "evidence")

EDITABLE_FIELDS: dict[type[CatalogueItem], tuple[str, ...]] = {
    Circumstance: _COMMON,
    AccountabilityForm: _COMMON + _IMPACT,
    ResponsibilityType: _COMMON,
    Factor: _COMMON + _EVIDENCE,
    FaultTolerance: (*_COMMON, "tolerated", "not_tolerated", *_EVIDENCE),
}
"""What the admin may change per section; everything else (code, kind, parent, applies_to) is the regulations'
structure and changes only with a migration."""


def _stale() -> Conflict:
    return Conflict(_("该条目已被他人修改，您看到的是旧版本。请刷新页面，核对后重新填写。"), code="stale_version")


def _clean_values(item: CatalogueItem, values: dict[str, Any]) -> dict[str, Any]:
    """Strip texts, read 0 months as "no such restriction", and refuse what the regulations do not allow."""
    cleaned: dict[str, Any] = {}
    for name, value in values.items():
        if isinstance(value, str):
            value = value.strip()
        if name.endswith("_months") and value == 0:
            value = None
        cleaned[name] = value
    for name, label in (("name", _("名称")), ("article", _("条款依据"))):
        if name in cleaned and not cleaned[name]:
            raise DomainError(_("请填写%(label)s：目录中的每一条都须写明名称和条款依据。") % {"label": label},
                              code="required", details={"field": name})
    if isinstance(item, ResponsibilityType):
        if is_direct_responsibility(code=item.code, name=cleaned.get("name", "")):
            raise DomainError(direct_responsibility_message(), code="direct_responsibility", details={"field": "name"})
        if cleaned.get("is_active") is False:
            raise DomainError(_("责任类型是问责条例第六条规定的三种（全面领导责任、主要领导责任、重要领导责任），"
                                "不能停用。"), code="responsibility_type_required", details={"field": "is_active"})
    return cleaned


def _require_unique_name(item: CatalogueItem, name: str) -> None:
    """Two rows a case picks from side by side (same section, same parent, same kind) need different names."""
    siblings = type(item).objects.exclude(pk=item.pk).filter(name=name)
    for field in ("parent_id", "applies_to", "kind"):
        if hasattr(item, field):
            siblings = siblings.filter(**{field: getattr(item, field)})
    if siblings.exists():
        raise DomainError(_("同一类中已有名称为“%(name)s”的条目，请换一个名称。") % {"name": name},
                          code="duplicate_name", details={"field": "name"})


def _validation_error(exc: ValidationError) -> DomainError:
    field, messages = next(iter(exc.message_dict.items()))
    return DomainError(str(messages[0]), code="invalid", details={"field": None if field == NON_FIELD_ERRORS
                                                                  else field})


@transaction.atomic
def catalogue_item_update(*, actor: User, item: CatalogueItem, expected_version: int, **values: Any) -> CatalogueItem:
    """Change a catalogue row's editable fields (``EDITABLE_FIELDS``) to ``values``.

    1. Only the admin (``can_edit_accountability_catalogue``).
    2. A stale ``expected_version`` is a Conflict, even when the values happen to match.
    3. Texts are stripped; name and article are required; a responsibility type never becomes 直接责任 and is
       never switched off; the model's validators and constraints check the rest.
    4. Only the fields that differ are written, with a conditional UPDATE on the version; one audit event holds
       them before and after. Nothing changed: nothing written, no event.
    """
    if not actor.can_edit_accountability_catalogue:
        raise PermissionDenied(_("问责规则目录由系统管理员维护，您只能查看。"))
    model = type(item)
    unknown = set(values) - set(EDITABLE_FIELDS[model])
    if unknown:
        raise TypeError(f"{model.__name__} has no editable fields {sorted(unknown)}")
    item.refresh_from_db()  # judge the edit against the stored row, not the caller's copy
    if item.version != expected_version:
        raise _stale()
    cleaned = _clean_values(item, values)
    before = {k: getattr(item, k) for k, v in cleaned.items() if getattr(item, k) != v}
    after = {k: cleaned[k] for k in before}
    if not after:
        return item
    if "name" in after:
        _require_unique_name(item, after["name"])
    for name, value in after.items():
        setattr(item, name, value)
    try:
        item.full_clean(validate_unique=False)
    except ValidationError as exc:
        raise _validation_error(exc) from None
    updated = model.objects.filter(pk=item.pk, version=expected_version).update(
        **after, version=models.F("version") + 1, updated_at=clock.now())
    if updated != 1:
        raise _stale()
    item.version = expected_version + 1
    audit_record(actor=actor, action="accountability_catalogue.updated", obj=item, before=before, after=after)
    return item
