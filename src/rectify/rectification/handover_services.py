"""Handing a leader's open tasks to a successor when the leader changes post (DOMAIN rule 10, scenario 5).

A task's responsible leader is a responsibility entry linked to a tenure. When its holder leaves, the
entry is relinked to the successor's tenure, and a ``LeaderHandover`` row per task keeps who led it
before — so the former holder stays in the task's history and among the problem's leaders of the period.

Two ways in:

* ``leader_handover`` — the hand-over page and ``POST /api/v1/tenures/{id}/handover``: a roster
  maintainer picks the successor (a person of the unit in a leadership post today) and the tasks;
* ``leader_duties_transfer`` — registered in ``orgs.hooks``: the roster services call it when the
  appointment of a successor, or a roster file, ends the tenure and names the successor's tenure.

Both run inside one transaction, bump each task's version with a conditional UPDATE (a task closed
meanwhile is a conflict) and record one audit event with the leader of every task before and after.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext as _

from rectify.accounts.models import User
from rectify.accounts.services import cli_operator
from rectify.audit.services import audit_record
from rectify.core import clock
from rectify.core.errors import Conflict, DomainError, PermissionDenied
from rectify.orgs import selectors as org_selectors
from rectify.orgs.models import Person, Tenure
from rectify.rectification import selectors
from rectify.rectification.models import LeaderHandover, Responsibility, ResponsibilityKind, Task, TaskStatus


@dataclass(frozen=True)
class HandoverResult:
    from_tenure: Tenure
    to_tenure: Tenure
    task_ids: list[int]  # the tasks whose leader moved, sorted


def _acting(actor: User | None, tenure: Tenure) -> User:
    """``actor`` None is the local command-line operator. Admins, the office, and a unit lead for its own
    unit hand over — exactly who maintains the unit's roster."""
    user = actor if actor is not None else cli_operator()
    if not user.can_maintain_roster_of(tenure.post.unit.path):
        raise PermissionDenied(_("只有系统管理员、巡视办或本单位整改牵头人可以办理责任领导的移交。"))
    return user


def _invalid(message: str, *, field: str, **details: Any) -> DomainError:
    return DomainError(message, code="invalid", details={"field": field, **details}).with_status(422)


def _successor_tenure(*, departing: Tenure, to_person_id: int) -> Tenure:
    """The tenure the tasks go to: the person must be of the departing leader's unit and hold a leadership
    or principal post there today. Of several, the same post as the departing one, else the principal
    post, else the first in post order."""
    unit = departing.post.unit
    person = Person.objects.filter(pk=to_person_id, unit=unit).first()
    if person is None:
        raise _invalid(_("接任人须是“%(unit)s”的人员，请从本单位在任的班子成员中选择。") % {"unit": unit.name},
                       field="to_person")
    if person.pk == departing.person_id:
        raise _invalid(_("接任人不能是移交人%(name)s本人，请选择接任的班子成员。") % {"name": person.name},
                       field="to_person")
    held = [t for t in org_selectors.leadership_tenures_on(unit=unit, day=clock.today()) if t.person_id == person.pk]
    if not held:
        raise _invalid(_("%(name)s目前不在本单位领导班子中任职，不能接任责任领导。请先在班子名单中为其任职。")
                       % {"name": person.name}, field="to_person")
    return (next((t for t in held if t.post_id == departing.post_id), None)
            or next((t for t in held if t.post.is_principal), None) or held[0])


def _tasks_to_move(*, tenure: Tenure, task_ids: Collection[int] | None) -> list[int]:
    """The open tasks the tenure leads, or the given ones after checking each is one of them."""
    led = selectors.open_tasks_led_by([tenure.pk]).get(tenure.pk, [])
    if task_ids is None:
        return led
    wanted = sorted(set(task_ids))
    if not wanted:
        raise _invalid(_("请至少选择一项要移交的整改任务。"), field="tasks", tasks=[])
    wrong = [i for i in wanted if i not in set(led)]
    if wrong:
        raise _invalid(_("以下任务不是%(name)s负责的未销号整改任务，不能移交：%(ids)s。请刷新后重新选择。")
                       % {"name": tenure.person.name, "ids": "、".join(f"#{i}" for i in wrong)},
                       field="tasks", tasks=wrong)
    return wanted


def _move(*, user: User, from_tenure: Tenure, to_tenure: Tenure, task_ids: list[int], note: str) -> list[int]:
    """Relink the leader entries of ``task_ids`` from one tenure to another. The steps:

    1. Bump the tasks' versions with one UPDATE that holds only while they are open: fewer rows than
       tasks means one was closed meanwhile (Conflict). On PostgreSQL this also locks the rows, so a
       second hand-over of the same tasks waits and then finds nothing left to move.
    2. Each task's entry naming the departing tenure names the successor instead; if the task already
       names the successor as leader, the old entry is dropped rather than duplicated.
    3. One ``LeaderHandover`` per task, one audit event with each task's leader before and after.
    """
    if not task_ids:
        return []
    now = clock.now()
    if Task.objects.filter(pk__in=task_ids).exclude(status=TaskStatus.CLOSED).update(
            version=models.F("version") + 1, updated_at=now) != len(task_ids):
        raise Conflict(_("部分任务已销号或已被他人修改，请刷新页面后重新办理移交。"), code="stale_tasks",
                       details={"tasks": task_ids})
    successor = to_tenure.person
    entries = list(Responsibility.objects.filter(task_id__in=task_ids, kind=ResponsibilityKind.LEADER)
                   .order_by("task_id", "id"))
    already = {r.task_id for r in entries if r.tenure_id != from_tenure.pk and (
        r.tenure_id == to_tenure.pk or r.person_id == successor.pk or (r.person_id is None and r.name == successor.name))}
    relink: list[int] = []
    drop: list[int] = []
    before: dict[str, dict[str, Any]] = {}
    for r in entries:
        if r.tenure_id != from_tenure.pk:
            continue
        key = str(r.task_id)
        if key in before or r.task_id in already:
            drop.append(r.pk)
        else:
            relink.append(r.pk)
        before.setdefault(key, {"leader": r.name, "tenure": from_tenure.pk, "person": from_tenure.person_id})
    if len(before) != len(task_ids):  # another hand-over moved some of them first
        raise Conflict(_("部分任务的责任领导已被他人移交，请刷新页面后重新办理。"), code="stale_tasks",
                       details={"tasks": sorted(set(task_ids) - {int(k) for k in before})})
    Responsibility.objects.filter(pk__in=drop).delete()
    Responsibility.objects.filter(pk__in=relink).update(tenure=to_tenure, person=successor, name=successor.name[:100])
    LeaderHandover.objects.bulk_create([
        LeaderHandover(task_id=task_id, from_tenure=from_tenure, to_tenure=to_tenure,
                       handed_over_by=user if user.pk else None, handed_over_by_name=str(user)[:150],
                       handed_over_at=now, note=note[:300])
        for task_id in task_ids])
    after = {key: {"leader": successor.name, "tenure": to_tenure.pk, "person": successor.pk,
                   **({"kept_existing_entry": True} if int(key) in already else {})} for key in before}
    audit_record(actor=user, action="leader.handed_over", obj=from_tenure,
                 before={"tasks": before},
                 after={"to_tenure": to_tenure.pk, "to_person": successor.name, "note": note, "tasks": after})
    return task_ids


@transaction.atomic
def leader_handover(*, actor: User | None, tenure_id: int, to_person_id: int,
                    task_ids: Collection[int] | None = None, note: str = "") -> HandoverResult:
    """Hand the open tasks a tenure leads (all of them when ``task_ids`` is None) to a successor.

    A tenure outside the actor's scope is NotFound; inside it but not theirs to maintain, PermissionDenied.
    """
    user = actor if actor is not None else cli_operator()
    tenure = org_selectors.tenure_get_for(user=user, tenure_id=tenure_id)
    user = _acting(user, tenure)
    successor = _successor_tenure(departing=tenure, to_person_id=to_person_id)
    ids = _tasks_to_move(tenure=tenure, task_ids=task_ids)
    moved = _move(user=user, from_tenure=tenure, to_tenure=successor, task_ids=ids, note=(note or "").strip())
    return HandoverResult(from_tenure=tenure, to_tenure=successor, task_ids=moved)


@transaction.atomic
def leader_duties_transfer(*, actor: Any, from_tenure: Tenure, to_tenure: Tenure,
                           task_ids: Collection[int] | None = None) -> list[int]:
    """The roster services' hand-over (``orgs.hooks.transfer_duties``): appointing a successor to the post,
    or a roster file naming one, moves the departing holder's open tasks to the successor's tenure."""
    user = _acting(actor, from_tenure)
    ids = _tasks_to_move(tenure=from_tenure, task_ids=task_ids)
    return _move(user=user, from_tenure=from_tenure, to_tenure=to_tenure, task_ids=ids, note="")
