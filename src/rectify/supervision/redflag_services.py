"""Writes behind the red-flag list: a supervisor dismisses a flag with a reason; the dates evidence files carry
in their own metadata are read once per content and kept (``EvidenceFileFacts``)."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from typing import IO
from xml.etree import ElementTree

from django.db import transaction
from django.db.models import Min
from django.utils.translation import gettext as _

from rectify.accounts.models import User
from rectify.audit.services import audit_record
from rectify.core import clock
from rectify.core.errors import Conflict, DomainError, NotFound
from rectify.inspections.models import InspectionRound
from rectify.rectification.models import Evidence
from rectify.supervision import redflag_selectors
from rectify.supervision.models import EvidenceFileFacts, RedFlagDismissal

REASON_MAX = 2000


@transaction.atomic
def red_flag_dismiss(*, actor: User, round_code: str, key: str, reason: str) -> RedFlagDismissal:
    """Dismiss a flag that is raised now, with the supervisor's reason (required)."""
    redflag_selectors.require_supervisor(actor)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("排除红旗预警须填写理由，说明为何不构成虚假整改或敷衍整改。"), code="reason_required",
                          details={"field": "reason"})
    if len(reason) > REASON_MAX:
        raise DomainError(_("理由不能超过 %(n)d 个字。") % {"n": REASON_MAX}, code="reason_too_long",
                          details={"field": "reason"})
    rnd, flag = redflag_selectors.red_flag_get(user=actor, round_code=round_code, key=key)
    if flag is None:
        raise NotFound(_("该红旗预警不存在或已不再触发，请刷新页面。"))
    if flag.dismissal is not None:
        raise Conflict(_("该红旗预警已被排除，无需重复操作。"), code="already_dismissed")
    dismissal = RedFlagDismissal.objects.create(round=rnd, kind=flag.kind, key=flag.key, reason=reason,
                                                dismissed_by=actor, dismissed_at=clock.now())
    audit_record(actor=actor, action="red_flag.dismissed", obj=dismissal,
                 after={"round": rnd.code, "kind": flag.kind, "key": flag.key, "task": flag.task, "tasks": flag.tasks,
                        "task_count": flag.task_count,
                        "unit": flag.unit, "flag_reason": flag.reason, "reason": reason})
    return dismissal


# --- the dates evidence files carry -------------------------------------------------------------

_PDF_DATE = re.compile(rb"/CreationDate\s*\(D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Z+\-])?(\d{2})?'?(\d{2})?")
_CORE_NS = {"dcterms": "http://purl.org/dc/terms/"}
READ_LIMIT = 4 * 1024 * 1024  # a PDF's info dictionary is near its start or its end


def _pdf_created(head: bytes) -> dt.datetime | None:
    m = _PDF_DATE.search(head)
    if not m:
        return None
    year, month, day, hour, minute, second, sign, tz_h, tz_m = m.groups()
    try:
        offset = dt.timedelta(hours=int(tz_h or 0), minutes=int(tz_m or 0))
        tz = dt.UTC if sign in (None, b"Z") and tz_h is None else dt.timezone(-offset if sign == b"-" else offset)
        if sign is None:
            tz = clock.SHANGHAI  # type: ignore[assignment]  # no zone written: local time of the office
        return dt.datetime(int(year), int(month or 1), int(day or 1), int(hour or 0), int(minute or 0),
                           int(second or 0), tzinfo=tz)
    except ValueError:
        return None


def _ooxml_created(file: IO[bytes]) -> dt.datetime | None:
    try:
        with zipfile.ZipFile(file) as z:
            info = z.getinfo("docProps/core.xml")
            if info.file_size > 1024 * 1024:
                return None
            root = ElementTree.fromstring(z.read(info))
    except (KeyError, zipfile.BadZipFile, ElementTree.ParseError, OSError):
        return None
    node = root.find("dcterms:created", _CORE_NS)
    if node is None or not (node.text or "").strip():
        return None
    try:
        value = dt.datetime.fromisoformat(node.text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def file_created(name: str, file: IO[bytes]) -> tuple[dt.datetime | None, str]:
    """When the file says it was made (docx/xlsx/pptx core properties ``created``; a PDF's ``/CreationDate``),
    and which of those it was; (None, "") when the format carries no such date."""
    suffix = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF") or suffix == "pdf":
        data = file.read(READ_LIMIT)
        created = _pdf_created(data)
        if created is None:
            file.seek(0, 2)
            size = file.tell()
            if size > READ_LIMIT:
                file.seek(max(0, size - READ_LIMIT))
                created = _pdf_created(file.read())
        return created, "pdf" if created else ""
    if head.startswith(b"PK"):
        created = _ooxml_created(file)
        return created, "ooxml" if created else ""
    return None, ""


@transaction.atomic
def evidence_facts_catch_up(*, round: InspectionRound, contents: list[str] | None = None, limit: int = 5000) -> int:
    """Read the metadata dates of the round's evidence files not read yet (each content once): of its
    ``contents`` (``redflag_selectors.evidence_contents_of_round``, read here when not given), the first
    ``limit`` without facts. Safe to run twice; a missing or unreadable file is recorded as carrying no date.
    Returns how many were read."""
    if contents is None:
        contents = redflag_selectors.evidence_contents_of_round(round)
    unread: list[str] = []
    for start in range(0, len(contents), redflag_selectors.SHA_CHUNK):
        chunk = contents[start:start + redflag_selectors.SHA_CHUNK]
        known = set(EvidenceFileFacts.objects.filter(sha256__in=chunk).values_list("sha256", flat=True))
        unread += [sha for sha in chunk if sha not in known]
        if len(unread) >= limit:
            break
    unread = unread[:limit]
    missing = []
    for start in range(0, len(unread), redflag_selectors.SHA_CHUNK):  # each content's file, by its first row
        first = (Evidence.objects.filter(sha256__in=unread[start:start + redflag_selectors.SHA_CHUNK])
                 .values("sha256").annotate(first=Min("id")).values_list("first", flat=True))
        missing += list(Evidence.objects.filter(pk__in=list(first)).values_list("sha256", "file", "original_name")
                        .order_by("sha256"))
    seen: set[str] = set()
    now = clock.now()
    rows = []
    for sha, path, name in missing:
        if sha in seen:
            continue
        seen.add(sha)
        created, source = None, ""
        try:
            with Evidence._meta.get_field("file").storage.open(path, "rb") as fh:  # type: ignore[attr-defined]
                created, source = file_created(name, fh)
        except OSError:
            source = "unreadable"
        rows.append(EvidenceFileFacts(sha256=sha, created=created, source=source, read_at=now))
    EvidenceFileFacts.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)

