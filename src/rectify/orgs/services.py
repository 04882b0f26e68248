"""Writes to the org tree, people, posts and tenures."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Substr
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rectify.accounts.services import cli_operator
from rectify.audit.services import audit_record
from rectify.core import clock
from rectify.core.dates import EARLIEST, LATEST, check_plausible_date
from rectify.core.errors import Conflict, DomainError, PermissionDenied
from rectify.orgs import hooks, selectors
from rectify.orgs.models import (
    SEAT_FIELDS,
    UNIT_CODE_VALIDATOR,
    OrgKind,
    OrgUnit,
    Person,
    Post,
    Tenure,
    seat_of,
)

if TYPE_CHECKING:
    from rectify.accounts.models import User


def _path_for(unit: OrgUnit) -> str:
    prefix = unit.parent.path if unit.parent_id else "/"
    return f"{prefix}{unit.pk:06d}/"


def org_unit_check_new(*, code: str, name: str) -> None:
    """Why a unit with this code and name cannot be created, as a DomainError a user can act on."""
    code_field = OrgUnit._meta.get_field("code")
    name_max = OrgUnit._meta.get_field("name").max_length
    if not code or len(code) > code_field.max_length:
        raise DomainError(_("单位编码须为1至%(max)s个字符。") % {"max": code_field.max_length},
                          code="bad_code", details={"field": "code"})
    try:
        UNIT_CODE_VALIDATOR(code)
    except ValidationError as exc:
        raise DomainError(str(exc.messages[0]), code="bad_code", details={"field": "code"}) from None
    if not name.strip() or len(name.strip()) > name_max:
        raise DomainError(_("单位名称须为1至%(max)s个字。") % {"max": name_max}, code="bad_name",
                          details={"field": "name"})
    taken = OrgUnit.objects.filter(code__iexact=code).values_list("code", flat=True).first()
    if taken is not None:  # codes are typed into URLs and commands: YN-JYT and yn-jyt would be confused
        raise DomainError(_("单位编码“%(code)s”已存在，请换一个编码。") % {"code": taken}, code="duplicate_code",
                          details={"field": "code"})


@transaction.atomic
def org_unit_create(
    *, actor: object | None, code: str, name: str, kind: str = OrgKind.OTHER, parent: OrgUnit | None = None,
    short_name: str = "",
) -> OrgUnit:
    code = code.strip()
    org_unit_check_new(code=code, name=name)
    unit = OrgUnit(code=code, name=name.strip(), short_name=short_name.strip(), kind=kind, parent=parent, path="")
    unit.full_clean(exclude=["path"])
    unit.save()
    unit.path = _path_for(unit)
    unit.save(update_fields=["path"])
    audit_record(actor=actor, action="org_unit.created", obj=unit, after={"code": code, "name": unit.name,
                                                                         "parent": parent.pk if parent else None})
    return unit


def org_units_bulk_create(units: list[OrgUnit]) -> list[OrgUnit]:
    """Create many units, parents before their children in the list, and fill their paths.

    For seeding only; the caller records one audit event for the whole batch.
    """
    for unit in units:
        unit.path = ""
    created = OrgUnit.objects.bulk_create(units)
    for unit in created:  # a parent earlier in the list already has its path here
        unit.path = f"{unit.parent.path if unit.parent is not None else '/'}{unit.pk:06d}/"
    OrgUnit.objects.bulk_update(created, ["path"])
    return created


def _open_duties_of(tenure: Tenure) -> list[int]:
    """The open tasks this tenure still leads (rule 10), through the hook rectification registers."""
    return hooks.open_duties([tenure.pk]).get(tenure.pk, [])


def _handover_required(message: str, task_ids: list[int]) -> Conflict:
    return Conflict(message, code="handover_required", details={"tasks": task_ids})


def _refuse_ending_with_open_duties(tenure: Tenure) -> None:
    """A leader who leaves hands their open tasks over first (DOMAIN rule 10)."""
    task_ids = _open_duties_of(tenure)
    if task_ids:
        raise _handover_required(
            _("%(name)s仍是 %(count)s 项未销号整改任务的责任领导，须先将这些任务移交给接任的班子成员（在班子名单页点击"
              "“移交”），才能结束其任职。") % {"name": tenure.person.name, "count": len(task_ids)}, task_ids)


@transaction.atomic
def person_appoint(*, actor: object | None, person: Person, post: Post, start: dt.date,
                   hand_over: bool = False) -> Tenure:
    """Appoint a person to a post; whoever held it until now leaves it the same day.

    If the current holder still leads open tasks, the appointment is refused (``handover_required``)
    unless ``hand_over``: then those tasks move to the new holder in the same transaction.
    """
    check_plausible_date(start, field="start", label=_("任职日期"))
    current = (Tenure.objects.filter(post=post, end__isnull=True).select_for_update(of=("self",))
               .select_related("person").first())
    duties: list[int] = []
    if current is not None:
        if current.start >= start:
            raise DomainError(_("新任职日期必须晚于现任者的任职日期。"), code="tenure_overlap", details={"field": "start"})
        duties = _open_duties_of(current)
        if duties and not hand_over:
            raise _handover_required(
                _("现任者%(name)s仍是 %(count)s 项未销号整改任务的责任领导。任命接任者时请选择将这些任务移交给新任者，"
                  "或先在班子名单页办理移交。") % {"name": current.person.name, "count": len(duties)}, duties)
        Tenure.objects.filter(pk=current.pk).update(end=start, version=models.F("version") + 1,
                                                    updated_at=clock.now())
    tenure = Tenure.objects.create(person=person, post=post, start=start, **seat_of(post))
    moved: list[int] = []
    if current is not None and duties:
        current.end = start
        moved = hooks.transfer_duties(actor=actor, from_tenure=current, to_tenure=tenure, task_ids=duties)
    audit_record(actor=actor, action="tenure.started", obj=tenure,
                 before={"ended": current.pk, "ended_end": None} if current else None,
                 after={"person": person.pk, "post": post.pk, "start": start,
                        "ended": current.pk if current else None, "ended_end": start if current else None,
                        **({"handed_over": moved} if moved else {})})
    return tenure


# ---------------------------------------------------------------------------------------------
# Maintaining the org tree and rosters by hand (pages and API): units, people, posts, tenures.
# Every function: one transaction, a permission check, a version check, one audit event.
# ---------------------------------------------------------------------------------------------

def _require(condition: bool, message: str) -> None:
    if not condition:
        raise PermissionDenied(message)


def _require_tree_maintainer(actor: User) -> None:
    _require(actor.can_maintain_all_rosters, _("单位的新建、更名、调整隶属和停用由系统管理员或巡视办办理。"))


def _require_roster_maintainer(actor: User, unit: OrgUnit) -> None:
    _require(actor.can_maintain_roster_of(unit.path),
             _("您只能查看“%(unit)s”的班子名单，不能修改。") % {"unit": unit.name})


def _stale(what: str) -> Conflict:
    return Conflict(_("%(what)s已被他人修改，您看到的是旧版本。请刷新页面，核对后重新填写。") % {"what": what},
                    code="stale_version")


def _require_version(obj: models.Model, expected_version: int | None, what: str) -> None:
    """Refuse a stale form before anything else is checked: its dates may be judged against old data."""
    if expected_version is not None and not type(obj).objects.filter(pk=obj.pk, version=expected_version).exists():
        raise _stale(what)


def _versioned_update(*, obj: models.Model, expected_version: int | None, values: dict[str, Any],
                      what: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Change only the fields whose values differ, validated, with a conditional UPDATE on the version.

    Returns (before, after) of the changed fields; both are empty when nothing changed.
    A stale ``expected_version`` is a Conflict even when the values happen to match.
    """
    if expected_version is not None and expected_version != obj.version:  # type: ignore[attr-defined]
        obj.refresh_from_db()  # the caller's copy may be older than the form the user saw
        if expected_version != obj.version:  # type: ignore[attr-defined]
            raise _stale(what)
    current = obj.version  # type: ignore[attr-defined]
    before = {k: getattr(obj, k) for k, v in values.items() if getattr(obj, k) != v}
    after = {k: values[k] for k in before}
    if not before:
        return {}, {}
    for name, value in after.items():
        setattr(obj, name, value)
    try:
        obj.full_clean(exclude=["path"] if isinstance(obj, OrgUnit) else None, validate_unique=False)
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(str(messages[0]), code="invalid", details={"field": field}) from None
    updated = type(obj).objects.filter(pk=obj.pk, version=current).update(
        **after, version=models.F("version") + 1, updated_at=clock.now())
    if updated != 1:
        raise _stale(what)
    obj.version = current + 1  # type: ignore[attr-defined]
    return before, after


@transaction.atomic
def org_unit_add(*, actor: User, code: str, name: str, kind: str, parent: OrgUnit | None,
                 short_name: str = "") -> OrgUnit:
    """Create a unit by hand (the tree page): only admins and the office, never under an inactive unit."""
    _require_tree_maintainer(actor)
    if kind not in OrgKind.values:
        raise DomainError(_("请选择单位类型。"), code="bad_kind", details={"field": "kind"})
    if parent is not None and not parent.is_active:
        raise DomainError(_("上级单位“%(unit)s”已停用，不能在其下新建单位。") % {"unit": parent.name},
                          code="parent_inactive", details={"field": "parent"})
    return org_unit_create(actor=actor, code=code, name=name, kind=kind, parent=parent, short_name=short_name)


@transaction.atomic
def org_unit_update(*, actor: User, unit: OrgUnit, expected_version: int | None, name: str, short_name: str,
                    kind: str) -> OrgUnit:
    """Rename a unit (and fix its short name or kind). The code stays: files and links refer to it."""
    _require_tree_maintainer(actor)
    _require_version(unit, expected_version, _("该单位"))
    if not name.strip():
        raise DomainError(_("请填写单位名称。"), code="bad_name", details={"field": "name"})
    if kind not in OrgKind.values:
        raise DomainError(_("请选择单位类型。"), code="bad_kind", details={"field": "kind"})
    before, after = _versioned_update(obj=unit, expected_version=expected_version, what=_("该单位"),
                                      values={"name": name.strip(), "short_name": short_name.strip(), "kind": kind})
    if after:
        audit_record(actor=actor, action="org_unit.updated", obj=unit, before=before, after=after)
    return unit


@transaction.atomic
def org_unit_move(*, actor: User, unit: OrgUnit, new_parent: OrgUnit | None, expected_version: int | None) -> int:
    """Place a unit (with everything below it) under another parent, or at the top of the tree.

    1. Refuse a parent that is the unit itself or one of its descendants, or is inactive.
    2. Check the version and set the new parent with a conditional UPDATE.
    3. Rewrite the materialised path of the whole subtree in one set-based UPDATE:
       every path starting with the old prefix gets the new prefix instead.
    Returns how many units' paths changed (the unit and its descendants).
    """
    _require_tree_maintainer(actor)
    old_path = unit.path
    if new_parent is not None:
        new_parent = OrgUnit.objects.select_for_update().get(pk=new_parent.pk)
        if new_parent.path.startswith(old_path):
            raise DomainError(_("不能把“%(unit)s”调整到它自己或它的下级单位之下。") % {"unit": unit.name},
                              code="move_into_own_subtree", details={"field": "parent"})
        if not new_parent.is_active:
            raise DomainError(_("上级单位“%(unit)s”已停用，请选择启用中的单位。") % {"unit": new_parent.name},
                              code="parent_inactive", details={"field": "parent"})
    if (new_parent.pk if new_parent else None) == unit.parent_id:
        raise DomainError(_("“%(unit)s”已经在该上级单位之下。") % {"unit": unit.name}, code="move_same_parent",
                          details={"field": "parent"})
    old_parent_id = unit.parent_id
    new_path = f"{new_parent.path if new_parent else '/'}{unit.pk:06d}/"
    updated = OrgUnit.objects.filter(pk=unit.pk, version=expected_version if expected_version is not None
                                     else unit.version).update(parent=new_parent, version=models.F("version") + 1,
                                                               updated_at=clock.now())
    if updated != 1:
        raise _stale(_("该单位"))
    moved = OrgUnit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr("path", len(old_path) + 1), output_field=models.CharField()))
    unit.refresh_from_db()
    audit_record(actor=actor, action="org_unit.moved", obj=unit,
                 before={"parent": old_parent_id, "path": old_path},
                 after={"parent": unit.parent_id, "path": unit.path, "subtree_units": moved})
    return moved


@transaction.atomic
def org_unit_set_active(*, actor: User, unit: OrgUnit, active: bool, expected_version: int | None) -> int:
    """Deactivate a unit with everything below it (it stays in history and disappears from pickers), or
    reactivate one unit (only under an active parent; its descendants are reactivated one by one).

    Returns how many units changed.
    """
    _require_tree_maintainer(actor)
    if active == unit.is_active:
        raise Conflict(_("“%(unit)s”已经是%(state)s状态。") % {
            "unit": unit.name, "state": _("启用") if active else _("停用")}, code="no_change")
    if active and unit.parent_id and not OrgUnit.objects.filter(pk=unit.parent_id, is_active=True).exists():
        raise DomainError(_("上级单位已停用：请先启用上级单位，再启用“%(unit)s”。") % {"unit": unit.name},
                          code="parent_inactive")
    version = expected_version if expected_version is not None else unit.version
    bump = {"is_active": active, "version": models.F("version") + 1, "updated_at": clock.now()}
    if OrgUnit.objects.filter(pk=unit.pk, version=version, is_active=not active).update(**bump) != 1:
        raise _stale(_("该单位"))
    changed = 1
    if not active:  # the units below go with it, in one statement
        changed += OrgUnit.objects.filter(path__startswith=unit.path, is_active=True).exclude(pk=unit.pk).update(**bump)
    unit.refresh_from_db()
    audit_record(actor=actor, action="org_unit.activated" if active else "org_unit.deactivated", obj=unit,
                 before={"is_active": not active}, after={"is_active": active, "units": changed})
    return changed


@transaction.atomic
def person_add(*, actor: User, unit: OrgUnit, name: str, title: str = "") -> Person:
    _require_roster_maintainer(actor, unit)
    if not name.strip():
        raise DomainError(_("请填写姓名。"), code="bad_name", details={"field": "name"})
    person = Person(unit=unit, name=name.strip(), title=title.strip())
    try:
        person.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(str(messages[0]), details={"field": field}) from None
    person.save()
    audit_record(actor=actor, action="person.created", obj=person,
                 after={"unit": unit.code, "name": person.name, "title": person.title})
    return person


@transaction.atomic
def person_update(*, actor: User, person: Person, expected_version: int | None, name: str, title: str) -> Person:
    unit = person.unit
    _require(unit is not None and actor.can_maintain_roster_of(unit.path), _("您不能修改该人员的信息。"))
    _require_version(person, expected_version, _("该人员信息"))
    if not name.strip():
        raise DomainError(_("请填写姓名。"), code="bad_name", details={"field": "name"})
    before, after = _versioned_update(obj=person, expected_version=expected_version, what=_("该人员信息"),
                                      values={"name": name.strip(), "title": title.strip()})
    if after:
        audit_record(actor=actor, action="person.updated", obj=person, before=before, after=after)
    return person


def _check_post_fields(*, title: str) -> None:
    if not title.strip():
        raise DomainError(_("请填写职务名称，如“党组书记、厅长”。"), code="bad_title", details={"field": "title"})


def _normalise_areas(areas: str) -> str:
    return "、".join(a.strip() for a in areas.replace("，", "、").replace(",", "、").replace(";", "、")
                    .replace("；", "、").split("、") if a.strip())


@transaction.atomic
def post_add(*, actor: User, unit: OrgUnit, title: str, is_principal: bool = False,
             is_leadership_member: bool = True, areas: str = "", sort_order: int = 0) -> Post:
    _require_roster_maintainer(actor, unit)
    _check_post_fields(title=title)
    post = Post(unit=unit, title=title.strip(), is_principal=is_principal, is_leadership_member=is_leadership_member,
                areas=_normalise_areas(areas), sort_order=sort_order)
    try:
        post.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise DomainError(str(messages[0]), details={"field": field}) from None
    post.save()
    audit_record(actor=actor, action="post.created", obj=post,
                 after={"unit": unit.code, "title": post.title, "is_principal": is_principal,
                        "is_leadership_member": is_leadership_member, "areas": post.areas})
    return post


@transaction.atomic
def post_update(*, actor: User, post: Post, expected_version: int | None, title: str, is_principal: bool,
                is_leadership_member: bool, areas: str, sort_order: int) -> Post:
    """Edit a post. Making it principal is refused when its tenures would overlap another principal's."""
    _require_roster_maintainer(actor, post.unit)
    _require_version(post, expected_version, _("该职务"))
    _check_post_fields(title=title)
    if is_principal and not post.is_principal:
        for tenure in Tenure.objects.filter(post=post):
            _check_principal_overlap(unit=post.unit, start=tenure.start, end=tenure.end, exclude_post=post)
    seat_before = seat_of(post)
    before, after = _versioned_update(
        obj=post, expected_version=expected_version, what=_("该职务"),
        values={"title": title.strip(), "is_principal": is_principal, "is_leadership_member": is_leadership_member,
                "areas": _normalise_areas(areas), "sort_order": sort_order})
    if after:
        in_step = _keep_seats_in_step({post.pk: (seat_before, seat_of(post))})
        audit_record(actor=actor, action="post.updated", obj=post, before=before,
                     after={**after, **({"current_tenures": in_step} if in_step else {})})
    return post


def _keep_seats_in_step(changes: dict[int, tuple[dict[str, Any], dict[str, Any]]]) -> list[int]:
    """Posts were edited (post id -> (seat before, seat after)): their current tenures take the new seat,
    their ended ones keep theirs — one with no snapshot recorded first gets the seat as it was before the
    edit, so the edit never rewrites who held what in the past. Returns the current tenures changed."""
    changed: list[int] = []
    for post_id, (old, new) in changes.items():
        fields = [name for name in SEAT_FIELDS if old[name] != new[name]]
        if not fields:
            continue
        for name in fields:
            Tenure.objects.filter(post_id=post_id, end__isnull=False, **{f"{name}__isnull": True}).update(
                **{name: old[name]})
        current = list(Tenure.objects.filter(post_id=post_id, end__isnull=True).values_list("pk", flat=True))
        if current:  # the seat follows its post; no user edit of the tenure, so its version stays
            Tenure.objects.filter(pk__in=current).update(**{name: new[name] for name in fields},
                                                         updated_at=clock.now())
            changed += current
    return changed


def _overlapping(qs: models.QuerySet[Tenure], *, start: dt.date, end: dt.date | None) -> models.QuerySet[Tenure]:
    """Tenures in ``qs`` whose [start, end) overlaps [start, end) (end None = open)."""
    qs = qs.filter(Q(end__isnull=True) | Q(end__gt=start))
    if end is not None:
        qs = qs.filter(start__lt=end)
    return qs


def _term(tenure: Tenure) -> str:
    return f"{tenure.start:%Y-%m-%d}—{tenure.end:%Y-%m-%d}" if tenure.end else f"{tenure.start:%Y-%m-%d}—{_('至今')}"


def _check_principal_overlap(*, unit: OrgUnit, start: dt.date, end: dt.date | None,
                             exclude_tenure: Tenure | None = None, exclude_post: Post | None = None) -> None:
    """A unit has one principal at a time: no two principal tenures of the unit overlap."""
    qs = Tenure.objects.filter(post__unit=unit, post__is_principal=True).select_related("person", "post")
    if exclude_tenure is not None:
        qs = qs.exclude(pk=exclude_tenure.pk)
    if exclude_post is not None:
        qs = qs.exclude(post=exclude_post)
    clash = _overlapping(qs, start=start, end=end).order_by("start").first()
    if clash is not None:
        raise DomainError(
            _("与主要负责人%(name)s（%(post)s，%(term)s）的任职时间重叠：一个单位同一时间只有一名主要负责人。"
              "请先结束其任职或调整日期。") % {"name": clash.person.name, "post": clash.post.title, "term": _term(clash)},
            code="principal_overlap", details={"field": "start"})


def _check_tenure_dates(*, post: Post, start: dt.date, end: dt.date | None,
                        exclude_tenure: Tenure | None = None) -> None:
    """End after start; a post (one seat) has one holder at a time; one principal per unit at a time."""
    check_plausible_date(start, field="start", label=_("任职日期"))
    check_plausible_date(end, field="end", label=_("离任日期"))
    if end is not None and end <= start:
        raise DomainError(_("离任日期必须晚于任职日期。"), code="end_before_start", details={"field": "end"})
    same_post = Tenure.objects.filter(post=post).select_related("person")
    if exclude_tenure is not None:
        same_post = same_post.exclude(pk=exclude_tenure.pk)
    clash = _overlapping(same_post, start=start, end=end).order_by("start").first()
    if clash is not None:
        raise DomainError(
            _("与%(name)s在该职务上的任职时间（%(term)s）重叠。请调整日期；同时在任的副职请分别设立职务。")
            % {"name": clash.person.name, "term": _term(clash)}, code="tenure_overlap", details={"field": "start"})
    if post.is_principal:
        _check_principal_overlap(unit=post.unit, start=start, end=end, exclude_tenure=exclude_tenure,
                                 exclude_post=post)


@transaction.atomic
def tenure_appoint(*, actor: User, person: Person, post: Post, start: dt.date, end: dt.date | None = None,
                   hand_over: bool = False) -> Tenure:
    """Appoint a person to a post from the roster page.

    Without ``end``: the post's current holder (if any) leaves on ``start`` — see ``person_appoint``; the
    open tasks they lead block this unless ``hand_over`` moves them to the new holder.
    With ``end``: a former tenure is recorded (补录历任) and the current holder stays.
    Either way the dates must not overlap another holder of the post or another principal of the unit.
    """
    _require_roster_maintainer(actor, post.unit)
    if person.unit_id != post.unit_id:
        raise DomainError(_("请选择本单位的人员；其他单位的人员请先在本单位添加。"), code="person_other_unit",
                          details={"field": "person"})
    if end is None:
        current = Tenure.objects.filter(post=post, end__isnull=True).select_related("person").first()
        if current is not None and current.start >= start:
            raise DomainError(_("任职日期必须晚于现任者%(name)s的任职日期（%(date)s）。")
                              % {"name": current.person.name, "date": f"{current.start:%Y-%m-%d}"},
                              code="tenure_overlap", details={"field": "start"})
        # The current holder's open tenure ends on ``start``, so it is left out of the overlap checks.
        _check_tenure_dates(post=post, start=start, end=None, exclude_tenure=current)
        return person_appoint(actor=actor, person=person, post=post, start=start, hand_over=hand_over)
    _check_tenure_dates(post=post, start=start, end=end)
    tenure = Tenure.objects.create(person=person, post=post, start=start, end=end, **seat_of(post))
    audit_record(actor=actor, action="tenure.recorded", obj=tenure,
                 after={"person": person.pk, "post": post.pk, "start": start, "end": end})
    return tenure


@transaction.atomic
def tenure_update(*, actor: User, tenure: Tenure, expected_version: int | None, start: dt.date,
                  end: dt.date | None) -> Tenure:
    """Correct a tenure's dates (start, and end or 至今)."""
    post = tenure.post
    _require_roster_maintainer(actor, post.unit)
    _require_version(tenure, expected_version, _("该任职记录"))
    _check_tenure_dates(post=post, start=start, end=end, exclude_tenure=tenure)
    if tenure.end is None and end is not None:  # this correction ends a current tenure
        _refuse_ending_with_open_duties(tenure)
    before, after = _versioned_update(obj=tenure, expected_version=expected_version, what=_("该任职记录"),
                                      values={"start": start, "end": end})
    if after:
        audit_record(actor=actor, action="tenure.updated", obj=tenure, before=before, after=after)
    return tenure


@transaction.atomic
def tenure_end(*, actor: User, tenure: Tenure, expected_version: int | None, end: dt.date) -> Tenure:
    """The holder leaves the post on ``end`` (exclusive: the last day in office is the day before).

    Refused (``handover_required``, with the task ids) while the holder leads open tasks."""
    _require_roster_maintainer(actor, tenure.post.unit)
    _require_version(tenure, expected_version, _("该任职记录"))
    if tenure.end is not None:
        raise Conflict(_("该任职已于%(date)s结束。") % {"date": f"{tenure.end:%Y-%m-%d}"}, code="already_ended")
    check_plausible_date(end, field="end", label=_("离任日期"))
    if end <= tenure.start:
        raise DomainError(_("离任日期必须晚于任职日期（%(date)s）。") % {"date": f"{tenure.start:%Y-%m-%d}"},
                          code="end_before_start", details={"field": "end"})
    _refuse_ending_with_open_duties(tenure)
    before, after = _versioned_update(obj=tenure, expected_version=expected_version, what=_("该任职记录"),
                                      values={"end": end})
    audit_record(actor=actor, action="tenure.ended", obj=tenure, before=before, after=after)
    return tenure


# =========================================================================== leadership roster import
# A unit's leadership roster (领导班子成员名单 / 任职情况表) applied as one batch: the file is read by
# rectify.ledger.roster, which hands the rows here; this is the only writer of what a roster changes.


@dataclass(frozen=True)
class RosterEntry:
    """One row of a roster: one person in one seat for one term [start, end).

    ``end`` None: still holds it (至今 or left empty). ``areas`` "" and an unstated principal flag mean
    "the file says nothing" and keep what is stored. ``columns``: field -> column letter, for messages
    (fields: name, title, start, end, areas, principal)."""

    sheet: str
    row: int
    name: str
    title: str
    start: dt.date
    end: dt.date | None = None
    areas: str = ""
    is_principal: bool = False
    principal_stated: bool = False  # a 是否主要负责人 column said so; else recognised from the title
    is_leadership_member: bool = True
    columns: dict[str, str] = field(default_factory=dict)


@dataclass
class RosterError:
    """Something to fix in the file, where it is (row 1-based, column as a letter), in Chinese."""

    sheet: str | None
    row: int | None
    column: str | None
    message: str

    def as_dict(self) -> dict[str, object]:
        return {"sheet": self.sheet, "row": self.row, "column": self.column, "message": self.message}


@dataclass
class RosterChange:
    kind: str  # person | tenure
    key: str
    state: str  # new | changed
    sheet: str | None = None
    row: int | None = None
    fields: list[dict[str, str]] = field(default_factory=list)  # {"field", "label", "before", "after"}


def _counts() -> dict[str, int]:
    return dict.fromkeys(("new", "changed", "unchanged"), 0)


@dataclass
class RosterResult:
    people: dict[str, int] = field(default_factory=_counts)
    tenures: dict[str, int] = field(default_factory=_counts)
    errors: list[RosterError] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    changes: list[RosterChange] = field(default_factory=list)
    committed: bool = False
    #: What a commit would write, as a digest (independent of the page language): a confirmation made after
    #: someone else changed the roster since the preview no longer matches (optimistic locking for the batch).
    fingerprint: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "people": self.people, "tenures": self.tenures, "errors": [e.as_dict() for e in self.errors],
            "notices": self.notices, "committed": self.committed,
            "changes": [{"kind": c.kind, "key": c.key, "state": c.state, "sheet": c.sheet, "row": c.row,
                         "fields": c.fields} for c in self.changes],
        }


ROSTER_LABELS = {"name": gettext_noop("姓名"), "title": gettext_noop("职务"), "start": gettext_noop("任职时间"), "end": gettext_noop("离任时间"),
                 "areas": gettext_noop("分管领域"), "is_principal": gettext_noop("主要负责人"),
                 "is_leadership_member": gettext_noop("领导班子成员")}


def _roster_display(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, dt.date):
        # Translators: a Django date format (Y year, n month, j day); other characters are literal.
        return formats.date_format(value, _("Y年n月j日"))
    return str(value)


def _tenure_key(name: str, title: str, start: dt.date) -> str:
    return _("%(name)s · %(title)s（%(start)s起）") % {"name": name, "title": title, "start": _roster_display(start)}


def _overlap(a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None) -> bool:
    """[start, end) intervals, None = open: a successor starting the day (or month) the predecessor left
    does not overlap."""
    return (b_end is None or a_start < b_end) and (a_end is None or b_start < a_end)


@dataclass
class _RosterPlan:
    result: RosterResult
    new_people: dict[str, Person] = field(default_factory=dict)  # name -> unsaved person
    new_seats: list[tuple[RosterEntry, Person]] = field(default_factory=list)  # a new post and tenure each
    tenure_changes: dict[int, dict[str, Any]] = field(default_factory=dict)  # tenure id -> {"end": …}
    post_changes: dict[int, dict[str, Any]] = field(default_factory=dict)  # post id -> {"areas"/"is_principal"}
    person_changes: dict[int, dict[str, Any]] = field(default_factory=dict)  # person id -> {"title": …}
    row_seats: dict[int, dict[str, Any]] = field(default_factory=dict)  # tenure id -> its row's seat changes
    audit_before: dict[str, dict[str, Any]] = field(default_factory=dict)
    audit_after: dict[str, dict[str, Any]] = field(default_factory=dict)
    touched: list[tuple[Any, ...]] = field(default_factory=list)  # rows to change, with version and old values
    stored_tenures: list[Tenure] = field(default_factory=list)  # the unit's tenures as compared
    # (tenure the file ends, the successor's row, its stored tenure or None for a new seat, open task ids)
    handovers: list[tuple[Tenure, RosterEntry, Tenure | None, list[int]]] = field(default_factory=list)


_NAME_MAX = Person._meta.get_field("name").max_length
_TITLE_MAX = Post._meta.get_field("title").max_length
_AREAS_MAX = Post._meta.get_field("areas").max_length


def _roster_plan(*, unit: OrgUnit, entries: list[RosterEntry], lock: bool) -> _RosterPlan:
    """Compare the file's rows with what is stored. The steps:

    1. Check each row on its own (lengths) and against the others (the same person, post and start twice).
    2. Match the person by name within the unit (people who left keep their unit), then the tenure by
       (person, post title, start). No match: a new seat (post + tenure). A match: end date, areas and
       the principal flag may change; an empty cell keeps what is stored (a file never clears a field).
    3. Check that no two principal tenures of the unit overlap, the file's and the stored ones together.
    4. A current tenure the file ends while its holder leads open tasks (rule 10): its tasks go to the
       successor the file names in the same seat from that day, or the row is an error.
    5. People: new, or changed when their current post title differs.
    """
    result = RosterResult()
    snapshot = selectors.roster_snapshot(unit=unit, lock=lock)
    plan = _RosterPlan(result=result, stored_tenures=snapshot.tenures)

    def error(entry: RosterEntry, column: str | None, message: str) -> None:
        result.errors.append(RosterError(entry.sheet, entry.row, entry.columns.get(column or ""), message))

    stored_by_key: dict[tuple[int, str, dt.date], Tenure] = {}
    by_seat: dict[tuple[int, str], list[Tenure]] = {}  # the same person in a post of the same title
    for tenure in snapshot.tenures:
        stored_by_key.setdefault((tenure.person_id, tenure.post.title, tenure.start), tenure)
        by_seat.setdefault((tenure.person_id, tenure.post.title), []).append(tenure)
    seen: dict[tuple[str, str, dt.date], RosterEntry] = {}
    matched_ids: set[int] = set()
    ending: list[tuple[RosterEntry, Tenure]] = []  # rows that end a current tenure
    person_of: dict[str, Person] = {}  # name -> the stored or new person the file's rows go to
    principals: list[tuple[RosterEntry, dt.date, dt.date | None]] = []  # the file's final principal terms
    good: list[tuple[RosterEntry, Person, Tenure | None]] = []

    # 1–2. every row
    for entry in entries:
        bad = False
        for column, value, limit in (("name", entry.name, _NAME_MAX), ("title", entry.title, _TITLE_MAX),
                                     ("areas", entry.areas, _AREAS_MAX)):
            if len(value) > limit:  # type: ignore[operator]
                bad = True
                error(entry, column, _("第%(row)s行“%(column)s”超过%(max)s个字，请删减。")
                      % {"row": entry.row, "column": _(ROSTER_LABELS[column]), "max": limit})
        for column, day in (("start", entry.start), ("end", entry.end)):
            if day is not None and not EARLIEST <= day <= LATEST:
                bad = True
                error(entry, column, _("第%(row)s行的日期“%(date)s”不在 %(earliest)s 至 %(latest)s 之间，请检查年份是否填错。")
                      % {"row": entry.row, "date": day.isoformat(), "earliest": EARLIEST.isoformat(),
                         "latest": LATEST.isoformat()})
        key = (entry.name, entry.title, entry.start)
        first = seen.get(key)
        if first is not None:
            where = (_("第%(row)s行") % {"row": first.row} if first.sheet == entry.sheet
                     else _("“%(sheet)s”第%(row)s行") % {"sheet": first.sheet, "row": first.row})
            error(entry, "name", _("第%(row)s行与%(where)s重复（同一人、同一职务、同一任职时间）：请删除其中一行。")
                  % {"row": entry.row, "where": where})
            continue
        seen[key] = entry
        if bad:
            continue
        person = person_of.get(entry.name)
        if person is None:
            candidates = snapshot.people_by_name.get(entry.name, [])
            with_seat = [p for p in candidates if (p.pk, entry.title, entry.start) in stored_by_key]
            person = (with_seat or candidates or [None])[0]  # type: ignore[list-item]
            if person is None:
                person = plan.new_people.setdefault(entry.name, Person(name=entry.name, unit=unit))
            elif len(candidates) > 1:
                result.notices.append(_("本单位有 %(count)s 位名为“%(name)s”的人员，文件中的该姓名已对应到其中已有相同任职记录"
                                        "（或最早录入）的一位；如不是同一人，请在人员页面核对。")
                                      % {"count": len(candidates), "name": entry.name})
            person_of[entry.name] = person
        stored = stored_by_key.get((person.pk, entry.title, entry.start)) if person.pk else None
        good.append((entry, person, stored))

    # 2. tenures and their posts
    for entry, person, stored in good:
        tkey = _tenure_key(entry.name, entry.title, entry.start)
        if stored is None:
            plan.new_seats.append((entry, person))
            for other in by_seat.get((person.pk, entry.title), []) if person.pk else []:
                if _overlap(entry.start, entry.end, other.start, other.end):
                    result.notices.append(_(
                        "第%(row)s行：系统中已有%(name)s任“%(title)s”的记录（%(span)s），与本行任职时间不同但有重叠，"
                        "将作为另一段任职新增。如本行是更正任职时间，请在任职经历页面修改原记录，并在文件中写成相同的时间。"
                    ) % {"row": entry.row, "name": entry.name, "title": entry.title,
                         "span": _span(other.start, other.end)})
                    break
            result.tenures["new"] += 1
            values = {"title": entry.title, "start": entry.start, "end": entry.end, "areas": entry.areas,
                      "is_principal": entry.is_principal, "is_leadership_member": entry.is_leadership_member}
            result.changes.append(RosterChange("tenure", tkey, "new", entry.sheet, entry.row, [
                {"field": f, "label": _(ROSTER_LABELS[f]), "before": "", "after": _roster_display(v)}
                for f, v in values.items() if v not in ("", None)]))
            plan.audit_after[tkey] = values
            if entry.is_principal:
                principals.append((entry, entry.start, entry.end))
            continue
        matched_ids.add(stored.pk)
        post = stored.post
        fields: dict[str, tuple[Any, Any]] = {}
        end = stored.end
        if entry.end is not None and entry.end != stored.end:
            fields["end"] = (stored.end, entry.end)
            end = entry.end
            if stored.end is None:
                ending.append((entry, stored))
            if entry.end <= stored.start:  # cannot happen with the same start; kept as a guard
                error(entry, "end", _("第%(row)s行离任时间须晚于任职时间。") % {"row": entry.row})
        elif entry.end is None and stored.end is not None:
            result.notices.append(_("第%(row)s行（%(item)s）写明仍在任，系统中已记录于%(end)s离任：保留系统中的离任时间；"
                                    "如确属记录有误，请在任职经历页面更正。")
                                  % {"row": entry.row, "item": tkey, "end": _roster_display(stored.end)})
        if entry.areas and entry.areas != post.areas:
            fields["areas"] = (post.areas, entry.areas)
        principal = entry.is_principal if (entry.principal_stated or entry.is_principal) else post.is_principal
        if principal != post.is_principal:
            fields["is_principal"] = (post.is_principal, principal)
        if principal:
            principals.append((entry, stored.start, end))
        if not fields:
            result.tenures["unchanged"] += 1
            continue
        result.tenures["changed"] += 1
        plan.touched.append((stored.pk, stored.version, post.pk, post.version,
                             sorted((f, str(b), str(a)) for f, (b, a) in fields.items())))
        if "end" in fields:
            plan.tenure_changes[stored.pk] = {"end": fields["end"][1]}
        post_fields = {f: v[1] for f, v in fields.items() if f != "end"}
        if post_fields:
            plan.post_changes.setdefault(post.pk, {}).update(post_fields)
            plan.row_seats[stored.pk] = {f: v for f, v in post_fields.items()
                                         if f in SEAT_FIELDS and getattr(stored, f) != v}
        result.changes.append(RosterChange("tenure", tkey, "changed", entry.sheet, entry.row, [
            {"field": f, "label": _(ROSTER_LABELS[f]), "before": _roster_display(b), "after": _roster_display(a)}
            for f, (b, a) in fields.items()]))
        plan.audit_before[tkey] = {f: b for f, (b, _a) in fields.items()}
        plan.audit_after[tkey] = {f: a for f, (_b, a) in fields.items()}

    # 3. overlapping principals: the file's terms with each other and with the stored ones it does not touch
    others = [t for t in snapshot.tenures if t.pk not in matched_ids and t.post.is_principal
              and plan.post_changes.get(t.post_id, {}).get("is_principal", True)]
    reported: set[int] = set()
    ordered = sorted(principals, key=lambda p: (p[1], p[0].row))
    for i, (entry, start, end) in enumerate(ordered):
        for earlier, e_start, e_end in ordered[:i]:
            if _overlap(start, end, e_start, e_end) and id(entry) not in reported:
                reported.add(id(entry))
                error(entry, "start", _(
                    "第%(row)s行与第%(other)s行都是主要负责人，任职时间重叠（%(who)s %(span)s）：同一单位同一时间只能有一位"
                    "主要负责人。请写明前任的离任时间，或更正任职时间；如其中一行不是主要负责人，请在“是否主要负责人”列填“否”。"
                ) % {"row": entry.row, "other": earlier.row, "who": earlier.name,
                     "span": _span(e_start, e_end)})
        for tenure in others:
            if _overlap(start, end, tenure.start, tenure.end) and id(entry) not in reported:
                reported.add(id(entry))
                error(entry, "start", _(
                    "第%(row)s行是主要负责人，任职时间与系统中%(who)s（%(title)s，%(span)s）重叠：同一单位同一时间只能有一位"
                    "主要负责人。请在文件中写明%(who)s的离任时间（加一行），或更正本行的任职时间。"
                ) % {"row": entry.row, "who": tenure.person.name, "title": tenure.post.title,
                     "span": _span(tenure.start, tenure.end)})

    # 4. leaders who leave hand their open tasks over
    _roster_handovers(plan=plan, ending=ending, good=good, error=error)

    # 5. people
    current_title: dict[str, str] = {}
    latest: dict[str, tuple[dt.date, str]] = {}
    for entry, _person, stored in good:
        end = entry.end if entry.end is not None else (stored.end if stored else None)
        if end is None:
            current_title.setdefault(entry.name, entry.title)
        if entry.name not in latest or entry.start > latest[entry.name][0]:
            latest[entry.name] = (entry.start, entry.title)
    first_row = {}
    for entry, _person, _stored in good:
        first_row.setdefault(entry.name, entry)
    for name, person in person_of.items():
        entry = first_row.get(name)
        if entry is None:
            continue
        if person.pk is None:
            person.title = current_title.get(name) or latest[name][1]
            result.people["new"] += 1
            result.changes.append(RosterChange("person", name, "new", entry.sheet, entry.row,
                                               [{"field": "title", "label": _(ROSTER_LABELS["title"]), "before": "",
                                                 "after": person.title}]))
            plan.audit_after[name] = {"title": person.title}
        elif name in current_title and current_title[name] != person.title:
            plan.person_changes[person.pk] = {"title": current_title[name]}
            plan.touched.append((person.pk, person.version, person.title))
            result.people["changed"] += 1
            result.changes.append(RosterChange("person", name, "changed", entry.sheet, entry.row,
                                               [{"field": "title", "label": _(ROSTER_LABELS["title"]),
                                                 "before": person.title, "after": current_title[name]}]))
            plan.audit_before[name] = {"title": person.title}
            plan.audit_after[name] = {"title": current_title[name]}
        else:
            result.people["unchanged"] += 1
    result.changes.sort(key=lambda c: (c.sheet or "", c.row or 0, c.kind != "person"))
    body = json.dumps([sorted(plan.new_people), [(e.name, e.title, e.start, e.end, e.areas, e.is_principal)
                                                 for e, _p in plan.new_seats],
                       plan.touched, sorted(plan.tenure_changes.items()), sorted(plan.post_changes.items()),
                       sorted(plan.person_changes.items()),
                       [(t.pk, e.name, e.title, e.start, ids) for t, e, _s, ids in plan.handovers]],
                      ensure_ascii=False, sort_keys=True, default=str)
    result.fingerprint = hashlib.sha256(body.encode("utf-8")).hexdigest()
    result.errors.sort(key=lambda e: (e.sheet or "", e.row or 0, e.column or ""))
    return plan


def _roster_handovers(*, plan: _RosterPlan, ending: list[tuple[RosterEntry, Tenure]],
                      good: list[tuple[RosterEntry, Person, Tenure | None]],
                      error: Callable[[RosterEntry, str | None, str], None]) -> None:
    """The file ends a current tenure whose holder still leads open tasks: with a successor in the same
    seat (another person, a row of the same post title starting on that end date) the commit hands the
    tasks to them — a notice says so; without one the row is an error. One query for all such rows."""
    duties = hooks.open_duties([stored.pk for _entry, stored in ending])
    result = plan.result
    for entry, stored in ending:
        task_ids = duties.get(stored.pk)
        if not task_ids:
            continue
        successor = next(((e, s) for e, p, s in good
                          if e.start == entry.end and e.title == stored.post.title and p.pk != stored.person_id),
                         None)
        if successor is None:
            error(entry, "end", _(
                "第%(row)s行结束了%(name)s的任职，但其仍是 %(count)s 项未销号整改任务的责任领导。请先在班子名单页点击"
                "“移交”，把这些任务移交给接任的班子成员后再导入；或在文件中写明自%(date)s起接任“%(title)s”的人员，"
                "导入时一并移交。") % {"row": entry.row, "name": stored.person.name, "count": len(task_ids),
                                   "date": _roster_display(entry.end), "title": stored.post.title})
            continue
        next_entry, next_stored = successor
        plan.handovers.append((stored, next_entry, next_stored, task_ids))
        result.notices.append(_(
            "第%(row)s行：%(name)s仍是 %(count)s 项未销号整改任务的责任领导，确认导入后这些任务将移交给第%(next)s行的接任者"
            "%(successor)s。") % {"row": entry.row, "name": stored.person.name, "count": len(task_ids),
                               "next": next_entry.row, "successor": next_entry.name})


def _span(start: dt.date, end: dt.date | None) -> str:
    return _("%(start)s至%(end)s") % {"start": _roster_display(start), "end": _roster_display(end) if end else _("今")}


def _roster_check_actor(actor: Any, unit: OrgUnit) -> Any:
    actor = actor if actor is not None else cli_operator()
    if not actor.can_maintain_roster_of(unit.path):
        raise PermissionDenied(_("只有系统管理员、巡视办或本单位整改牵头人可以维护本单位的领导班子名单。"))
    return actor


def roster_plan(*, actor: Any, unit: OrgUnit, entries: list[RosterEntry]) -> RosterResult:
    """The dry run: what ``roster_apply`` would write, and every error, without writing anything."""
    _roster_check_actor(actor, unit)
    return _roster_plan(unit=unit, entries=entries, lock=False).result


@transaction.atomic
def roster_apply(
    *, actor: Any, unit: OrgUnit, entries: list[RosterEntry], expected_fingerprint: str | None = None,
    source: dict[str, Any] | None = None,
) -> RosterResult:
    """Apply a roster to the unit: all rows or none, one audit event with field-level before/after.

    ``actor`` None is the local command-line operator. With any error nothing is written and the result
    (``committed`` False) lists them. ``expected_fingerprint`` (from the dry run the user confirmed): if
    the roster changed since, Conflict. ``source`` (file name, sha256) goes into the audit event.
    Rows missing from the file are never deleted. A fixed number of queries whatever the file's size.
    """
    actor = _roster_check_actor(actor, unit)
    OrgUnit.objects.select_for_update().filter(pk=unit.pk).first()  # one roster import of a unit at a time
    plan = _roster_plan(unit=unit, entries=entries, lock=True)
    result = plan.result
    if result.errors:
        return result
    if expected_fingerprint is not None and expected_fingerprint != result.fingerprint:
        raise Conflict(_("自检查以来，该单位的领导班子名单已被修改（或文件已变化）。请重新上传并检查后再确认。"))
    if not (plan.new_people or plan.new_seats or plan.tenure_changes or plan.post_changes or plan.person_changes):
        result.committed = True  # nothing to write: the same file again
        return result

    Person.objects.bulk_create(list(plan.new_people.values()))
    posts = _roster_seats(unit=unit, plan=plan)
    Post.objects.bulk_create(list({id(post): post for post in posts if post.pk is None}.values()))
    created = Tenure.objects.bulk_create([Tenure(person=person, post=post, start=e.start, end=e.end, **seat_of(post))
                                          for (e, person), post in zip(plan.new_seats, posts, strict=True)])
    seats_before = {post.pk: seat_of(post) for post in Post.objects.filter(pk__in=list(plan.post_changes))}
    _roster_bulk_update(Tenure, plan.tenure_changes)
    _roster_bulk_update(Post, plan.post_changes)
    _keep_seats_in_step({pk: (seat, {**seat, **plan.post_changes[pk]}) for pk, seat in seats_before.items()})
    # A row speaks of its own term: the seat it states is that tenure's, even for a former holder.
    _roster_bulk_update(Tenure, {pk: values for pk, values in plan.row_seats.items() if values})
    _roster_bulk_update(Person, plan.person_changes)
    new_tenure_of = {id(e): tenure for (e, _person), tenure in zip(plan.new_seats, created, strict=True)}
    handed_over: dict[str, list[int]] = {}
    for leaving, next_entry, next_stored, task_ids in plan.handovers:
        leaving.end = plan.tenure_changes[leaving.pk]["end"]
        successor = next_stored if next_stored is not None else new_tenure_of[id(next_entry)]
        moved = hooks.transfer_duties(actor=actor, from_tenure=leaving, to_tenure=successor, task_ids=task_ids)
        handed_over[_tenure_key(leaving.person.name, leaving.post.title, leaving.start)] = moved
    audit_record(
        actor=actor, action="roster.imported", obj=unit,
        before={"changed": plan.audit_before},
        after={**(source or {}), "people": result.people, "tenures": result.tenures,
               "new": sorted(k for k in plan.audit_after if k not in plan.audit_before),
               "changed": plan.audit_after, **({"handed_over": handed_over} if handed_over else {})},
    )
    result.committed = True
    return result


def _roster_seats(*, unit: OrgUnit, plan: _RosterPlan) -> list[Post]:
    """The post each new row's tenure goes to, in the order of ``plan.new_seats``.

    A seat is held by one person at a time, so a row goes to an existing post (stored, or new in this file)
    with the same title, flags and areas that nobody holds during the row's term — the successive holders
    of 党组书记、厅长 share one post; several deputies in post at once get a post each. Unsaved posts are new.
    """
    seats: dict[tuple[str, bool, bool, str], list[tuple[Post, list[tuple[dt.date, dt.date | None]]]]] = {}
    by_post: dict[int, tuple[Post, list[tuple[dt.date, dt.date | None]]]] = {}
    for tenure in plan.stored_tenures:
        post = tenure.post
        if post.pk not in by_post:
            by_post[post.pk] = (post, [])
            seats.setdefault((post.title, post.is_principal, post.is_leadership_member, post.areas), []).append(
                by_post[post.pk])
        end = plan.tenure_changes.get(tenure.pk, {}).get("end", tenure.end)  # the file may end a stored term
        by_post[post.pk][1].append((tenure.start, end))
    chosen: dict[int, Post] = {}
    for index, (entry, _person) in sorted(enumerate(plan.new_seats), key=lambda item: item[1][0].start):
        key = (entry.title, entry.is_principal, entry.is_leadership_member, entry.areas)
        seat = next((s for s in seats.get(key, [])
                     if not any(_overlap(entry.start, entry.end, start, end) for start, end in s[1])), None)
        if seat is None:
            seat = (Post(unit=unit, title=entry.title, is_principal=entry.is_principal,
                         is_leadership_member=entry.is_leadership_member, areas=entry.areas,
                         sort_order=min(entry.row, 32767)), [])
            seats.setdefault(key, []).append(seat)
        seat[1].append((entry.start, entry.end))
        chosen[index] = seat[0]
    return [chosen[i] for i in range(len(plan.new_seats))]


def _roster_bulk_update(model: type[Any], changes: dict[int, dict[str, Any]]) -> None:
    """Write field changes grouped by the fields changed, bumping each row's version."""
    groups: dict[tuple[str, ...], list[Any]] = {}
    for pk, values in changes.items():
        groups.setdefault(tuple(sorted(values)), []).append(model(pk=pk, **values))
    for fields, objs in groups.items():
        model.objects.bulk_update(objs, list(fields))
    if changes:
        model.objects.filter(pk__in=list(changes)).update(version=F("version") + 1, updated_at=clock.now())
