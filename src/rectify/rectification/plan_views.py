"""Pages for editing the task list, the rectification plan's review and change requests (issue 7).

Thin like the other pages: selectors read, services write, a fixable DomainError goes back onto the form.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rectify.core import clock
from rectify.core.errors import Conflict, DomainError, PermissionDenied
from rectify.core.forms import form_action, form_error
from rectify.inspections import selectors as inspection_selectors
from rectify.orgs import selectors as org_selectors
from rectify.rectification import forms, plan_services, selectors, services
from rectify.rectification.models import (
    ChangeRequestSource,
    ChangeRequestState,
    PlanState,
    ResponsibilityKind,
    TaskStatus,
)

# --- the task list ------------------------------------------------------------------------------


def _leader_choices(problem: Any) -> list[Any]:
    return org_selectors.leadership_in_post(unit=problem.inspected_unit.unit, day=clock.today())


def _departments(problem: Any) -> list[str]:
    return sorted(org_selectors.unit_directory(unit=problem.inspected_unit.unit, day=clock.today()).departments)


def _task_form_page(request: HttpRequest, *, form: forms.TaskForm, problem: Any, task: Any = None,
                    plan_state: str, conflict: dict | None = None, status: int = 200) -> HttpResponse:
    return render(request, "rectification/task_form.html", {
        "form": form, "problem": problem, "task": task, "plan_state": plan_state, "conflict": conflict,
        "departments": _departments(problem), "rectification_end": problem.inspected_unit.rectification_end,
        "default_review_months": settings.RECTIFY_LONG_TERM_REVIEW_MONTHS,
    }, status=status)


def _require_editor(request: HttpRequest) -> None:
    if not request.user.can_edit_task_list:
        raise PermissionDenied(_("任务清单由被巡视单位的整改牵头人编辑。"))


@login_required
def task_new(request: HttpRequest, problem_id: int) -> HttpResponse:
    """新增整改任务: the unit lead adds a measure with its responsibility list."""
    _require_editor(request)
    problem = selectors.problem_get_for(user=request.user, problem_id=problem_id)
    state = selectors.plan_state_of(inspected_unit_id=problem.inspected_unit_id)
    leaders = _leader_choices(problem)
    if request.method != "POST":
        form = forms.TaskForm(leader_tenures=leaders, initial={"deadline_kind": "deadline"})
        return _task_form_page(request, form=form, problem=problem, plan_state=state)
    form = forms.TaskForm(request.POST, leader_tenures=leaders)
    status = 400
    if form.is_valid():
        try:
            task = services.task_create(actor=request.user, problem_id=problem.pk, **form.task_fields(),
                                        responsibilities=form.responsibilities())
        except DomainError as error:
            status = form_error(form, _field_for(error))
        else:
            messages.success(request, _("整改任务 %(problem)s.%(task)s 已添加。") % {"problem": problem.number,
                                                                                 "task": task.number})
            if "add_another" in request.POST:
                return redirect("rectification:task_new", problem_id=problem.pk)
            return redirect(reverse("rectification:problem_detail", args=[problem.pk]) + "#tasks")
    return _task_form_page(request, form=form, problem=problem, plan_state=state, status=status)


def _field_for(error: DomainError) -> DomainError:
    """Service errors about the responsibility list belong on the leader picker of the form."""
    if isinstance(error.details, dict) and error.details.get("field") == "responsibilities":
        error.details = {**error.details, "field": "leaders"}
    return error


def _task_initial(task: Any) -> tuple[dict, list[str]]:
    leaders, kept = [], []
    departments, co_departments, persons = [], [], []
    for r in task.responsibilities.all():
        if r.kind == ResponsibilityKind.LEADER:
            if r.tenure_id:
                leaders.append(f"t{r.tenure_id}")
            else:
                leaders.append(f"n:{r.name}")
                kept.append(r.name)
        elif r.kind == ResponsibilityKind.DEPARTMENT:
            (departments if r.is_lead else co_departments).append(r.name)
        else:
            persons.append(r.name)
    initial = {"measure": task.measure, "criterion": task.criterion, "deadline_kind": task.deadline_kind,
               "due_date": task.due_date, "milestones": task.milestones, "review_months": task.review_months,
               "leaders": leaders, "department": "、".join(departments), "co_departments": "、".join(co_departments),
               "persons": "、".join(persons), "version": task.version}
    return initial, kept


@login_required
def task_edit(request: HttpRequest, task_id: int) -> HttpResponse:
    """修改整改任务 with its responsibility list; a stale version shows what changed since."""
    _require_editor(request)
    task = selectors.task_get_for(user=request.user, task_id=task_id)
    problem = task.problem
    state = selectors.plan_state_of(inspected_unit_id=problem.inspected_unit_id)
    initial, kept = _task_initial(task)
    leaders = _leader_choices(problem)
    options = {"leader_tenures": leaders, "kept_leaders": kept, "fixed_deadline": state == PlanState.APPROVED}
    if request.method != "POST":
        form = forms.TaskForm(initial=initial, **options)
        return _task_form_page(request, form=form, problem=problem, task=task, plan_state=state)
    form = forms.TaskForm(request.POST, initial=initial, **options)
    form.require_version = True
    status, conflict = 400, None
    if form.is_valid():
        try:  # after approval the deadline fields are disabled: the stored values go through unchanged
            services.task_update(actor=request.user, task_id=task.pk, expected_version=form.cleaned_data["version"],
                                 responsibilities=form.responsibilities(), **form.task_fields())
        except Conflict as error:
            if isinstance(error.details, dict) and "changed" in error.details:
                # Show what changed since the page was loaded; the next save is made on the current version.
                conflict = error.details
                data = request.POST.copy()
                data["version"] = str(error.details["version"])
                form = forms.TaskForm(data, initial=initial, **options)
                form.is_valid()
                form.add_error(None, error.message)
                status = 409
            else:
                status = form_error(form, error)
        except DomainError as error:
            status = form_error(form, _field_for(error))
        else:
            messages.success(request, _("整改任务已保存。"))
            return redirect("rectification:task_detail", task_id=task.pk)
    return _task_form_page(request, form=form, problem=problem, task=task, plan_state=state, conflict=conflict,
                           status=status)


def _version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        raise Conflict(_("页面已过期，请刷新后重试。")) from None


@require_POST
@login_required
def task_delete(request: HttpRequest, task_id: int) -> HttpResponse:
    task = selectors.task_get_for(user=request.user, task_id=task_id)
    try:
        services.task_delete(actor=request.user, task_id=task.pk, expected_version=_version(request))
    except DomainError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, _("整改任务 %(problem)s.%(task)s 已删除，其后的任务序号依次前移。")
                         % {"problem": task.problem.number, "task": task.number})
    return redirect(reverse("rectification:problem_detail", args=[task.problem_id]) + "#tasks")


@require_POST
@login_required
def task_move(request: HttpRequest, task_id: int) -> HttpResponse:
    task = selectors.task_get_for(user=request.user, task_id=task_id)
    step = -1 if request.POST.get("direction") == "up" else 1
    try:
        services.task_move(actor=request.user, task_id=task.pk, position=task.number + step,
                           expected_version=_version(request))
    except DomainError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
    return redirect(reverse("rectification:problem_detail", args=[task.problem_id]) + "#tasks")


# --- the plan -----------------------------------------------------------------------------------

def _plan_page(request: HttpRequest, round_code: str, unit_code: str, *, status: int = 200,
               **forms_: Any) -> HttpResponse:
    view = selectors.plan_get_for(user=request.user, round_code=round_code, unit_code=unit_code)
    gaps = selectors.plan_gaps(inspected_unit=view.inspected_unit)
    return render(request, "rectification/plan.html", {
        "view": view, "inspected": view.inspected_unit, "gaps": gaps,
        "submit_form": forms_.get("submit_form") or forms.PlanSubmitForm(initial={"version": view.version}),
        "approve_form": forms_.get("approve_form") or forms.PlanReviewForm(initial={"version": view.version}),
        "return_form": forms_.get("return_form") or forms.PlanReturnForm(initial={"version": view.version}),
        "pending_changes": selectors.change_request_list_for(
            user=request.user, inspected_unit_id=view.inspected_unit.pk).count(),
        "can_submit": request.user.can_edit_task_list and view.state in (PlanState.DRAFT, PlanState.RETURNED),
        "can_review": request.user.can_review_plan and view.state == PlanState.SUBMITTED,
    }, status=status)


@login_required
def plan_detail(request: HttpRequest, round_code: str, unit_code: str) -> HttpResponse:
    """整改方案: the state, what rule 1 still misses, the review history and the actions."""
    return _plan_page(request, round_code, unit_code)


def _plan_action(request: HttpRequest, round_code: str, unit_code: str, *, form: Any, form_name: str,
                 act: Any) -> HttpResponse:
    return form_action(
        request, form=form, act=act,
        done=lambda: redirect("rectification:plan", round_code=round_code, unit_code=unit_code),
        page=lambda status: _plan_page(request, round_code, unit_code, status=status, **{form_name: form}))


@require_POST
@login_required
def plan_submit(request: HttpRequest, round_code: str, unit_code: str) -> HttpResponse:
    def act(data: dict) -> str:
        plan_services.plan_submit(actor=request.user, round_code=round_code, unit_code=unit_code,
                                  expected_version=data["version"])
        return _("整改方案已报送，等待巡视办或纪委监委审核。")

    return _plan_action(request, round_code, unit_code, form=forms.PlanSubmitForm(request.POST),
                        form_name="submit_form", act=act)


@require_POST
@login_required
def plan_approve(request: HttpRequest, round_code: str, unit_code: str) -> HttpResponse:
    def act(data: dict) -> str:
        plan_services.plan_approve(actor=request.user, round_code=round_code, unit_code=unit_code,
                                   comment=data["comment"], expected_version=data["version"])
        return _("整改方案已批准。各任务的完成时限已记为原定完成时限，此后调整须经变更申请批准。")

    return _plan_action(request, round_code, unit_code, form=forms.PlanReviewForm(request.POST),
                        form_name="approve_form", act=act)


@require_POST
@login_required
def plan_return(request: HttpRequest, round_code: str, unit_code: str) -> HttpResponse:
    def act(data: dict) -> str:
        plan_services.plan_return(actor=request.user, round_code=round_code, unit_code=unit_code,
                                  reason=data["reason"], expected_version=data["version"])
        return _("整改方案已退回，单位修改后可重新报送。")

    return _plan_action(request, round_code, unit_code, form=forms.PlanReturnForm(request.POST),
                        form_name="return_form", act=act)


@login_required
def round_plans(request: HttpRequest, round_code: str) -> HttpResponse:
    """整改方案 of every inspected unit of a round: state and what rule 1 still misses, at a glance."""
    rnd = inspection_selectors.round_get_for(user=request.user, code=round_code)
    rows = selectors.round_plans_for(user=request.user, round=rnd)
    states = dict(PlanState.choices)
    counts = {state: sum(1 for r in rows if r.state == state) for state in states}
    return render(request, "rectification/round_plans.html", {
        "round": rnd, "rows": rows, "states": states, "counts": counts, "gap_labels": [(key, label, selectors.GAP_SHORT_LABELS[key]) for key, label in selectors.GAP_LABELS.items()],
    })


# --- change requests ----------------------------------------------------------------------------

def _change_form_page(request: HttpRequest, *, task: Any, form: Any, status: int = 200) -> HttpResponse:
    return render(request, "rectification/change_request_form.html", {
        "task": task, "problem": task.problem, "form": form,
        "rectification_end": task.problem.inspected_unit.rectification_end,
    }, status=status)


@login_required
def change_request_new(request: HttpRequest, task_id: int) -> HttpResponse:
    """申请调整完成时限或整改类型 (after the plan's approval)."""
    if not request.user.can_request_changes:
        raise PermissionDenied(_("变更申请由被巡视单位的整改牵头人、巡视办或纪委监委人员提出。"))
    task = selectors.task_get_for(user=request.user, task_id=task_id)
    initial = {"deadline_kind": task.deadline_kind, "due_date": task.due_date, "milestones": task.milestones,
               "review_months": task.review_months}
    if request.method != "POST":
        return _change_form_page(request, task=task, form=forms.ChangeRequestForm(initial=initial))
    form = forms.ChangeRequestForm(request.POST, initial=initial)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            plan_services.change_request_create(
                actor=request.user, task_id=task.pk, reason=data["reason"], source=ChangeRequestSource.PAGE,
                deadline_kind=data["deadline_kind"], due_date=data["due_date"], milestones=data["milestones"],
                review_months=data["review_months"])
        except DomainError as error:
            status = form_error(form, error)
        else:
            messages.success(request, _("变更申请已提交，经巡视办或纪委监委批准后生效。"))
            return redirect("rectification:task_detail", task_id=task.pk)
    return _change_form_page(request, task=task, form=form, status=status)


@login_required
def problem_change_request_new(request: HttpRequest, problem_id: int) -> HttpResponse:
    """申请更正反馈问题的表述 (after the plan's approval)."""
    if not request.user.can_request_changes:
        raise PermissionDenied(_("变更申请由被巡视单位的整改牵头人、巡视办或纪委监委人员提出。"))
    problem = selectors.problem_get_for(user=request.user, problem_id=problem_id)
    form = forms.ProblemChangeRequestForm(request.POST or None, initial={"description": problem.description})
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                plan_services.problem_change_request_create(
                    actor=request.user, problem_id=problem.pk, description=form.cleaned_data["description"],
                    reason=form.cleaned_data["reason"], source=ChangeRequestSource.PAGE)
            except DomainError as error:
                status = form_error(form, error)
            else:
                messages.success(request, _("更正申请已提交，经巡视办或纪委监委批准后生效。"))
                return redirect("rectification:problem_detail", problem_id=problem.pk)
    return render(request, "rectification/problem_change_request_form.html",
                  {"problem": problem, "form": form}, status=status)


@login_required
def change_request_list(request: HttpRequest) -> HttpResponse:
    """变更申请: pending ones first come first decided; decided ones on the other tabs."""
    state = request.GET.get("state", ChangeRequestState.PENDING)
    if state not in ChangeRequestState.values:
        state = ChangeRequestState.PENDING
    paginator = Paginator(selectors.change_request_list_for(user=request.user, state=state),
                          settings.RECTIFY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "rectification/change_request_list.html", {
        "page_obj": page, "state": state, "states": ChangeRequestState.choices,
        "querystring": urlencode({"state": state}),
    })


def _change_detail_page(request: HttpRequest, change_request_id: int, *, status: int = 200,
                        **forms_: Any) -> HttpResponse:
    change = selectors.change_request_get_for(user=request.user, change_request_id=change_request_id)
    task = selectors.task_get_for(user=request.user, task_id=change.task_id) if change.task_id else None
    return render(request, "rectification/change_request_detail.html", {
        "change": change, "task": task, "problem": change.problem,
        "approve_form": forms_.get("approve_form") or forms.DecisionForm(),
        "refuse_form": forms_.get("refuse_form") or forms.RefuseForm(),
        "can_decide": (request.user.can_decide_change_requests and change.state == ChangeRequestState.PENDING
                       and change.requested_by_id != request.user.pk),
        "task_open": task is not None and task.status in (TaskStatus.PENDING, TaskStatus.IN_PROGRESS),
        "earlier_extensions": (plan_services.approved_extensions_of(task_id=change.task_id, exclude=change.pk)
                               if change.is_extension else 0),
    }, status=status)


@login_required
def change_request_detail(request: HttpRequest, change_request_id: int) -> HttpResponse:
    return _change_detail_page(request, change_request_id)


def _decide(request: HttpRequest, change_request_id: int, *, form: Any, form_name: str, act: Any) -> HttpResponse:
    return form_action(
        request, form=form, act=act,
        done=lambda: redirect("rectification:change_request_detail", change_request_id=change_request_id),
        page=lambda status: _change_detail_page(request, change_request_id, status=status, **{form_name: form}))


@require_POST
@login_required
def change_request_approve(request: HttpRequest, change_request_id: int) -> HttpResponse:
    def act(data: dict) -> str:
        plan_services.change_request_approve(actor=request.user, change_request_id=change_request_id,
                                             comment=data["comment"])
        return _("已批准变更申请，调整已生效；原定完成时限保留用于超期统计。")

    return _decide(request, change_request_id, form=forms.DecisionForm(request.POST), form_name="approve_form",
                   act=act)


@require_POST
@login_required
def change_request_refuse(request: HttpRequest, change_request_id: int) -> HttpResponse:
    def act(data: dict) -> str:
        plan_services.change_request_refuse(actor=request.user, change_request_id=change_request_id,
                                            reason=data["reason"])
        return _("已不予批准该变更申请，原完成时限和整改类型不变。")

    return _decide(request, change_request_id, form=forms.RefuseForm(request.POST), form_name="refuse_form", act=act)


@require_POST
@login_required
def change_request_withdraw(request: HttpRequest, change_request_id: int) -> HttpResponse:
    try:
        plan_services.change_request_withdraw(actor=request.user, change_request_id=change_request_id)
    except DomainError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, _("变更申请已撤回。"))
    return redirect("rectification:change_request_detail", change_request_id=change_request_id)
