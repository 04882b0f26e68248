"""Writes to the org tree, people, posts and tenures."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q, Value
from django.db.models.functions import Concat, Substr
from django.utils.translation import gettext as _

from rectify.audit.services import audit_record
from rectify.core import clock
from rectify.core.errors import Conflict, DomainError, PermissionDenied
from rectify.orgs.models import UNIT_CODE_VALIDATOR, OrgKind, OrgUnit, Person, Post, Tenure

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
    if OrgUnit.objects.filter(code=code).exists():
        raise DomainError(_("单位编码“%(code)s”已存在，请换一个编码。") % {"code": code}, code="duplicate_code",
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


@transaction.atomic
def person_appoint(*, actor: object | None, person: Person, post: Post, start: dt.date) -> Tenure:
    """Appoint a person to a post; whoever held it until now leaves it the same day."""
    current = Tenure.objects.filter(post=post, end__isnull=True).select_for_update().first()
    if current is not None:
        if current.start >= start:
            raise DomainError(_("新任职日期必须晚于现任者的任职日期。"), code="tenure_overlap", details={"field": "start"})
        Tenure.objects.filter(pk=current.pk).update(end=start, version=models.F("version") + 1,
                                                    updated_at=clock.now())
    tenure = Tenure.objects.create(person=person, post=post, start=start)
    audit_record(actor=actor, action="tenure.started", obj=tenure,
                 before={"ended": current.pk, "ended_end": None} if current else None,
                 after={"person": person.pk, "post": post.pk, "start": start,
                        "ended": current.pk if current else None, "ended_end": start if current else None})
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
    before, after = _versioned_update(
        obj=post, expected_version=expected_version, what=_("该职务"),
        values={"title": title.strip(), "is_principal": is_principal, "is_leadership_member": is_leadership_member,
                "areas": _normalise_areas(areas), "sort_order": sort_order})
    if after:
        audit_record(actor=actor, action="post.updated", obj=post, before=before, after=after)
    return post


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
def tenure_appoint(*, actor: User, person: Person, post: Post, start: dt.date, end: dt.date | None = None) -> Tenure:
    """Appoint a person to a post from the roster page.

    Without ``end``: the post's current holder (if any) leaves on ``start`` — see ``person_appoint``.
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
        return person_appoint(actor=actor, person=person, post=post, start=start)
    _check_tenure_dates(post=post, start=start, end=end)
    tenure = Tenure.objects.create(person=person, post=post, start=start, end=end)
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
    before, after = _versioned_update(obj=tenure, expected_version=expected_version, what=_("该任职记录"),
                                      values={"start": start, "end": end})
    if after:
        audit_record(actor=actor, action="tenure.updated", obj=tenure, before=before, after=after)
    return tenure


@transaction.atomic
def tenure_end(*, actor: User, tenure: Tenure, expected_version: int | None, end: dt.date) -> Tenure:
    """The holder leaves the post on ``end`` (exclusive: the last day in office is the day before)."""
    _require_roster_maintainer(actor, tenure.post.unit)
    _require_version(tenure, expected_version, _("该任职记录"))
    if tenure.end is not None:
        raise Conflict(_("该任职已于%(date)s结束。") % {"date": f"{tenure.end:%Y-%m-%d}"}, code="already_ended")
    if end <= tenure.start:
        raise DomainError(_("离任日期必须晚于任职日期（%(date)s）。") % {"date": f"{tenure.start:%Y-%m-%d}"},
                          code="end_before_start", details={"field": "end"})
    before, after = _versioned_update(obj=tenure, expected_version=expected_version, what=_("该任职记录"),
                                      values={"end": end})
    audit_record(actor=actor, action="tenure.ended", obj=tenure, before=before, after=after)
    return tenure
