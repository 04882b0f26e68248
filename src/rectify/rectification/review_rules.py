"""What a reviewer must have done on the page before approving a close-out (issue 10 §5, rule 6).

* The evidence was opened: every file the application was submitted with was downloaded by the reviewer in this
  session (``note_opened``), or the reviewer confirms explicitly that it was checked. An application without
  evidence always needs the confirmation (its reason without evidence was weighed).
* The "paper rectification" (形式整改) prompt: when the evidence is only a meeting notice or a freshly issued rule
  (judged by each file's name and description), the reviewer must answer whether execution was proven; "no"
  means return, never approve.

These are page rules: ``POST /api/v1/close-outs/{id}/approve`` keeps accepting an empty body (an integration
records reviews made elsewhere).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.http import HttpRequest

from rectify.rectification.models import Evidence

SESSION_KEY = "rectify_opened_evidence"
MEETING_NOTICE = re.compile(r"会议.{0,12}通知|通知.{0,12}会议|会议安排|开会通知|会议议程")
RULE_DOCUMENT = re.compile(r"制度|办法|规定|细则|规则|规程|实施意见|工作方案|印发|试行|章程|守则")
EXECUTION = re.compile(r"执行|落实情况|台账|回单|凭证|票据|收据|照片|清退|整改情况|验收|检查记录|报表|记录表")


def is_paper_only(evidence: Iterable[Evidence]) -> bool:
    """Every file is a meeting notice or a rule document, and none names how it was carried out."""
    items = list(evidence)
    if not items:
        return False
    for e in items:
        text = f"{e.original_name} {e.description}"
        if EXECUTION.search(text) or not (MEETING_NOTICE.search(text) or RULE_DOCUMENT.search(text)):
            return False
    return True


def note_opened(request: HttpRequest, evidence_id: int) -> None:
    opened = set(request.session.get(SESSION_KEY, []))
    if evidence_id not in opened:
        opened.add(evidence_id)
        request.session[SESSION_KEY] = sorted(opened)[-2000:]


def all_opened(request: HttpRequest, evidence: Iterable[Evidence]) -> bool:
    opened = set(request.session.get(SESSION_KEY, []))
    ids = [e.pk for e in evidence]
    return bool(ids) and all(pk in opened for pk in ids)
