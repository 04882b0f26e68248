"""Reads of the accountability catalogue.

``catalogue()`` is what other code (cases, later) builds its choices from: every active row, ordered, a child
right after its parent, in one query per section. ``catalogue_for(user=...)`` is the same for a page or the
API, with the rule that accountability is the commission's (everyone else: 404). The admin, who maintains the
rows but sees no case, reads them for editing (inactive ones included) through ``catalogue_for_editing``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from rectify.accountability.models import (
    AccountabilityForm,
    CatalogueItem,
    Circumstance,
    Factor,
    FaultTolerance,
    ResponsibilityType,
)
from rectify.core.errors import NotFound, PermissionDenied

if TYPE_CHECKING:
    from rectify.accounts.models import User

Item = TypeVar("Item", bound=CatalogueItem)

# The sections of the catalogue: URL and API key → model. The order is the page's.
SECTIONS: dict[str, type[CatalogueItem]] = {
    "circumstances": Circumstance,
    "forms": AccountabilityForm,
    "responsibility_types": ResponsibilityType,
    "factors": Factor,
    "fault_tolerance": FaultTolerance,
}


@dataclass(frozen=True)
class Catalogue:
    circumstances: list[Circumstance]
    forms: list[AccountabilityForm]
    responsibility_types: list[ResponsibilityType]
    factors: list[Factor]
    fault_tolerance: list[FaultTolerance]


def _rows(model: type[Item], *, include_inactive: bool) -> QuerySet[Item]:
    qs = model.objects.all()
    has_parent = any(f.name == "parent" for f in model._meta.get_fields())
    if has_parent:
        qs = qs.select_related("parent")
    if model is FaultTolerance:
        qs = qs.select_related("factor")
    if not include_inactive:
        qs = qs.filter(is_active=True)
        if has_parent:  # a sub-item of a switched-off item is off too
            qs = qs.filter(Q(parent__isnull=True) | Q(parent__is_active=True))
    return qs.order_by("sort_order", "id")


def _nested(rows: list[Item]) -> list[Item]:
    """Top-level rows in order, each followed by its children in order (rows are already sorted)."""
    children: dict[int, list[Item]] = {}
    for row in rows:
        parent_id = getattr(row, "parent_id", None)
        if parent_id is not None:
            children.setdefault(parent_id, []).append(row)
    ids = {row.pk for row in rows}
    ordered: list[Item] = []
    for row in rows:
        parent_id = getattr(row, "parent_id", None)
        if parent_id is None:
            ordered.append(row)
            ordered.extend(children.get(row.pk, []))
        elif parent_id not in ids:  # one level only; a child whose parent is not listed still shows
            ordered.append(row)
    return ordered


def catalogue(*, include_inactive: bool = False) -> Catalogue:
    """The whole catalogue, active rows only unless asked (five queries, one per section)."""
    def rows(model: type[Item]) -> list[Item]:
        return _nested(list(_rows(model, include_inactive=include_inactive)))

    return Catalogue(circumstances=rows(Circumstance), forms=rows(AccountabilityForm),
                     responsibility_types=rows(ResponsibilityType), factors=rows(Factor),
                     fault_tolerance=rows(FaultTolerance))


def _not_found() -> NotFound:
    return NotFound(_("您访问的页面不存在，或您无权查看。"))


def catalogue_for(*, user: User) -> Catalogue:
    """The catalogue as the commission reads it (active rows); for everyone else it does not exist (NotFound),
    as accountability files are the commission's."""
    if not user.sees_accountability:
        raise _not_found()
    return catalogue()


def catalogue_for_editing(*, user: User) -> Catalogue:
    """Every row, inactive ones too, for the admin who maintains the catalogue; NotFound for everyone else."""
    if not user.can_edit_accountability_catalogue:
        raise _not_found()
    return catalogue(include_inactive=True)


def catalogue_item_get(*, section: str, code: str, include_inactive: bool = False) -> CatalogueItem:
    """One row by section and code; a missing (or, unless asked, inactive) row is NotFound."""
    model = SECTIONS.get(section)
    if model is None:
        raise NotFound(_("问责规则目录中没有“%(section)s”这一类。") % {"section": section})
    try:
        return _rows(model, include_inactive=include_inactive).get(code=code)
    except model.DoesNotExist:
        raise NotFound(_("问责规则目录中没有编码为“%(code)s”的条目。") % {"code": code},
                       details={"field": "code"}) from None


def catalogue_item_get_for_editing(*, user: User, section: str, code: str) -> CatalogueItem:
    """A row to edit, inactive ones included: the admin's; the commission may read the catalogue but not edit
    it (PermissionDenied); for everyone else the row does not exist (NotFound)."""
    if not user.can_edit_accountability_catalogue:
        if user.sees_accountability:
            raise PermissionDenied(_("问责规则目录由系统管理员维护，您只能查看。"))
        raise _not_found()
    return catalogue_item_get(section=section, code=code, include_inactive=True)


def circumstance_get(*, code: str) -> Circumstance:
    return catalogue_item_get(section="circumstances", code=code)  # type: ignore[return-value]


def form_get(*, code: str) -> AccountabilityForm:
    return catalogue_item_get(section="forms", code=code)  # type: ignore[return-value]


def responsibility_type_get(*, code: str) -> ResponsibilityType:
    return catalogue_item_get(section="responsibility_types", code=code)  # type: ignore[return-value]


def factor_get(*, code: str) -> Factor:
    return catalogue_item_get(section="factors", code=code)  # type: ignore[return-value]


def fault_tolerance_get(*, code: str) -> FaultTolerance:
    return catalogue_item_get(section="fault_tolerance", code=code)  # type: ignore[return-value]
