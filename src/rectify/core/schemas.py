"""Pieces shared by every app's API schemas: the error body and safe input strings."""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, Field


class ErrorOut(Schema):
    code: str = Field(description="稳定的机器可读错误码，如 not_found、four_eyes、evidence_required")
    message: str = Field(description="给用户看的中文说明，告诉用户如何处理")
    details: Any = Field(None, description="补充信息，如出错的字段")


def _storable(value: str) -> str:
    # Refuse as bad input what the database would fail on: NUL (PostgreSQL text cannot hold
    # it) and lone UTF-16 surrogates that JSON escapes (\ud800) can smuggle in.
    if "\x00" in value:
        raise ValueError("不能包含空字符（\\0）")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("包含无法识别的字符，请检查文本编码（应为 UTF-8）") from None
    return value


def _blank_to_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


Text = Annotated[str, AfterValidator(_storable)]
"""Free text from a request body or form."""

Code = Annotated[str, Field(max_length=100), AfterValidator(_storable)]
"""A code (round, unit, category) used to look something up."""

OptionalFilter = BeforeValidator(_blank_to_none)
"""Marks a query filter where ``?status=`` means "no filter", as a web form would send it."""


# Error responses every endpoint may give, for the OpenAPI document.
READ_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, type[Schema]] = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut,
                                         409: ErrorOut, 422: ErrorOut}
