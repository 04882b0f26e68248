"""Pages of the typical-case library: the list with search and filters, a document with its figures, review
and similar cases, and the upload of several files at once (with progress)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as Forbidden
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from rectify.accountability import selectors as catalogue_selectors
from rectify.cases import precedents, search, selectors, services
from rectify.cases.api import categories_of, import_files
from rectify.cases.models import CaseReview, Precision
from rectify.core.errors import Conflict, DomainError, NotFound
from rectify.core.uploads import refused_uploads

PAGE_SIZE = 20


def _crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("案例库"), reverse("cases:library")), *items]


def _int(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return None


def _filters(request: HttpRequest) -> selectors.Filters:
    g = request.GET
    return selectors.Filters(year=_int(g.get("year")), region=(g.get("region") or "")[:40],
                             category=(g.get("category") or "")[:60], circumstance=(g.get("circumstance") or "")[:40],
                             form=(g.get("form") or "")[:40])


@login_required
def library(request: HttpRequest) -> HttpResponse:
    """The library: newest first, or ranked matches of ``q`` with highlighted snippets; filters by year,
    region, category, circumstance and form."""
    filters = _filters(request)
    q = (request.GET.get("q") or "").strip()[:200]
    # past the count cap there are no more pages to ask for (the paginator, counting to the cap, would say 500)
    page_number = min(max(1, _int(request.GET.get("page")) or 1), -(-search.COUNT_CAP // PAGE_SIZE))
    hits, page_obj, count, count_exact = None, None, 0, True
    if q:
        found = selectors.document_search_for(user=request.user, query=q, filters=filters, limit=PAGE_SIZE,
                                              offset=(page_number - 1) * PAGE_SIZE)
        hits, count, count_exact = found.hits, found.count, found.count_exact
        page_obj = Paginator(range(count), PAGE_SIZE).get_page(page_number) if count else None
    else:
        page_obj = Paginator(selectors.document_list_for(user=request.user, filters=filters), PAGE_SIZE).get_page(
            page_number)
        count = page_obj.paginator.count
    catalogue = catalogue_selectors.catalogue()
    query = {**filters.as_query(), **({"q": q} if q else {})}
    return render(request, "cases/library.html", {
        "crumbs": _crumbs(), "q": q, "filters": filters, "hits": hits, "page_obj": page_obj, "count": count,
        "count_exact": count_exact, "count_more": not count_exact,
        "options": selectors.filter_options(), "circumstances": catalogue.circumstances, "forms": catalogue.forms,
        "querystring": urlencode(query), "can_manage": services.can_manage_library(request.user),
    })


@login_required
def document(request: HttpRequest, document_id: int) -> HttpResponse:
    try:
        doc = selectors.document_get_for(user=request.user, document_id=document_id)
    except NotFound:
        raise Http404 from None
    try:
        review = doc.review
    except CaseReview.DoesNotExist:
        review = None
    return render(request, "cases/document.html", {
        "crumbs": _crumbs((doc.title[:30], None)), "doc": doc, "review": review, "facts": list(doc.facts.all()),
        "categories": categories_of(doc),
        "similar": precedents.similar_documents(doc, limit=6),
        "can_manage": services.can_manage_library(request.user),
        "course_items": selectors.course_items_for(user=request.user),
    })


@login_required
@require_http_methods(["GET", "POST"])
def review_edit(request: HttpRequest, document_id: int) -> HttpResponse:
    if not services.can_manage_library(request.user):
        raise Forbidden
    try:
        doc = selectors.document_get_for(user=request.user, document_id=document_id)
    except NotFound:
        raise Http404 from None
    try:
        review = doc.review
    except CaseReview.DoesNotExist:
        review = None
    catalogue = catalogue_selectors.catalogue()
    error = None
    if request.method == "POST":
        p = request.POST
        circumstance = next((c for c in catalogue.circumstances if c.code == p.get("circumstance")), None)
        forms = [f for f in catalogue.forms if f.code in p.getlist("forms")]
        rtype = next((t for t in catalogue.responsibility_types if t.code == p.get("responsibility_type")), None)
        try:
            services.review_save(actor=request.user, document=doc, expected_version=_int(p.get("version")),
                                 what_happened=p.get("what_happened", ""), responsible=p.get("responsible", ""),
                                 responsibility_type=rtype, circumstance=circumstance, forms=forms,
                                 outcome=p.get("outcome", ""), lessons=p.get("lessons", ""),
                                 precision=p.get("precision", ""), precision_note=p.get("precision_note", ""))
        except (Conflict, DomainError) as e:
            error = e.message
        else:
            messages.success(request, _("复盘已保存。"))
            return redirect("cases:document", doc.pk)
    return render(request, "cases/review_edit.html", {
        "crumbs": _crumbs((doc.title[:30], reverse("cases:document", args=[doc.pk])), (_("复盘"), None)),
        "doc": doc, "review": review, "error": error, "circumstances": catalogue.circumstances,
        "forms": catalogue.forms, "types": catalogue.responsibility_types, "precisions": Precision.choices,
        "chosen_forms": {f.code for f in review.forms.all()} if review else set(),
    }, status=400 if error else 200)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    """Several files at once. The page's script sends them one by one (``Accept: application/json``) and shows
    each file's progress and result; without the script the form posts them all and the results are listed."""
    if not services.can_manage_library(request.user):
        raise Forbidden
    wants_json = "application/json" in request.headers.get("Accept", "")
    if request.method == "POST":
        files = [(f.name, f.read()) for f in request.FILES.getlist("files")][:50]
        refused = refused_uploads(request)  # known once the body is parsed
        result = import_files(request.user, files)
        for refusal in refused.values():
            result["errors"].append({"path": refusal.filename, "message": refusal.message})
        for doc in result["documents"]:
            doc["url"] = reverse("cases:document", args=[doc["id"]])
        if wants_json:
            return JsonResponse(result, status=200 if result["documents"] or not result["errors"] else 422,
                                json_dumps_params={"ensure_ascii": False})
        if not files and not refused:
            result["errors"].append({"path": "", "message": _("请选择要导入的文件。")})
        return render(request, "cases/upload.html", {"crumbs": _crumbs((_("导入案例"), None)), "result": result},
                      status=200 if result["documents"] else 400)
    return render(request, "cases/upload.html", {"crumbs": _crumbs((_("导入案例"), None)), "result": None})
