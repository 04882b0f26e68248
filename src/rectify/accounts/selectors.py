"""The one place that turns a user into a data scope."""

from __future__ import annotations

from django.db.models import Q

from rectify.accounts.models import User


def unit_scope_q(user: User, *, unit_path_field: str) -> Q:
    """Q limiting rows to the user's org subtree via ``unit_path_field`` (a path to OrgUnit.path).

    Users who see all units get an always-true Q. A unit user without a unit sees nothing.
    """
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if user.sees_all_units:
        return Q()
    if user.unit_id is None:
        return Q(pk__in=[])
    return Q(**{f"{unit_path_field}__startswith": user.unit.path})
