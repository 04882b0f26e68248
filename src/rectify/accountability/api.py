"""The accountability catalogue over the API: the commission's, like every accountability file."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router

from rectify.accountability import schemas, selectors
from rectify.core.schemas import READ_ERRORS

router = Router(tags=["问责"])


@router.get("/accountability/catalogue", response={200: schemas.CatalogueOut, **READ_ERRORS},
            summary="问责规则目录",
            description="《中国共产党问责条例》的问责情形、问责方式（含影响期）、责任类型（仅全面、主要、重要领导责任）、"
                        "从重从轻及免责情形和容错纠错情形，只含启用的条目。仅纪委监委监督人员可用，其他角色返回 404。")
def catalogue(request: HttpRequest) -> dict:
    return schemas.catalogue_out(selectors.catalogue_for(user=request.user))
