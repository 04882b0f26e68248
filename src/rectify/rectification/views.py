"""Pages of the rectification ledger. Thin: selectors read, services write."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rectify.core.errors import DomainError, PermissionDenied
from rectify.core.forms import form_action, form_error
from rectify.core.uploads import refusal_errors
from rectify.inspections import selectors as inspection_selectors
from rectify.inspections import services as inspection_services
from rectify.inspections.models import ProblemKind
from rectify.orgs import selectors as org_selectors
from rectify.rectification import forms, plan_services, review_rules, selectors, services
from rectify.rectification.models import ChangeRequestState, CloseOutState, PlanState, TaskStatus


@login_required
def ledger_index(request: HttpRequest) -> HttpResponse:
    """Pick a unit's ledger (newest rounds first, by round and unit name, a page at a time: a province has
    thousands); a user with exactly one unit goes straight to it."""
    first = list(inspection_selectors.inspected_unit_index_for(user=request.user)[:2])
    if len(first) == 1:
        return redirect("rectification:ledger", round_code=first[0].round.code, unit_code=first[0].unit.code)
    code = request.GET.get("round", "").strip()[:40]
    query = request.GET.get("q", "").strip()[:50]
    units = inspection_selectors.inspected_unit_index_for(user=request.user, round_code=code, query=query)
    page = Paginator(units, settings.RECTIFY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "rectification/ledger_index.html", {
        "page_obj": page, "inspected_units": page.object_list, "round_code": code, "query": query,
        "rounds": list(inspection_selectors.round_list_for(user=request.user)[:50]),
        "querystring": urlencode({k: v for k, v in (("round", code), ("q", query)) if v}),
    })


@login_required
def ledger(request: HttpRequest, round_code: str, unit_code: str) -> HttpResponse:
    """The unit's ledger (整改台账): problem rows spanning their tasks, filtered and paginated."""
    inspected = inspection_selectors.inspected_unit_get_for(user=request.user, round_code=round_code,
                                                            unit_code=unit_code)
    form = forms.LedgerFilterForm(
        request.GET or None,
        categories=inspection_selectors.categories_top_level(),
        departments=selectors.departments_of(inspected_unit=inspected),
    )
    filters = selectors.ProblemFilters(inspected_unit_id=inspected.pk)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.ProblemFilters(
            inspected_unit_id=inspected.pk, status=data["status"] or None, warning=data["warning"] or None,
            category_code=data["category"] or None, department=data["department"] or None, query=data["q"] or None,
            kind=data["kind"] or None,
        )
    paginator = Paginator(selectors.problem_list_for(user=request.user, filters=filters), settings.RECTIFY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    selectors.prefetch_ledger_rows(list(page.object_list))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    context = {
        "inspected": inspected,
        "form": form,
        "page_obj": page,
        "querystring": urlencode(query),
        "plan_state": selectors.plan_state_of(inspected_unit_id=inspected.pk),
    }
    if request.htmx and request.htmx.target == "ledger-table":
        return render(request, "rectification/_ledger_table.html", context)
    return render(request, "rectification/ledger.html", context)


@login_required
def problem_detail(request: HttpRequest, problem_id: int) -> HttpResponse:
    problem = selectors.problem_get_for(user=request.user, problem_id=problem_id)
    clues = list(inspection_selectors.clues_for(user=request.user).filter(problem=problem))
    leaders = selectors.problem_leaders_of_period(problem=problem)
    plan_state = selectors.plan_state_of(inspected_unit_id=problem.inspected_unit_id)
    return render(request, "rectification/problem_detail.html", {
        "problem": problem, "clues": clues, "period": selectors.problem_occurrence_period(problem),
        "plan_state": plan_state,
        "can_edit_tasks": request.user.can_edit_task_list and plan_state != PlanState.SUBMITTED,
        "principals": [leader for leader in leaders if leader.role == org_selectors.PRINCIPAL],
        "members_in_charge": [leader for leader in leaders if leader.role == org_selectors.IN_CHARGE],
    })


def _task_page(request: HttpRequest, task_id: int, *, status: int = 200, **forms_: Any) -> HttpResponse:
    task = selectors.task_get_for(user=request.user, task_id=task_id)
    history = selectors.task_history(task=task)
    pending = next((c for c in history.close_outs if c.state == CloseOutState.PENDING), None)
    plan_state = selectors.plan_state_of(inspected_unit_id=task.problem.inspected_unit_id)
    is_open = task.status in (TaskStatus.PENDING, TaskStatus.IN_PROGRESS)
    context = {
        "task": task,
        "plan_state": plan_state,
        "pending_change": next((c for c in history.change_requests if c.state == ChangeRequestState.PENDING), None),
        "can_edit": request.user.can_edit_task_list and is_open and plan_state != PlanState.SUBMITTED,
        "can_request_change": request.user.can_request_changes and is_open and plan_state == PlanState.APPROVED,
        "problem": task.problem,
        "history": history,
        "pending_close_out": pending,
        "progress_form": forms_.get("progress_form") or forms.ProgressForm(),
        "evidence_form": forms_.get("evidence_form") or forms.EvidenceForm(),
        "close_out_form": forms_.get("close_out_form") or forms.CloseOutForm(initial={"version": task.version}),
        "reopen_form": forms_.get("reopen_form") or forms.ReasonForm(),
        "review_form": forms.ReviewForm(),
        "paper_prompt": pending is not None and review_rules.is_paper_only(pending.evidence.all()),
        "evidence_opened": pending is not None and review_rules.all_opened(request, pending.evidence.all()),
        "return_form": forms.ReasonForm(),
        "is_open": task.status in (TaskStatus.PENDING, TaskStatus.IN_PROGRESS),
        "is_closed": task.status == TaskStatus.CLOSED,
        "clue_hold": services.clue_hold_for(user=request.user, task=task) if pending else "",
    }
    return render(request, "rectification/task_detail.html", context, status=status)


@login_required
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    return _task_page(request, task_id)


def _task_action(request: HttpRequest, task_id: int, *, form: Any, form_name: str,
                 act: Callable[[dict[str, Any]], str]) -> HttpResponse:
    """One POST on the task page: redirect with the success message or show the page again with the error."""
    return form_action(request, form=form, act=act,
                       done=lambda: redirect("rectification:task_detail", task_id=task_id),
                       page=lambda status: _task_page(request, task_id, status=status, **{form_name: form}))


@require_POST
@login_required
def task_progress(request: HttpRequest, task_id: int) -> HttpResponse:
    def act(data: dict[str, Any]) -> str:
        services.task_add_progress(actor=request.user, task_id=task_id, text=data["text"])
        return _("整改进展已填报。")

    return _task_action(request, task_id, form=forms.ProgressForm(request.POST), form_name="progress_form", act=act)


@require_POST
@login_required
def task_evidence(request: HttpRequest, task_id: int) -> HttpResponse:
    def act(data: dict[str, Any]) -> str:
        upload = data["file"]
        services.evidence_upload(actor=request.user, task_id=task_id, file=upload, name=upload.name,
                                 description=data["description"])
        return _("佐证材料“%(name)s”已上传。") % {"name": upload.name}

    form = forms.EvidenceForm(request.POST, request.FILES)
    if refusal_errors(form, request):  # over the size limit: skipped while it streamed in, never stored
        return _task_page(request, task_id, status=413, evidence_form=form)
    return _task_action(request, task_id, form=form, form_name="evidence_form", act=act)


@require_POST
@login_required
def task_close_out(request: HttpRequest, task_id: int) -> HttpResponse:
    def act(data: dict[str, Any]) -> str:
        services.close_out_submit(actor=request.user, task_id=task_id, note=data["note"],
                                  no_evidence_reason=data["no_evidence_reason"], expected_version=data["version"])
        return _("销号申请已提交，等待审核。")

    return _task_action(request, task_id, form=forms.CloseOutForm(request.POST), form_name="close_out_form", act=act)


@require_POST
@login_required
def task_reopen(request: HttpRequest, task_id: int) -> HttpResponse:
    def act(data: dict[str, Any]) -> str:
        services.task_reopen(actor=request.user, task_id=task_id, reason=data["reason"])
        return _("任务已重新打开，单位须继续整改。")

    return _task_action(request, task_id, form=forms.ReasonForm(request.POST), form_name="reopen_form", act=act)


@login_required
def evidence_download(request: HttpRequest, evidence_id: int) -> FileResponse:
    evidence, handle = selectors.evidence_open_for(user=request.user, evidence_id=evidence_id)
    if request.user.can_review_close_out:
        review_rules.note_opened(request, evidence.pk)  # approval on the page needs the evidence opened
    return FileResponse(handle, as_attachment=True, filename=evidence.original_name,
                        content_type=evidence.content_type)


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """销号审核: pending close-outs, oldest first; reviewed ones on a second tab."""
    if not request.user.can_review_close_out:
        messages.info(request, _("销号审核由巡视办和纪委监委监督人员办理。"))
        return redirect("core:home")
    state = request.GET.get("state", CloseOutState.PENDING)
    if state not in CloseOutState.values:
        state = CloseOutState.PENDING
    order = request.GET.get("order", "oldest")
    if order not in ("oldest", "newest"):
        order = "oldest"
    round_code = (request.GET.get("round") or "").strip()
    unit = (request.GET.get("unit") or "").strip()
    queue = selectors.close_out_queue_for(user=request.user, state=state, round_code=round_code or None,
                                          unit=unit or None, order=order)
    paginator = Paginator(queue, settings.RECTIFY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = selectors.with_waiting(list(page.object_list)) if state == CloseOutState.PENDING else []
    return render(request, "rectification/review_queue.html", {
        "page_obj": page, "state": state, "states": CloseOutState.choices, "order": order,
        "round_code": round_code, "unit": unit, "rounds": inspection_selectors.round_list_for(user=request.user)[:50],
        "rows": rows, "review_days": settings.RECTIFY_REVIEW_WARNING_WORKING_DAYS,
        "querystring": urlencode({k: v for k, v in (("state", state), ("order", order), ("round", round_code),
                                                    ("unit", unit)) if v}),
    })


def _after_review(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect(reverse("rectification:review_queue"))


@require_POST
@login_required
def close_out_approve(request: HttpRequest, close_out_id: int) -> HttpResponse:
    """Approval on the page (issue 10 §5): only with the evidence opened or explicitly confirmed, and with an
    answer to the paper-rectification prompt when the evidence is only notices or new rules (rule 6)."""
    form = forms.ReviewForm(request.POST)
    form.is_valid()
    data = form.cleaned_data
    pending = selectors.close_out_get_for(user=request.user, close_out_id=close_out_id)
    evidence = list(pending.evidence.all())
    reviewable = (request.user.can_review_close_out and pending.state == CloseOutState.PENDING
                  and pending.submitted_by_id != request.user.pk)  # otherwise the service says why not
    if reviewable and not (data.get("confirm_evidence") or review_rules.all_opened(request, evidence)):
        messages.error(request, _("请先打开查阅全部佐证材料，或勾选“我已查阅全部佐证材料”后再审核通过。"))
        return redirect(reverse("rectification:task_detail", args=[pending.task_id]) + "#review")
    execution_proven = None
    if reviewable and review_rules.is_paper_only(evidence):
        answer = data.get("execution_proven") or ""
        if answer not in ("yes", "no"):
            messages.error(request, _("佐证材料只有会议通知或新印发的制度文件（可能是形式整改），请回答执行情况是否已得到证明。"))
            return redirect(reverse("rectification:task_detail", args=[pending.task_id]) + "#review")
        execution_proven = answer == "yes"
    try:
        close_out = services.close_out_approve(actor=request.user, close_out_id=close_out_id,
                                               comment=data.get("comment", ""), execution_proven=execution_proven)
    except DomainError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, _("已审核通过，任务“%(task)s”予以销号。") % {"task": close_out.task})
    return _after_review(request)


@require_POST
@login_required
def close_out_return(request: HttpRequest, close_out_id: int) -> HttpResponse:
    form = forms.ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        answer = request.POST.get("execution_proven", "")
        close_out = services.close_out_return(actor=request.user, close_out_id=close_out_id, reason=reason,
                                              execution_proven={"yes": True, "no": False}.get(answer))
    except DomainError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
    else:
        # The next notify run tells the unit lead, the applicant and the responsible person, with the reason.
        messages.success(request, _("已退回任务“%(task)s”的销号申请，单位将收到退回理由。") % {"task": close_out.task})
    return _after_review(request)


# --- entering problems (fed back by the office/commission, self-found by the unit) -----------------

def _problem_form_page(request: HttpRequest, *, form: forms.ProblemForm, inspected: Any, kind: str,
                       problem: Any = None, status: int = 200) -> HttpResponse:
    return render(request, "rectification/problem_form.html", {
        "form": form, "inspected": inspected, "kind": kind, "problem": problem,
        "is_self_found": kind == ProblemKind.SELF_FOUND,
    }, status=status)


def _problem_values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "number": data["number"], "description": data["description"], "detail": data["detail"],
        "category": data["category"] or None, "occurred_from": data["occurred_from"],
        "occurred_to": data["occurred_to"], "is_common": data["is_common"],
    }


@login_required
def problem_new(request: HttpRequest, round_code: str, unit_code: str) -> HttpResponse:
    """录入反馈问题 (office, commission) or 新增自查问题 (the unit lead), one at a time."""
    inspected = inspection_selectors.inspected_unit_get_for(user=request.user, round_code=round_code,
                                                            unit_code=unit_code)
    user = request.user
    default = ProblemKind.FEEDBACK if user.can_enter_feedback else ProblemKind.SELF_FOUND
    kind = (request.POST.get("kind") or request.GET.get("kind") or default)
    if kind not in ProblemKind.values:
        kind = default
    if not (user.can_enter_feedback or (kind == ProblemKind.SELF_FOUND and user.can_add_self_found_problem)):
        raise PermissionDenied(_("反馈问题由巡视办或纪委监委录入；被巡视单位整改牵头人可新增本单位的自查问题。"))
    categories = inspection_selectors.categories_tree()
    if request.method != "POST":
        return _problem_form_page(request, form=forms.ProblemForm(categories=categories), inspected=inspected,
                                  kind=kind)
    form = forms.ProblemForm(request.POST, categories=categories)
    status = 400
    if form.is_valid():
        try:
            problem = inspection_services.problem_create(actor=user, inspected_unit=inspected, kind=kind,
                                                         **_problem_values(form.cleaned_data))
        except DomainError as error:
            status = form_error(form, error)
        else:
            messages.success(request, _("问题“%(number)s”已录入。") % {"number": problem.number})
            if "add_another" in request.POST:
                return redirect(reverse("rectification:problem_new", args=[round_code, unit_code]) + f"?kind={kind}")
            return redirect("rectification:problem_detail", problem_id=problem.pk)
    return _problem_form_page(request, form=form, inspected=inspected, kind=kind, status=status)


@login_required
def problem_edit(request: HttpRequest, problem_id: int) -> HttpResponse:
    """Edit a problem's entry: fed-back problems by the office/commission, self-found ones also by the unit lead."""
    problem = selectors.problem_get_for(user=request.user, problem_id=problem_id)
    user = request.user
    if not (user.can_enter_feedback or (problem.is_self_found and user.can_add_self_found_problem)):
        raise PermissionDenied(_("反馈问题的内容由巡视办或纪委监委修改。"))
    categories = inspection_selectors.categories_tree()
    # After the plan's approval a fed-back text changes only by an approved change request (rule 3).
    locked = (not problem.is_self_found
              and selectors.plan_state_of(inspected_unit_id=problem.inspected_unit_id) == PlanState.APPROVED)
    initial = {
        "number": problem.number, "category": problem.category.code if problem.category_id else "",
        "description": problem.description, "detail": problem.detail, "occurred_from": problem.occurred_from,
        "occurred_to": problem.occurred_to, "is_common": problem.is_common, "version": problem.version,
    }
    if request.method != "POST":
        form = forms.ProblemForm(categories=categories, initial=initial, description_locked=locked)
        return _problem_form_page(request, form=form, inspected=problem.inspected_unit, kind=problem.kind,
                                  problem=problem)
    form = forms.ProblemForm(request.POST, categories=categories, initial=initial, description_locked=locked)
    form.require_version = True  # an edit without the version it was made on could overwrite another's
    status = 400
    if form.is_valid():
        try:
            plan_services.problem_edit(actor=user, problem_id=problem.pk,
                                       expected_version=form.cleaned_data["version"],
                                       **_problem_values(form.cleaned_data))
        except DomainError as error:
            status = form_error(form, error)
        else:
            messages.success(request, _("问题已保存。"))
            return redirect("rectification:problem_detail", problem_id=problem.pk)
    return _problem_form_page(request, form=form, inspected=problem.inspected_unit, kind=problem.kind,
                              problem=problem, status=status)
