"""What every page form does with a service's DomainError."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.shortcuts import redirect
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


def form_action(request: Any, *, form: Any, act: Callable[[dict[str, Any]], str],
                done: Callable[[], Any], page: Callable[[int], Any]) -> Any:
    """One form posted on a page: validate it, call the service (``act`` returns the success message), then
    either ``done()`` (a redirect) with the message, or ``page(status)`` again with the error on the form."""
    status = 400
    if form.is_valid():
        try:
            message = act(form.cleaned_data)
        except DomainError as error:
            status = form_error(form, error)
        else:
            messages.success(request, message)
            return done()
    return page(status)


def form_submit(request: Any, form: Any, act: Callable[[dict[str, Any]], tuple[str, str]],
                page: Callable[..., Any], form_name: str = "form") -> Any:
    """``form_action`` for a form whose service call also says where to go: ``act`` returns the success
    message and the URL to redirect to; on an error ``page`` is shown again with the form as ``form_name``."""
    target: dict[str, str] = {}

    def run(data: dict[str, Any]) -> str:
        message, target["url"] = act(data)
        return message

    return form_action(request, form=form, act=run, done=lambda: redirect(target["url"]),
                       page=lambda status: page(status=status, **{form_name: form}))
