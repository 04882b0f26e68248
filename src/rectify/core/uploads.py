"""Uploaded files are hostile until proven otherwise: a size limit while they stream in.

:class:`SizeLimitUploadHandler` is the first of ``FILE_UPLOAD_HANDLERS``. It counts each file's bytes as
they arrive and, past the limit of the view the request goes to, skips the file: the rest of it is read from
the network and thrown away, so no more than the limit ever reaches memory or the temporary directory, and
the other form fields (the CSRF token among them) are still read. The refusal is noted on the request;
the page's form (:func:`refusal_errors`) and the API (``rectify.api``) report it in the user's language.

Apps name their upload views and the limit of each with :func:`limit_uploads` (in ``AppConfig.ready``);
any other view gets the largest limit an app declared (``RECTIFY_EVIDENCE_MAX_MB``,
``RECTIFY_SHEET_MAX_FILE_MB``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest
from django.utils.translation import gettext

MB = 1024 * 1024
_LIMITS: dict[str, Callable[[], int]] = {}


def limit_uploads(view_names: Iterable[str], limit: Callable[[], int]) -> None:
    """Files posted to these views (``"namespace:name"``, pages and API alike) may be at most ``limit()``
    bytes each (a callable: settings can change in tests)."""
    for name in view_names:
        _LIMITS[name] = limit


def default_limit() -> int:
    return max([settings.RECTIFY_EVIDENCE_MAX_BYTES, settings.RECTIFY_SHEET_MAX_FILE_BYTES,
                *(limit() for limit in _LIMITS.values())])


def upload_limit_for(request: HttpRequest) -> int:
    match = getattr(request, "resolver_match", None)
    limit = _LIMITS.get(match.view_name) if match is not None else None
    return limit() if limit is not None else default_limit()


@dataclass(frozen=True)
class RefusedUpload:
    field: str
    filename: str
    limit: int

    @property
    def message(self) -> str:
        size = (f"{self.limit / MB:,.1f}".removesuffix(".0") + " MB" if self.limit >= MB
                else f"{self.limit / 1024:,.0f} KB")
        return (gettext("文件“%(name)s”超过 %(size)s 的上限，未保存。请压缩或拆分后重新上传。")
                % {"name": self.filename, "size": size})


def refused_uploads(request: HttpRequest) -> dict[str, RefusedUpload]:
    """Files of this request that were over the limit, by form field (empty when none)."""
    return getattr(request, "_refused_uploads", {})


class SizeLimitUploadHandler(FileUploadHandler):
    """Skip (never store) a file as soon as it is over the limit of the view it is posted to."""

    def handle_raw_input(self, input_data: Any, META: Any, content_length: int, boundary: Any,
                         encoding: str | None = None) -> None:
        self.limit = upload_limit_for(self.request)
        return None

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > self.limit:
            refused = refused_uploads(self.request) or {}
            refused[self.field_name] = RefusedUpload(self.field_name, self.file_name or "", self.limit)
            self.request._refused_uploads = refused  # type: ignore[union-attr]
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler (memory or temporary file) builds the file


def refusal_errors(form: Any, request: HttpRequest) -> bool:
    """Put "file over the limit" on the form's fields whose files were refused while streaming (instead of
    "choose a file"); True when there was any."""
    refused = refused_uploads(request)
    if not refused:
        return False
    form.is_valid()
    for field, refusal in refused.items():
        form.errors[field if field in form.fields else "__all__"] = form.error_class([refusal.message])
        if hasattr(form, "cleaned_data"):
            form.cleaned_data.pop(field, None)
    return True
