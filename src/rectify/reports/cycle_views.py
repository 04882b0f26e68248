"""Report cycles: the office's view of a round (who filed, who did not), the round's settings, a unit's
cycles and the report form pre-filled from its ledger."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rectify.core import clock
from rectify.core.errors import NotFound, PermissionDenied
from rectify.core.forms import form_action
from rectify.inspections import selectors as inspection_selectors
from rectify.reports import cycle_selectors, services
from rectify.reports.cycles import STATE_LABELS
from rectify.reports.forms import ReportPolicyForm, UnitReportForm
from rectify.reports.models import ReportKind
from rectify.reports.tables import Table, to_xlsx
from rectify.reports.views import _xlsx

COLOUR_LABELS = {"red": gettext_noop("红灯"), "yellow": gettext_noop("黄灯"), "green": gettext_noop("正常")}


@login_required
def cycles_index(request: HttpRequest) -> HttpResponse:
    newest = inspection_selectors.round_list_for(user=request.user).first()
    if newest is None:
        return render(request, "reports/empty.html", {"crumbs": [(_("统计分析"), None)]})
    return redirect("reports:cycles", code=newest.code)


def _round_table(overview: cycle_selectors.RoundCycles) -> Table:
    table = Table("cycles", _("各单位报告报送情况"), [
        _("被巡视单位"), _("报告状态"), _("已到期的进展报告"), _("按期报送"), _("逾期报送"), _("未报送"),
        _("整改情况报告期限"), _("整改情况报告")])
    for u in overview.units:
        rect = u.rectification
        table.add([u.inspected_unit.unit.name, _(COLOUR_LABELS[u.colour]), u.due_so_far, u.count("on_time"),
                   u.count("late"), u.count("missing"), rect.cycle.due.isoformat() if rect else "",
                   _(STATE_LABELS[rect.state]) if rect else ""])
    return table


@login_required
def cycles(request: HttpRequest, code: str) -> HttpResponse:
    """Who filed and who did not, this round."""
    overview = cycle_selectors.round_cycles_for(user=request.user, code=code)
    if request.GET.get("export") == "xlsx":
        what = _("报告报送情况")  # outside the f-string, where makemessages finds it
        return _xlsx(to_xlsx([_round_table(overview)], title=overview.round.name),
                     f"{overview.round.name}-{what}-{clock.today().isoformat()}.xlsx")
    return render(request, "reports/cycles.html", {
        "overview": overview, "round": overview.round, "tab": "cycles",
        "rounds": list(inspection_selectors.round_list_for(user=request.user)[:50]),
        "crumbs": [(_("统计分析"), "/stats/"), (_("报告周期"), None)],
    })


@login_required
def cycle_settings(request: HttpRequest, code: str) -> HttpResponse:
    if not request.user.can_manage_rounds:
        raise PermissionDenied(_("只有巡视办或纪委监委可以设置报告周期。"))
    overview_round = inspection_selectors.round_get_for(user=request.user, code=code)
    from rectify.reports.cycles import policy_of

    policy = policy_of(overview_round)
    form = ReportPolicyForm(request.POST or None, initial={f: getattr(policy, f) for f in services.POLICY_FIELDS})

    def page(status: int) -> HttpResponse:
        return render(request, "reports/cycle_settings.html", {
            "form": form, "round": overview_round, "policy": policy,
            "crumbs": [(_("统计分析"), "/stats/"), (_("报告周期"), f"/stats/cycles/{code}/"), (_("设置"), None)],
        }, status=status)

    if request.method != "POST":
        return page(200)

    def act(data: dict[str, Any]) -> str:
        services.report_policy_set(user=request.user, round_code=code, **data)
        return _("报告周期设置已保存。")

    return form_action(request, form=form, act=act, done=lambda: redirect("reports:cycles", code=code), page=page)


@login_required
def unit_reports(request: HttpRequest, round_code: str, unit_code: str) -> HttpResponse:
    """A unit's report cycles: filed, late, missing, the one to file now."""
    cycles_ = cycle_selectors.unit_cycles_for(user=request.user, round_code=round_code, unit_code=unit_code)
    iu = cycles_.inspected_unit
    return render(request, "reports/unit_reports.html", {
        "cycles": cycles_, "iu": iu, "round": iu.round,
        "crumbs": [(_("统计分析"), "/stats/"), (_("报告周期"), f"/stats/cycles/{round_code}/"), (iu.unit.name, None)],
    })


@login_required
def unit_report(request: HttpRequest, round_code: str, unit_code: str, kind: str, cycle: int) -> HttpResponse:
    """One cycle's report: the filed report, or (for the unit lead) the form pre-filled from the ledger."""
    cycles_ = cycle_selectors.unit_cycles_for(user=request.user, round_code=round_code, unit_code=unit_code)
    state = cycles_.get(kind, cycle) if kind in ReportKind.values else None
    if state is None:
        raise NotFound(_("没有这个报告周期。"))
    iu = cycles_.inspected_unit
    can_file = request.user.can_file_unit_report and state.report is None and state.state != "upcoming"
    form = None
    draft = None
    if can_file:
        since = cycle_selectors.since_for(cycles_, cycle) if kind == ReportKind.PROGRESS else iu.feedback_date
        draft = cycle_selectors.report_draft(iu, since=since)
        form = UnitReportForm(request.POST or None, initial={"moved": draft.moved, "late": draft.late})
    crumbs = [(_("统计分析"), "/stats/"), (_("报告周期"), f"/stats/cycles/{round_code}/"),
              (iu.unit.name, f"/reports/{round_code}/{unit_code}/"), (_("报告"), None)]

    def page(status: int) -> HttpResponse:
        return render(request, "reports/unit_report.html", {
            "state": state, "iu": iu, "form": form, "draft": draft, "crumbs": crumbs, "round": iu.round,
            "kind_label": ReportKind(kind).label,
        }, status=status)

    if request.method != "POST":
        return page(200)
    if form is None:
        raise PermissionDenied(_("您不能报送这份报告。"))

    def act(data: dict[str, Any]) -> str:
        services.unit_report_file(user=request.user, round_code=round_code, unit_code=unit_code, kind=kind,
                                  cycle=cycle, **data)
        return _("报告已报送。")

    return form_action(request, form=form, act=act,
                       done=lambda: redirect("reports:unit_reports", round_code=round_code, unit_code=unit_code),
                       page=page)
