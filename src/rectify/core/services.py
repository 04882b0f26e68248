"""Generic write helpers shared by every app's services."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext as _

from rectify.core.errors import Conflict

M = TypeVar("M", bound=models.Model)


def model_update(*, instance: M, fields: list[str], data: dict[str, Any]) -> tuple[M, dict[str, tuple[Any, Any]]]:
    """Set only the fields whose value differs, validate, and save just those.

    Returns the instance and ``{field: (before, after)}`` for the audit trail.
    """
    changes: dict[str, tuple[Any, Any]] = {}
    for field in fields:
        if field not in data:
            continue
        before = getattr(instance, field)
        after = data[field]
        if before != after:
            setattr(instance, field, after)
            changes[field] = (before, after)
    if changes:
        instance.full_clean()
        update_fields = list(changes)
        if any(f.name == "updated_at" for f in instance._meta.get_fields()):
            update_fields.append("updated_at")
        instance.save(update_fields=update_fields)
    return instance, changes


def bump_version(*, model: type[models.Model], pk: Any, expected_version: int | None, **values: Any) -> int:
    """Optimistic-locking write: update the row only if nobody changed it since it was read.

    ``values`` are written together with ``version = version + 1``. With ``expected_version``
    None the current version is accepted. Raises Conflict when the row moved on.
    """
    qs = model._default_manager.filter(pk=pk)
    if expected_version is not None:
        qs = qs.filter(version=expected_version)
    updated = qs.update(version=models.F("version") + 1, **values)
    if updated != 1:
        raise Conflict(_("该记录已被他人修改，请刷新页面后重试。"), details={"id": pk})
    return model._default_manager.filter(pk=pk).values_list("version", flat=True).get()
