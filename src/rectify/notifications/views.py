"""通知 (the inbox), 通知设置 (channels, roster link, who receives what), group robots and a round's ladder."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rectify.core.errors import DomainError
from rectify.core.forms import form_error
from rectify.inspections import selectors as inspection_selectors
from rectify.notifications import forms, present, selectors, services
from rectify.notifications.models import LadderSettings


@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    unread_only = request.GET.get("unread") == "1"
    paginator = Paginator(selectors.inbox_for(user=request.user, unread_only=unread_only), settings.RECTIFY_PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    rows = [(n, present.alert_text(n.alert)) for n in page.object_list]
    return render(request, "notifications/inbox.html", {
        "page_obj": page, "rows": rows, "unread_only": unread_only,
        "querystring": "unread=1" if unread_only else "",
    })


@require_POST
@login_required
def mark_read(request: HttpRequest) -> HttpResponse:
    ids = [int(x) for x in request.POST.getlist("id") if x.isdigit()]
    n = services.notification_mark_read(actor=request.user, notification_ids=ids if ids else None)
    messages.success(request, _("已标记 %(n)s 条通知为已读。") % {"n": n})
    target = request.POST.get("next") or ""
    return redirect(target if target.startswith("/") and not target.startswith("//") else "notifications:inbox")


@login_required
def preferences(request: HttpRequest) -> HttpResponse:
    user = request.user
    pref = selectors.preference_for(user=user)
    status = 200
    if request.method == "POST":
        form = forms.PreferenceForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.preference_update(actor=user, email=form.cleaned_data["email"],
                                           person_id=form.cleaned_data["person"])
            except DomainError as error:
                status = form_error(form, error)
            else:
                messages.success(request, _("通知设置已保存。"))
                return redirect("notifications:settings")
    else:
        form = forms.PreferenceForm(initial={"email": pref.email, "person": pref.person_id})
    rnd = None
    code = request.GET.get("round")
    if code:
        rnd = inspection_selectors.round_get_for(user=user, code=code)
    person = pref.person if pref.person_id else None
    return render(request, "notifications/settings.html", {
        "form": form, "pref": pref, "rules": selectors.who_receives_what(round=rnd), "round": rnd,
        "rounds": list(inspection_selectors.round_list_for(user=user)[:20]),
        "digests": selectors.recent_digests_for(user=user),
        "email_enabled": settings.RECTIFY_EMAIL_ENABLED,
        "may_configure": user.can_manage_rounds or user.can_manage_users,
        "person_label": f"{person.name}（{person.unit.name}）" if person and person.unit_id else (person.name if person else ""),
    }, status=status)


def _require_configurer(request: HttpRequest) -> None:
    if not (request.user.can_manage_rounds or request.user.can_manage_users):
        raise DjangoPermissionDenied(_("群机器人由巡视办、纪委监委或系统管理员配置。"))


@login_required
def webhooks(request: HttpRequest) -> HttpResponse:
    _require_configurer(request)
    status = 200
    form = forms.WebhookForm()
    if request.method == "POST":
        form = forms.WebhookForm(request.POST)
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.webhook_add(actor=request.user, url=data["url"], kind=data["kind"],
                                     round_code=data["round"] or None, unit_code=data["unit"] or None,
                                     secret=data["secret"])
            except DomainError as error:
                status = form_error(form, error)
            else:
                messages.success(request, _("群机器人已添加，下次发送通知时生效。"))
                return redirect("notifications:webhooks")
    return render(request, "notifications/webhooks.html", {
        "form": form, "hooks": selectors.webhooks_for(user=request.user),
    }, status=status)


@require_POST
@login_required
def webhook_toggle(request: HttpRequest, webhook_id: int) -> HttpResponse:
    _require_configurer(request)
    hook = services.webhook_set_active(actor=request.user, webhook_id=webhook_id,
                                       active=request.POST.get("active") == "1")
    messages.success(request, _("群机器人已启用。") if hook.is_active else _("群机器人已停用。"))
    return redirect("notifications:webhooks")


@login_required
def ladder_settings(request: HttpRequest, code: str) -> HttpResponse:
    rnd = inspection_selectors.round_get_for(user=request.user, code=code)
    row = LadderSettings.objects.filter(round=rnd).first() or LadderSettings(round=rnd)
    initial = {"admonition_days": row.admonition_days, "final_working_days": row.final_working_days}
    status = 200
    form = forms.LadderForm(initial=initial)
    if request.method == "POST":
        if not request.user.can_manage_rounds:
            raise DjangoPermissionDenied(_("预警升级设置由巡视办或纪委监委修改。"))
        form = forms.LadderForm(request.POST, initial=initial)
        status = 400
        if form.is_valid():
            try:
                services.ladder_settings_update(actor=request.user, round_code=rnd.code, **form.cleaned_data)
            except DomainError as error:
                status = form_error(form, error)
            else:
                messages.success(request, _("预警升级设置已保存。"))
                return redirect("notifications:ladder", code=rnd.code)
    return render(request, "notifications/ladder.html", {
        "round": rnd, "form": form, "rules": selectors.who_receives_what(round=rnd),
        "may_edit": request.user.can_manage_rounds,
    }, status=status)
