"""统计分析 pages: dashboards (charts beside their tables, each exportable) and the cross-unit task list."""

from __future__ import annotations

import io
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from openpyxl import Workbook

from rectify.core import clock
from rectify.core.vendor import STATIC_PATH as ECHARTS_PATH
from rectify.inspections import selectors as inspection_selectors
from rectify.rectification.selectors import WARNING_LABELS
from rectify.reports import selectors
from rectify.reports.selectors import Dashboard, TaskFilters
from rectify.reports.tables import XLSX, Table, to_xlsx

EXPORT_ROW_LIMIT = 200_000  # a task list export beyond this is cut (and says so in its last row)


def _xlsx(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def _render(request: HttpRequest, board: Dashboard, *, tab: str, crumbs: list, extra: dict | None = None,
            tables: list[Table] | None = None) -> HttpResponse:
    """The dashboard page, or with ``?export=KEY`` (``all``: every table) its table(s) as .xlsx."""
    wanted = request.GET.get("export")
    if wanted:
        chosen = board.tables if wanted == "all" else [board.table(wanted)]
        stamp = clock.today().isoformat()
        name = board.title if wanted == "all" else f"{board.title}-{chosen[0].title}"
        return _xlsx(to_xlsx(chosen, title=f"{board.title}（{stamp}）"), f"{name}-{stamp}.xlsx")
    # the round picker (the round page's alone)
    rounds = list(inspection_selectors.round_list_for(user=request.user)[:50]) if tab == "round" else []
    context = {
        "board": board, "tab": tab, "crumbs": crumbs, "rounds": rounds, "echarts_path": ECHARTS_PATH,
        "round": board.round,
    }
    if board.round is not None:
        context["teams"] = list(inspection_selectors.teams_of_round_for(user=request.user, round=board.round))
    context["categories"] = list(inspection_selectors.categories_top_level())
    context.update(extra or {})
    return render(request, "reports/dashboard.html", context)


@login_required
def index(request: HttpRequest) -> HttpResponse:
    """统计分析: the chosen round's dashboard (the newest round by default)."""
    code = request.GET.get("round", "")
    if not code:
        newest = inspection_selectors.round_list_for(user=request.user).first()
        if newest is None:
            return render(request, "reports/empty.html", {"crumbs": [(_("统计分析"), None)]})
        code = newest.code
    board = selectors.round_dashboard_for(user=request.user, code=code)
    return _render(request, board, tab="round", crumbs=[(_("统计分析"), None)])


@login_required
def round_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    board = selectors.round_dashboard_for(user=request.user, code=code)
    return _render(request, board, tab="round", crumbs=[(_("统计分析"), "/stats/"), (board.title, None)])


@login_required
def team_dashboard(request: HttpRequest, code: str, team_id: int) -> HttpResponse:
    board = selectors.team_dashboard_for(user=request.user, round_code=code, team_id=team_id)
    return _render(request, board, tab="team", crumbs=[(_("统计分析"), "/stats/"), (board.title, None)])


@login_required
def unit_dashboard(request: HttpRequest, unit_code: str) -> HttpResponse:
    board = selectors.unit_dashboard_for(user=request.user, unit_code=unit_code)
    return _render(request, board, tab="unit", crumbs=[(_("统计分析"), "/stats/"), (board.title, None)])


@login_required
def category_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    board = selectors.category_dashboard_for(user=request.user, code=code, round_code=request.GET.get("round", ""),
                                             every_row=request.GET.get("export") in ("category_units", "all"))
    return _render(request, board, tab="category", crumbs=[(_("统计分析"), "/stats/"), (board.title, None)])


@login_required
def province(request: HttpRequest) -> HttpResponse:
    """The leader's one page: every round and the units that need attention, on one screen."""
    board, _rounds = selectors.province_dashboard_for(user=request.user)
    return _render(request, board, tab="province", crumbs=[(_("统计分析"), "/stats/"), (board.title, None)])


# --- the cross-unit task list ------------------------------------------------------------------

def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _filters(request: HttpRequest) -> TaskFilters:
    get = request.GET
    warning = get.get("warning", "attention")
    return TaskFilters(
        warning=warning if warning in selectors.WARNING_FILTERS else "attention",
        round=get.get("round", "").strip(), unit=get.get("unit", "").strip(),
        inspected_unit=_int(get.get("inspected_unit")), team=_int(get.get("team")),
        category=get.get("category", "").strip(), extended=get.get("extended") == "1",
        query=get.get("q", "").strip()[:100],
        kind={"self_found": "self_found", "all": ""}.get(get.get("kind", ""), "feedback"),
    )


TASK_COLUMNS = (
    gettext_noop("轮次"),
    gettext_noop("被巡视单位"),
    gettext_noop("问题序号"),
    gettext_noop("反馈问题"),
    gettext_noop("措施序号"),
    gettext_noop("整改措施"),
    gettext_noop("整改类型"),
    gettext_noop("状态"),
    gettext_noop("预警"),
    gettext_noop("完成时限"),
    gettext_noop("原定完成时限"),
    gettext_noop("剩余天数"),
    gettext_noop("责任领导"),
    gettext_noop("牵头部门"),
    gettext_noop("责任人"),
)


@login_required
def tasks(request: HttpRequest) -> HttpResponse:
    """Every overdue and yellow task across units (filterable; ``?export=xlsx`` downloads the filtered rows)."""
    filters = _filters(request)
    qs = selectors.task_list_for(user=request.user, filters=filters)
    if request.GET.get("export") == "xlsx":
        return _xlsx(_tasks_xlsx(qs), f"{_('逾期与黄灯任务')}-{clock.today().isoformat()}.xlsx")
    paginator = Paginator(qs, settings.RECTIFY_PAGE_SIZE)
    known = selectors.task_count_from_rollups(user=request.user, filters=filters)
    if known is not None:  # the read model's count: no scan of the open tasks
        paginator.__dict__["count"] = known
    page = paginator.get_page(request.GET.get("page"))
    rows = list(page.object_list)
    names = selectors.task_rows(rows)
    for t in rows:
        t.hint = _warning_hint(t)  # type: ignore[attr-defined]
    query = {k: v for k, v in request.GET.items() if k not in ("page", "export") and v}
    rounds = list(inspection_selectors.round_list_for(user=request.user)[:50])
    return render(request, "reports/tasks.html", {
        "page_obj": page, "rows": [(t, names.get(t.pk, {})) for t in rows], "filters": filters,
        "querystring": urlencode(query), "rounds": rounds,
        "categories": list(inspection_selectors.categories_top_level()),
        "kind_choices": [("feedback", _("反馈问题")), ("self_found", _("自查问题")), ("all", _("全部"))],
        "warning_choices": [("attention", _("红灯和黄灯")), ("red", _("红灯（逾期）")), ("yellow", _("黄灯")),
                            ("all", _("全部未销号"))],
        "crumbs": [(_("统计分析"), "/stats/"), (_("逾期与黄灯任务"), None)],
    })


def _warning_hint(task) -> str:  # type: ignore[no-untyped-def]
    if task.warning == "red":
        return _("逾期%(n)s天") % {"n": -task.days_left}
    if task.warning == "yellow":
        return _("今天到期") if task.days_left == 0 else _("剩%(n)s天") % {"n": task.days_left}
    return ""


def _tasks_xlsx(qs) -> bytes:  # type: ignore[no-untyped-def]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet(_("逾期与黄灯任务"))
    ws.append([_(c) for c in TASK_COLUMNS])
    written = 0
    batch: list = []

    def flush() -> None:
        names = selectors.task_rows(batch)
        for t in batch:
            iu, n = t.problem.inspected_unit, names.get(t.pk, {})
            ws.append([iu.round.name, iu.unit.name, t.problem.number, t.problem.description, t.number, t.measure,
                       t.get_deadline_kind_display(), t.get_status_display(), _(WARNING_LABELS.get(t.warning, "—")),
                       t.due_date, t.original_due_date, t.days_left, "、".join(n.get("leader", [])),
                       "、".join(n.get("department", [])), "、".join(n.get("person", []))])
        batch.clear()

    for task in qs.iterator(chunk_size=2000):
        if written >= EXPORT_ROW_LIMIT:
            ws.append([_("（超过 %(n)s 行，其余未导出，请缩小筛选范围）") % {"n": EXPORT_ROW_LIMIT}])
            break
        batch.append(task)
        written += 1
        if len(batch) >= 2000:
            flush()
    if batch:
        flush()
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
