"""Reads of the case library. Typical cases are training material: every signed-in role reads all of them
(accountability files are not in the library)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Exists, OuterRef, Prefetch, QuerySet
from django.utils.translation import gettext as _

from rectify.cases import search as search_module
from rectify.cases.models import CaseCategory, CaseDocument, CaseFact, CaseReview, CourseItem
from rectify.core.errors import NotFound

if TYPE_CHECKING:
    from rectify.accounts.models import User


@dataclass(frozen=True)
class Filters:
    year: int | None = None
    region: str = ""
    category: str = ""
    circumstance: str = ""
    form: str = ""

    @property
    def any(self) -> bool:
        return bool(self.year or self.region or self.category or self.circumstance or self.form)

    def as_query(self) -> dict[str, Any]:
        return {k: v for k, v in (("year", self.year), ("region", self.region), ("category", self.category),
                                   ("circumstance", self.circumstance), ("form", self.form)) if v}


def _require_user(user: User) -> None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise NotFound(_("您访问的页面不存在，或您无权查看。"))


def _filtered(filters: Filters) -> QuerySet[CaseDocument]:
    qs = CaseDocument.objects.all()
    if filters.year:
        qs = qs.filter(date__year=filters.year)
    if filters.region:
        qs = qs.filter(region=filters.region)
    if filters.category:
        qs = qs.filter(Exists(CaseDocument.categories.through.objects.filter(
            casedocument_id=OuterRef("pk"), casecategory__name=filters.category)))
    if filters.circumstance:
        qs = qs.filter(Exists(CaseReview.objects.filter(document_id=OuterRef("pk"),
                                                        circumstance__code=filters.circumstance)))
    if filters.form:
        qs = qs.filter(Exists(CaseReview.objects.filter(document_id=OuterRef("pk"), forms__code=filters.form)))
    return qs


def document_search_for(*, user: User, query: str, filters: Filters = Filters(), limit: int = 20,
                        offset: int = 0) -> search_module.Found:
    _require_user(user)
    return search_module.search(_filtered(filters), query, limit=limit, offset=offset, filtered=filters.any)


def document_list_for(*, user: User, filters: Filters = Filters()) -> QuerySet[CaseDocument]:
    """Newest first, with what a list shows (fact count, review flag) in the same query."""
    _require_user(user)
    return (_filtered(filters).annotate(fact_count=Count("facts", distinct=True))
            .select_related("review").prefetch_related("categories").order_by("-date", "-id"))


def document_get_for(*, user: User, document_id: int) -> CaseDocument:
    _require_user(user)
    document = (CaseDocument.objects.select_related("round", "unit", "review", "review__circumstance",
                                                    "review__responsibility_type")
                .prefetch_related("categories", Prefetch("facts", queryset=CaseFact.objects.order_by("position")),
                                  "review__forms")
                .filter(pk=document_id).first())
    if document is None:
        raise NotFound(_("该案例不存在。"))
    return document


def course_items_for(*, user: User, limit: int = 200) -> list[CourseItem]:
    """The latest courses' outline items, for adding a case to a course from its page (every signed-in role
    reads the library and its courses)."""
    _require_user(user)
    return list(CourseItem.objects.select_related("course").order_by("-course_id", "position")[:limit])


def filter_options() -> dict[str, Any]:
    """What the filter bar offers: years, regions and categories present in the library."""
    years = sorted({d.year for d in CaseDocument.objects.dates("date", "year")}, reverse=True)
    regions = list(CaseDocument.objects.exclude(region="").order_by("region").values_list("region", flat=True)
                   .distinct())
    categories = list(CaseCategory.objects.filter(documents__isnull=False).distinct().values_list("name", flat=True))
    return {"years": years, "regions": regions, "categories": categories}


def facts_of(document: CaseDocument) -> list[CaseFact]:
    return list(document.facts.all())


def facts_for(*, user: User, round_id: int | None = None, unit_id: int | None = None) -> QuerySet[CaseFact]:
    """The figures of the typical cases linked to a round and/or unit (dashboards, the round summary)."""
    _require_user(user)
    qs = CaseFact.objects.select_related("document")
    if round_id is not None:
        qs = qs.filter(document__round_id=round_id)
    if unit_id is not None:
        qs = qs.filter(document__unit_id=unit_id)
    return qs.order_by("document__date", "document_id", "position")
