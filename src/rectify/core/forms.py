"""What every page form does with a service's DomainError."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rectify.core.errors import DomainError


def form_error(form: Any, error: DomainError) -> int:
    """Put a fixable error on the form — on the field it names (``details["field"]``) when the form has
    one — and return its HTTP status. Scope (404) and permission (403) errors that name no field are
    raised on, so they become the 404/403 page: the user cannot fix them on this form."""
    field = error.details.get("field") if isinstance(error.details, dict) else None
    if error.status in (403, 404) and not field:
        raise error
    form.add_error(field if field in form.fields else None, error.message)
    return error.status


class DateInput(forms.DateInput):
    """A browser date picker: ``<input type="date">`` reads and writes ISO dates whatever the language."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None, format: str | None = None) -> None:
        super().__init__(attrs, format=format or "%Y-%m-%d")


class VersionedFormMixin:
    """For a form with a hidden ``version``: an edit (``require_version`` True) posted without it is refused
    with a message on the form, so the optimistic lock cannot be skipped by leaving the field out."""

    require_version = False

    def clean(self) -> dict[str, Any]:
        data = super().clean()  # type: ignore[misc]
        if self.require_version and data.get("version") is None:
            raise forms.ValidationError(_("页面已过期，请刷新后重试。"), code="version_missing")
        return data
