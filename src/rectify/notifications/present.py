"""How an alert reads: one line for the inbox, the e-mail digest and the group robots."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.utils.translation import gettext as _

from rectify.notifications.models import Alert, AlertKind

KIND_ORDER = [AlertKind.ADMONITION, AlertKind.INTERVIEW, AlertKind.RED, AlertKind.RETURNED, AlertKind.YELLOW,
              AlertKind.NOTICE, AlertKind.REVIEW_OVERDUE, AlertKind.AWAITING_REVIEW]


def alert_text(alert: Alert) -> str:
    """What happened and what to do, in one sentence."""
    facts = {"unit": alert.unit_name, "subject": alert.subject, "due": alert.due_date.isoformat() if alert.due_date else "",
             "final": alert.final_date.isoformat() if alert.final_date else "", "days": alert.waited or 0,
             "reason": alert.detail}
    kind = alert.kind
    if kind == AlertKind.NOTICE:
        return _("%(unit)s：任务“%(subject)s”将于 %(due)s 到期，请按期完成整改。") % facts
    if kind == AlertKind.YELLOW:
        return _("%(unit)s：任务“%(subject)s”将于 %(due)s 到期（黄灯），请责任领导督促落实。") % facts
    if kind == AlertKind.RED:
        return _("%(unit)s：任务“%(subject)s”已于 %(due)s 逾期（红灯），请单位主要负责人和整改牵头人督促整改。") % facts
    if kind == AlertKind.ADMONITION:
        return _("告诫函：%(unit)s 任务“%(subject)s”已逾期 %(days)s 天仍未整改到位，须于 %(final)s 前完成整改并申请销号。") % facts
    if kind == AlertKind.INTERVIEW:
        if alert.detail and alert.detail != "1":
            return (_("约谈建议：%(unit)s 今日有 %(n)s 项任务逾期仍未整改到位并已发告诫函（最长逾期 %(days)s 天，"
                      "最后期限 %(final)s），建议约谈单位主要负责人。") % {**facts, "n": alert.detail})
        return _("约谈建议：%(unit)s 任务“%(subject)s”已逾期 %(days)s 天，已发告诫函（最后期限 %(final)s），建议约谈单位主要负责人。") % facts
    if kind == AlertKind.AWAITING_REVIEW:
        return _("%(unit)s：任务“%(subject)s”已申请销号，等待审核。") % facts
    if kind == AlertKind.REVIEW_OVERDUE:
        return _("%(unit)s：任务“%(subject)s”的销号申请已等待 %(days)s 个工作日，请尽快审核。") % facts
    if kind == AlertKind.RETURNED:
        return _("%(unit)s：任务“%(subject)s”的销号申请被退回，退回理由：%(reason)s") % facts
    return alert.subject


def grouped(alerts: Iterable[Alert]) -> list[tuple[str, list[Alert]]]:
    """Alerts by kind, the most serious kind first."""
    by_kind: dict[str, list[Alert]] = defaultdict(list)
    for alert in alerts:
        by_kind[alert.kind].append(alert)
    return [(str(AlertKind(k).label), by_kind[k]) for k in KIND_ORDER if by_kind.get(k)]


def digest_text(alerts: list[Alert], *, limit: int = 200, link: str = "") -> str:
    """The body of an e-mail or a robot message: counts by kind, then the lines (at most ``limit``)."""
    lines = [_("共 %(n)s 条：") % {"n": len(alerts)}
             + "；".join(f"{label} {len(items)}" for label, items in grouped(alerts))]
    shown = 0
    for label, items in grouped(alerts):
        lines.append("")
        lines.append(f"【{label}】")
        for alert in items:
            if shown >= limit:
                break
            lines.append(f"- {alert_text(alert)}")
            shown += 1
    if len(alerts) > shown:
        lines.append("")
        lines.append(_("另有 %(n)s 条未列出，请登录系统查看。") % {"n": len(alerts) - shown})
    if link:
        lines.append("")
        lines.append(_("查看全部通知：%(link)s") % {"link": link})
    return "\n".join(lines)
