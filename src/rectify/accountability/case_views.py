"""Pages of accountability files (问责): the case list, the case file, subjects, the decision page, appeals,
the public-exposure notice. The commission's only — every other role gets 404, as for a missing page.

Thin: selectors read, services write; a DomainError the user can fix goes back onto the form that caused it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from rectify.accountability import case_forms as forms
from rectify.accountability import case_selectors as cs
from rectify.accountability import case_services as services
from rectify.accountability import checks as ck
from rectify.accountability import hooks, present
from rectify.accountability.case_models import (
    AccountabilityCase,
    Appeal,
    CaseState,
    CaseSubject,
    Decision,
    DecisionStatus,
    Outcome,
    SourceKind,
    SubjectKind,
)
from rectify.accountability.models import AccountabilityForm, impact_period
from rectify.accountability.pool_models import Assignment, AssignmentKind
from rectify.core import clock
from rectify.core.errors import DomainError, NotFound
from rectify.core.forms import form_error
from rectify.inspections.models import add_months
from rectify.orgs import selectors as org_selectors
from rectify.rectification import selectors as rectification_selectors

STEPS = [  # the stepper on the case page: (state, label)
    (CaseState.PROPOSED, gettext_lazy("拟立案")), (CaseState.STARTED, gettext_lazy("立案")),
    (CaseState.INVESTIGATING, gettext_lazy("调查")), (CaseState.REVIEWING, gettext_lazy("会审")),
    (CaseState.DISCUSSING, gettext_lazy("集体讨论")), (CaseState.DECIDING, gettext_lazy("决定")),
    (CaseState.DECIDED, gettext_lazy("送达执行")), (CaseState.CLOSED, gettext_lazy("结案")),
]


def _crumbs(*items: tuple[str, str | None]) -> list[tuple[str, str | None]]:
    return [(_("问责"), reverse("accountability:case_list")), *items]


def _case_url(case: AccountabilityCase, anchor: str = "") -> str:
    return reverse("accountability:case_detail", args=[case.pk]) + (f"#{anchor}" if anchor else "")


# --- the case list -----------------------------------------------------------------------------------------

@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state") or None
    if state not in CaseState.values:
        state = None
    cases = cs.cases_for(user=request.user, state=state)
    page = Paginator(cases, settings.RECTIFY_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = cs.case_state_counts(user=request.user)
    tabs = [(None, _("全部"), sum(counts.values()))] + [(s, label, counts.get(s, 0)) for s, label in CaseState.choices]
    return render(request, "accountability/case_list.html", {
        "page_obj": page, "state": state, "tabs": tabs, "querystring": urlencode({"state": state} if state else {}),
        "appeals_due": cs.appeals_due_for(user=request.user), "crumbs": _crumbs((_("问责案件"), None)),
        "tab": "cases",
    })


@login_required
def case_new(request: HttpRequest) -> HttpResponse:
    """提出问责: from a problem (``?problem=ID``), a task (``?task=ID``) or by hand (``?unit=ID``)."""
    cs.require_accountability(request.user)
    source = request.POST if request.method == "POST" else request.GET
    problem = task = unit = None
    if source.get("task"):
        task = rectification_selectors.task_get_for(user=request.user, task_id=_int(source["task"]))
        problem = task.problem
    elif source.get("problem"):
        problem = rectification_selectors.problem_get_for(user=request.user, problem_id=_int(source["problem"]))
    if source.get("unit"):
        unit = org_selectors.org_unit_pick_for(user=request.user, unit_id=_int(source["unit"]))
    status = 200
    if request.method == "POST":
        form = forms.CaseForm(request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                case = services.case_open(actor=request.user, title=data["title"], source_kind=data["source_kind"],
                                          problem=problem, task=task, source_reference=data["source_reference"],
                                          unit=unit, circumstance=data["circumstance"], summary=data["summary"])
            except DomainError as error:
                status = form_error(form, error)
            else:
                messages.success(request, _("已提出问责：%(number)s。请从定责助手的建议中确定问责对象。")
                                 % {"number": case.number})
                return redirect(_case_url(case))
    else:
        kind = SourceKind.TASK if task else SourceKind.PROBLEM if problem else SourceKind.MANUAL
        title = (_("%(unit)s%(round)s反馈问题%(number)s整改不力问责") % {
            "unit": problem.inspected_unit.unit.short_name or problem.inspected_unit.unit.name,
            "round": problem.inspected_unit.round.name, "number": problem.number}) if problem else ""
        form = forms.CaseForm(initial={"source_kind": kind, "title": title,
                                       "circumstance": _default_circumstance(problem)})
    return render(request, "accountability/case_new.html", {
        "form": form, "problem": problem, "task": task, "unit": unit,
        "period": rectification_selectors.problem_occurrence_period(problem) if problem else None,
        "crumbs": _crumbs((_("提出问责"), None)),
    }, status=status)


def _default_circumstance(problem: Any) -> Any:
    from rectify.accountability.models import Circumstance

    return Circumstance.objects.filter(code="rectification_lax", is_active=True).first() if problem else None


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise NotFound(_("您访问的页面不存在，或您无权查看。")) from None


# --- the case file -----------------------------------------------------------------------------------------

@dataclass
class SubjectRow:
    subject: CaseSubject
    decision: Decision | None
    statement: Any
    checks: list[ck.Check]
    appeal: Appeal | None
    corrected: list[Decision]

    @property
    def appeal_until(self) -> dt.date | None:
        d = self.decision
        return services.appeal_last_day(d.delivered_on) if d and d.delivered_on else None


def _file(request: HttpRequest, case: AccountabilityCase) -> dict[str, Any]:
    """Everything the case page shows, read once."""
    subjects = cs.subjects_of(case)
    facts = cs.responsibility_facts(case, subjects=subjects)
    found = ck.case_checks(case, subjects, facts)
    rows = []
    for s in subjects:
        decision = cs.current_decision(s)
        appeals = list(decision.appeals.all()) if decision else []
        rows.append(SubjectRow(subject=s, decision=decision, statement=cs.latest_statement(s),
                               checks=[c for c in found if c.subject_id == s.pk], appeal=appeals[0] if appeals else None,
                               corrected=[d for d in s.decisions.all() if d.status == DecisionStatus.CORRECTED]))
    events = cs.events_of(case)
    for event in events:
        event.text = present.event_text(event)  # type: ignore[attr-defined]
    assignments = cs.assignments_of(case)
    opinions = {o.assignment_id: o for a in assignments for o in a.opinions.all()}
    order = [s for s, _label in STEPS]
    return {
        "case": case, "rows": rows, "subjects": subjects, "facts": facts,
        "candidates": cs.candidates(case, facts=facts, subjects=subjects),
        "case_checks": [c for c in found if c.subject_id is None], "checks": found, "events": events,
        "investigators": [a for a in assignments if a.kind == AssignmentKind.INVESTIGATION],
        "reviewers": [(a, opinions.get(a.pk)) for a in assignments if a.kind == AssignmentKind.JOINT_REVIEW],
        "steps": [(s, label, order.index(s) < order.index(case.state), s == case.state) for s, label in STEPS],
        "needs_committee": cs.needs_committee_approval(case, subjects),
        "can_name": case.state in services.BEFORE_REVIEW,
        "published": any(r.decision and r.decision.publish for r in rows),
        "crumbs": _crumbs((case.number, None)), "today": clock.today(),
    }


def _step_forms(case: AccountabilityCase) -> dict[str, Any]:
    today, v = clock.today(), {"version": case.version}
    return {
        "start_form": forms.StartForm(initial={**v, "approved_on": today}),
        "begin_form": forms.DayForm(initial={**v, "on": today}, prefix="begin"),
        "finish_form": forms.FinishInvestigationForm(initial={**v, "on": today,
                                                              "findings": case.investigation_findings},
                                                     prefix="finish"),
        "review_form": forms.DayForm(initial={**v, "on": today}, prefix="review"),
        "discussion_form": forms.DiscussionForm(initial={**v, "discussed_on": today}),
        "close_form": forms.CloseForm(initial={**v, "closed_on": today}),
        "subject_form": forms.SubjectForm(),
        "opinion_form": forms.OpinionForm(initial={"given_on": today}),
    }


def _case_page(request: HttpRequest, case: AccountabilityCase, *, status: int = 200,
               **bound: Any) -> HttpResponse:
    context = {**_file(request, case), **_step_forms(case), **bound, "precedents": _precedents(case)}
    return render(request, "accountability/case_detail.html", context, status=status)


def _precedents(case: AccountabilityCase) -> list[hooks.Precedent]:
    """Typical cases like this one (the library registers its provider in ``hooks``): by its words and its
    circumstance, beside the file so a decision can be compared with precedent."""
    text = "\n".join(x for x in (case.title, getattr(case, "summary", "")) if x)
    circumstances = [case.circumstance.code] if case.circumstance_id else []
    return [p for p in hooks.precedents(text=text, circumstances=circumstances, limit=5) if p.source == "library"]


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _case_page(request, cs.case_get_for(user=request.user, case_id=pk))


@login_required
def case_edit(request: HttpRequest, pk: int) -> HttpResponse:
    case = cs.case_get_for(user=request.user, case_id=pk)
    status = 200
    if request.method == "POST":
        form = forms.CaseEditForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.case_update(actor=request.user, case=case, expected_version=form.cleaned_data["version"],
                                     title=form.cleaned_data["title"], circumstance=form.cleaned_data["circumstance"],
                                     summary=form.cleaned_data["summary"])
            except DomainError as error:
                status = form_error(form, error)
            else:
                messages.success(request, _("已保存案件信息。"))
                return redirect(_case_url(case))
    else:
        form = forms.CaseEditForm(initial={"version": case.version, "title": case.title,
                                           "circumstance": case.circumstance, "summary": case.summary})
    return render(request, "accountability/case_edit.html", {
        "case": case, "form": form, "crumbs": _crumbs((case.number, _case_url(case)), (_("编辑"), None))},
        status=status)


STEP_FORMS = {
    "start": (forms.StartForm, "start_form", ""),
    "begin": (forms.DayForm, "begin_form", "begin"),
    "finish": (forms.FinishInvestigationForm, "finish_form", "finish"),
    "review": (forms.DayForm, "review_form", "review"),
    "discussion": (forms.DiscussionForm, "discussion_form", ""),
    "close": (forms.CloseForm, "close_form", ""),
}


@require_POST
@login_required
def case_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """The case-level steps: start, begin/finish the investigation, finish the joint review, the collective
    discussion, closing."""
    case = cs.case_get_for(user=request.user, case_id=pk)
    if step not in STEP_FORMS:
        raise NotFound(_("您访问的页面不存在，或您无权查看。"))
    form_class, name, prefix = STEP_FORMS[step]
    form = form_class(request.POST, prefix=prefix or None)
    if not form.is_valid():
        return _case_page(request, case, status=400, **{name: form})
    data, user, version = form.cleaned_data, request.user, form.cleaned_data["version"]
    try:
        if step == "start":
            services.case_start(actor=user, case=case, expected_version=version, approver_name=data["approver_name"],
                                approver_capacity=data["approver_capacity"], approved_on=data["approved_on"],
                                approval_document=data["approval_document"])
        elif step == "begin":
            services.investigation_begin(actor=user, case=case, expected_version=version, started_on=data["on"])
        elif step == "finish":
            services.investigation_finish(actor=user, case=case, expected_version=version, findings=data["findings"],
                                          finished_on=data["on"])
        elif step == "review":
            services.review_finish(actor=user, case=case, expected_version=version, finished_on=data["on"])
        elif step == "discussion":
            services.discussion_record(actor=user, case=case, expected_version=version,
                                       discussed_on=data["discussed_on"], body=data["body"], minutes=data["minutes"],
                                       conclusion=data["conclusion"])
        else:
            services.case_close(actor=user, case=case, expected_version=version, closed_on=data["closed_on"],
                                note=data["note"])
    except DomainError as error:
        status = form_error(form, error)
        case.refresh_from_db()
        return _case_page(request, case, status=status, **{name: form})
    messages.success(request, _("已记录：%(state)s。") % {"state": case.get_state_display()})
    return redirect(_case_url(case))


@require_POST
@login_required
def subject_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = cs.case_get_for(user=request.user, case_id=pk)
    form = forms.SubjectForm(request.POST)
    if not form.is_valid():
        return _case_page(request, case, status=400, subject_form=form)
    data = form.cleaned_data
    person = org_selectors.person_get_for(user=request.user, person_id=data["person"]) if data["person"] else None
    try:
        subject = services.subject_add(actor=request.user, case=case, name=data["name"], kind=data["kind"],
                                       responsibility_type=data["responsibility_type"], person=person,
                                       type_reason=data["type_reason"])
    except DomainError as error:
        status = form_error(form, error)
        return _case_page(request, case, status=status, subject_form=form)
    messages.success(request, _("已将“%(name)s”列为问责对象（%(type)s）。")
                     % {"name": subject.name, "type": subject.get_responsibility_type_display()})
    return redirect(_case_url(case, "subjects"))


@require_POST
@login_required
def opinion_add(request: HttpRequest, pk: int) -> HttpResponse:
    case = cs.case_get_for(user=request.user, case_id=pk)
    form = forms.OpinionForm(request.POST)
    if form.is_valid():
        assignment = Assignment.objects.filter(pk=form.cleaned_data["assignment"], case=case).select_related(
            "specialist__person").first()
        if assignment is None:
            raise NotFound(_("本案没有这项抽调记录。"))
        try:
            services.opinion_record(actor=request.user, case=case, assignment=assignment,
                                    opinion=form.cleaned_data["opinion"], given_on=form.cleaned_data["given_on"])
        except DomainError as error:
            return _case_page(request, case, status=form_error(form, error), opinion_form=form)
        messages.success(request, _("已记录%(name)s的会审意见。") % {"name": assignment.specialist.person.name})
        return redirect(_case_url(case, "review"))
    return _case_page(request, case, status=400, opinion_form=form)


# --- a subject ---------------------------------------------------------------------------------------------

def _subject(request: HttpRequest, pk: int, sid: int) -> tuple[AccountabilityCase, CaseSubject]:
    case = cs.case_get_for(user=request.user, case_id=pk)
    return case, cs.subject_get_for(user=request.user, case=case, subject_id=sid)


@login_required
def subject_detail(request: HttpRequest, pk: int, sid: int) -> HttpResponse:
    """A subject's page: what the investigation establishes, the statement (rule 19), the members assessed
    (rule 15), decisions (current and corrected), delivery and appeal."""
    case, subject = _subject(request, pk, sid)
    today = clock.today()
    bound: dict[str, Any] = {}
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        forms_by_action = {"edit": forms.SubjectEditForm, "statement": forms.StatementForm,
                           "assess": forms.MemberAssessmentForm, "remove": forms.RemoveForm,
                           "deliver": forms.DeliveryForm, "appeal": forms.AppealForm}
        if action not in forms_by_action:
            raise NotFound(_("您访问的页面不存在，或您无权查看。"))
        kwargs = {"subject_kind": subject.kind} if action == "edit" else {}
        form = forms_by_action[action](request.POST, **kwargs)
        bound[f"{action}_form"] = form
        status = 400
        if form.is_valid():
            try:
                done = _subject_action(request, case, subject, action, form.cleaned_data)
            except DomainError as error:
                status = form_error(form, error)
            else:
                messages.success(request, done)
                if action == "remove":
                    return redirect(_case_url(case, "subjects"))
                return redirect(reverse("accountability:subject_detail", args=[case.pk, subject.pk]))
    decision = cs.current_decision(subject)
    context = {
        "case": case, "subject": subject, "decision": decision, "statements": list(subject.statements.all()),
        "decisions": list(subject.decisions.all()), "assessments": list(subject.member_assessments.all()),
        "appeal": (list(decision.appeals.all()) or [None])[0] if decision else None,
        "appeal_until": services.appeal_last_day(decision.delivered_on) if decision and decision.delivered_on else None,
        "edit_form": forms.SubjectEditForm(subject_kind=subject.kind, initial={
            "version": subject.version, "responsibility_type": subject.responsibility_type,
            "type_reason": subject.type_reason, "participation_record": subject.participation_record,
            "execution": subject.execution, "finding": subject.finding, "proposed_form": subject.proposed_form}),
        "statement_form": forms.StatementForm(initial={"facts_shown_on": today, "signed_on": today}),
        "assess_form": forms.MemberAssessmentForm(), "remove_form": forms.RemoveForm(),
        "deliver_form": forms.DeliveryForm(initial={"delivered_on": today}),
        "appeal_form": forms.AppealForm(initial={"received_on": today}),
        "answer_form": forms.AnswerForm(initial={"answered_on": today}),
        "to_assess": _to_assess(case, subject),
        "crumbs": _crumbs((case.number, _case_url(case)), (subject.name, None)),
        **bound,
    }
    return render(request, "accountability/subject_detail.html", context, status=status)


def _to_assess(case: AccountabilityCase, subject: CaseSubject) -> list[dict[str, Any]]:
    """Rule 15 for an organisation: each leader of the period, named in the case, assessed, or still open."""
    if subject.kind != SubjectKind.ORGANISATION:
        return []
    subjects = cs.subjects_of(case)
    facts = cs.responsibility_facts(case, subjects=subjects)
    named = {s.person_id: s for s in subjects if s.person_id}
    assessed = {a.name: a for a in subject.member_assessments.all()}
    return [{"leader": leader, "subject": named.get(leader.tenure.person_id), "assessment": assessed.get(leader.name)}
            for leader in cs.leaders_to_assess(facts)]


def _subject_action(request: HttpRequest, case: AccountabilityCase, subject: CaseSubject, action: str,
                    data: dict[str, Any]) -> str:
    user = request.user
    if action == "edit":
        values = {k: data[k] for k in services.SUBJECT_FIELDS}
        services.subject_update(actor=user, subject=subject, expected_version=data["version"], **values)
        return _("已保存。")
    if action == "statement":
        services.statement_record(actor=user, subject=subject, facts_shown_on=data["facts_shown_on"],
                                  statement=data["statement"], defence=data["defence"], signature=data["signature"],
                                  signed_on=data["signed_on"])
        return _("已记录陈述申辩和签字。")
    if action == "assess":
        services.member_assess(actor=user, subject=subject, name=data["name"], reason=data["reason"],
                               post_title=data["post_title"])
        return _("已记录班子成员责任评估。")
    if action == "remove":
        services.subject_remove(actor=user, subject=subject, reason=data["reason"])
        return _("已移除问责对象“%(name)s”。") % {"name": subject.name}
    decision = cs.current_decision(subject)
    if decision is None:
        raise DomainError(_("尚未对“%(name)s”作出决定。") % {"name": subject.name}, code="not_decided")
    if action == "deliver":
        services.decision_deliver(actor=user, decision=decision, delivered_on=data["delivered_on"],
                                  delivery_note=data["note"])
        return _("已登记送达。")
    appeal = services.appeal_record(actor=user, decision=decision, received_on=data["received_on"],
                                    grounds=data["grounds"])
    return _("已登记申诉，答复期限为%(day)s；申诉期间不停止执行。") % {"day": appeal.answer_due.isoformat()}


@require_POST
@login_required
def appeal_answer(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = cs.appeal_get_for(user=request.user, appeal_id=pk)
    form = forms.AnswerForm(request.POST)
    url = reverse("accountability:subject_detail", args=[appeal.case_id, appeal.subject_id])
    if form.is_valid():
        try:
            services.appeal_answer(actor=request.user, appeal=appeal, answered_on=form.cleaned_data["answered_on"],
                                   answer=form.cleaned_data["answer"])
        except DomainError as error:
            form_error(form, error)
            messages.error(request, error.message)
        else:
            messages.success(request, _("已答复申诉：维持原决定。"))
    else:
        messages.error(request, _("请填写答复日期和复查意见。"))
    return redirect(url)


# --- the decision page -------------------------------------------------------------------------------------

def _draft(subject: CaseSubject, form: forms.DecisionForm) -> ck.DraftDecision:
    data = form.cleaned_data
    circumstance = data.get("circumstance")
    return services.draft_from(subject=subject, outcome=data["outcome"],
                               responsibility_type=data["responsibility_type"],
                               circumstance=circumstance.code if circumstance else None,
                               forms=data.get("form_codes") or [], factors=form.factor_specs())


def _panels(case: AccountabilityCase, subject: CaseSubject, draft: ck.DraftDecision | None,
            decided_on: dt.date | None) -> dict[str, Any]:
    """The assistant, the checks, the similar cases and the impact period for a draft."""
    subjects = cs.subjects_of(case)
    subject = next(s for s in subjects if s.pk == subject.pk)
    facts = cs.responsibility_facts(case, subjects=subjects)
    if draft is None:
        return {"draft_checks": ck.for_subject(ck.subject_checks(case, subjects, facts), subject), "similar": [],
                "impact": None, "assistant_subject": subject}
    draft.subject = subject
    similar = (ck.similar_decisions(circumstance=draft.circumstance, responsibility_type=draft.responsibility_type,
                                    subject_kind=subject.kind, exclude_case_id=case.pk)
               if draft.circumstance is not None else [])
    found = ck.checks_for_decision(case, subjects, facts, draft, similar=similar)
    impact = impact_period(forms=draft.forms, decided_on=decided_on) if decided_on and draft.forms else None
    adjusting = any(f.code == "organisational_adjustment" or (f.parent and f.parent.code == "organisational_adjustment")
                    for f in draft.forms)
    return {"draft_checks": found, "similar": similar, "impact": impact, "draft": draft, "assistant_subject": subject,
            "formalities_due": add_months(decided_on, settings.RECTIFY_FORMALITIES_MONTHS)
            if decided_on and adjusting else None, "severity": draft.severity}


def _decision_page(request: HttpRequest, *, case: AccountabilityCase, subject: CaseSubject, form: forms.DecisionForm,
                   correcting: Decision | None = None, appeal: Appeal | None = None, status: int = 200) -> HttpResponse:
    draft = None
    if form.is_bound and form.is_valid():
        try:
            draft = _draft(subject, form)
        except DomainError as error:
            form_error(form, error)
    decided_on = form.cleaned_data.get("decided_on") if form.is_bound and hasattr(form, "cleaned_data") else clock.today()
    context = {
        "case": case, "subject": subject, "form": form, "correcting": correcting, "appeal": appeal,
        "decision": cs.current_decision(subject), "statement": cs.latest_statement(subject),
        "factor_rows": _factor_rows(form), "tolerance_rows": _tolerance_rows(form),
        **_panels(case, subject, draft, decided_on),
        "crumbs": _crumbs((case.number, _case_url(case)), (subject.name, reverse(
            "accountability:subject_detail", args=[case.pk, subject.pk])),
            (_("纠正决定") if correcting else _("问责决定"), None)),
    }
    template = "accountability/_decision_panels.html" if request.htmx and request.POST.get("preview") \
        else "accountability/decision.html"
    return render(request, template, context, status=status)


def _factor_rows(form: forms.DecisionForm) -> list[dict[str, Any]]:
    data = form.data if form.is_bound else {}
    return [{"item": f, "checked": bool(data.get(f"factor_{f.code}")), "evidence": data.get(f"evidence_{f.code}", "")}
            for f in form.factor_rows]


def _tolerance_rows(form: forms.DecisionForm) -> list[dict[str, Any]]:
    data = form.data if form.is_bound else {}
    return [{"item": t, "checked": bool(data.get(f"tolerance_{t.code}")),
             "evidence": data.get(f"tevidence_{t.code}", "")} for t in form.tolerance_rows]


def _initial(case: AccountabilityCase, subject: CaseSubject, decision: Decision | None = None) -> dict[str, Any]:
    if decision is not None:
        return {"outcome": decision.outcome, "responsibility_type": decision.responsibility_type,
                "circumstance": decision.circumstance, "form_codes": [f.code for f in decision.forms.all()],
                "decided_on": clock.today(), "reasoning": decision.reasoning,
                "disciplinary_record": decision.disciplinary_record, "publish": decision.publish,
                "public_summary": decision.public_summary}
    proposed = subject.proposed_form
    leaf = proposed is not None and not AccountabilityForm.objects.filter(parent=proposed).exists()
    return {"outcome": Outcome.ACCOUNTABLE, "responsibility_type": subject.responsibility_type,
            "circumstance": case.circumstance, "decided_on": clock.today(),
            "form_codes": [proposed.code] if proposed and leaf else [], "reasoning": subject.finding}


def _save_kwargs(form: forms.DecisionForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {"decided_on": data["decided_on"], "basis": data["basis"], "reasoning": data["reasoning"],
            "disciplinary_record": data["disciplinary_record"], "publish": data["publish"],
            "public_summary": data["public_summary"], "override_reason": data["override_reason"],
            "type_reason": data["type_reason"]}


@login_required
def decision(request: HttpRequest, pk: int, sid: int) -> HttpResponse:
    """问责决定: the form (outcome, type, circumstance, forms, basis, factors), beside it the assistant's proposal
    (accepted or overridden, and why), the precision checks of the draft, similar cases side by side and the
    impact period computed per form. ``preview`` (htmx) recomputes the panels as the form changes."""
    case, subject = _subject(request, pk, sid)
    if cs.current_decision(subject) is not None:  # decided: it is read on the subject's page, changed by correction
        return redirect(reverse("accountability:subject_detail", args=[case.pk, subject.pk]) + "#decision")
    if request.method != "POST":
        form = forms.DecisionForm(subject_kind=subject.kind, initial=_initial(case, subject))
        return _decision_page(request, case=case, subject=subject, form=form)
    form = forms.DecisionForm(request.POST, subject_kind=subject.kind)
    if request.POST.get("preview"):
        return _decision_page(request, case=case, subject=subject, form=form)
    if form.is_valid():
        try:
            saved = services.decision_record(actor=request.user, subject=subject, draft=_draft(subject, form),
                                             **_save_kwargs(form))
        except DomainError as error:
            return _decision_page(request, case=case, subject=subject, form=form, status=form_error(form, error))
        messages.success(request, _("已作出对“%(name)s”的决定：%(outcome)s。") % {
            "name": subject.name, "outcome": saved.get_outcome_display()})
        return redirect(_case_url(case, "subjects"))
    return _decision_page(request, case=case, subject=subject, form=form, status=400)


@login_required
def correction(request: HttpRequest, pk: int, sid: int) -> HttpResponse:
    """纠正决定 (rule 23): one of the six reasons; a new decision replaces the current one, which is kept."""
    case, subject = _subject(request, pk, sid)
    current = cs.current_decision(subject)
    if current is None:
        raise NotFound(_("尚未对“%(name)s”作出决定。") % {"name": subject.name})
    source = request.POST if request.method == "POST" else request.GET
    appeal = None
    if source.get("appeal"):
        appeal = cs.appeal_get_for(user=request.user, appeal_id=_int(source["appeal"]))
    if request.method != "POST":
        form = forms.CorrectionForm(subject_kind=subject.kind, initial={
            **_initial(case, subject, current), "appeal": appeal.pk if appeal else None})
        return _decision_page(request, case=case, subject=subject, form=form, correcting=current, appeal=appeal)
    form = forms.CorrectionForm(request.POST, subject_kind=subject.kind)
    if request.POST.get("preview"):
        return _decision_page(request, case=case, subject=subject, form=form, correcting=current, appeal=appeal)
    if form.is_valid():
        try:
            services.decision_correct(actor=request.user, decision=current, reason=form.cleaned_data["reason"],
                                      note=form.cleaned_data["note"], draft=_draft(subject, form), appeal=appeal,
                                      **_save_kwargs(form))
        except DomainError as error:
            return _decision_page(request, case=case, subject=subject, form=form, correcting=current, appeal=appeal,
                                  status=form_error(form, error))
        messages.success(request, _("已纠正对“%(name)s”的决定；原决定保留并标注为已纠正。请送达纠正后的决定。")
                         % {"name": subject.name})
        return redirect(reverse("accountability:subject_detail", args=[case.pk, subject.pk]))
    return _decision_page(request, case=case, subject=subject, form=form, correcting=current, appeal=appeal,
                          status=400)


# --- the public-exposure notice (通报曝光) --------------------------------------------------------------------

def _published(case: AccountabilityCase) -> list[Decision]:
    return [d for s in cs.subjects_of(case) for d in s.decisions.all()
            if d.status == DecisionStatus.CURRENT and d.publish and d.outcome == Outcome.ACCOUNTABLE]


@login_required
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    """A printable notice of the decisions marked for publication: who (name and post at the time), what
    (the public summary), which forms, when — no statements, opinions, minutes, evidence or specialists."""
    case = cs.case_get_for(user=request.user, case_id=pk)
    return render(request, "accountability/notice.html", {
        "case": case, "decisions": _published(case), "today": clock.today(),
        "crumbs": _crumbs((case.number, _case_url(case)), (_("通报曝光"), None)),
    })


@login_required
def notice_docx(request: HttpRequest, pk: int) -> HttpResponse:
    from rectify.accountability.notice import notice_document

    case = cs.case_get_for(user=request.user, case_id=pk)
    decisions = _published(case)
    if not decisions:
        raise NotFound(_("本案没有标注通报曝光的决定。"))
    content = notice_document(case=case, decisions=decisions, today=clock.today())
    response = HttpResponse(content, content_type="application/vnd.openxmlformats-officedocument."
                                                   "wordprocessingml.document")
    response["Content-Disposition"] = f'attachment; filename="notice-{case.number}.docx"'
    return response

