"""Conflict-of-interest rules for assigning specialists (回避, DOMAIN §4 and scenario 9; rule 11).

Each rule reads data — the specialist's tenures (org data), declared relations and declared past employment,
the people and leadership of the unit concerned — and, when it applies, says why in Chinese. ``RULES`` is the
list the pool page shows; ``conflicts_for`` checks many specialists against one unit in a fixed number of
queries (proposals check the whole pool at once). The look-back for "in the last N years" is the setting
``RECTIFY_CONFLICT_YEARS`` (3).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from rectify.accountability.pool_models import HIERARCHY, KIN, PastEmployment, Specialist, SpecialistRelation
from rectify.core import clock
from rectify.core.dates import span_label
from rectify.inspections.models import add_months
from rectify.orgs.models import OrgUnit, Tenure
from rectify.orgs.selectors import seat_annotated


@dataclass(frozen=True)
class Rule:
    code: str
    label: str  # gettext_noop: translated when shown
    description: str


RULES = [
    Rule("from_unit", gettext_noop("本单位人员"),
         gettext_noop("是涉及单位（含其内设机构）的工作人员，或在问题发生期间在该单位任职。")),
    Rule("kin_in_unit", gettext_noop("亲属在该单位"),
         gettext_noop("配偶、直系血亲、三代以内旁系血亲或近姻亲在该单位领导班子或工作人员中。")),
    Rule("superior_subordinate", gettext_noop("上下级关系"),
         gettext_noop("近三年内与该单位人员有上下级关系（申报）。")),
    Rule("same_leadership_body", gettext_noop("曾同在一个领导班子"),
         gettext_noop("近三年内与该单位现任班子成员同在一个领导班子（据任职记录）。")),
    Rule("worked_in_unit", gettext_noop("近三年在该单位工作"),
         gettext_noop("近三年内在该单位任职或工作（据任职记录和申报的工作经历）。")),
]
RULE_LABELS = {r.code: r.label for r in RULES}


@dataclass
class Conflict:
    rule: str
    message: str
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return _(RULE_LABELS[self.rule])

    def as_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "label": self.label, "message": self.message, "data": self.data}


def _within(unit: OrgUnit, other: OrgUnit | None) -> bool:
    return other is not None and other.path.startswith(unit.path)


def _overlap(a_start: dt.date, a_end: dt.date | None, b_start: dt.date, b_end: dt.date | None) -> bool:
    """[start, end) intervals (None: open)."""
    return (b_end is None or a_start < b_end) and (a_end is None or b_start < a_end)


def conflicts_for(specialists: Iterable[Specialist], *, unit: OrgUnit, period: tuple[dt.date, dt.date] | None = None,
                  today: dt.date | None = None) -> dict[int, list[Conflict]]:
    """Specialist id -> the rules that block assigning them to work concerning ``unit`` (and its subtree).
    ``period``: the problem's occurrence period (a post held in the unit then blocks). Six queries."""
    specialists = list(specialists)
    today = today or clock.today()
    years = settings.RECTIFY_CONFLICT_YEARS
    cutoff = add_months(today, -12 * years)
    found: dict[int, list[Conflict]] = {s.pk: [] for s in specialists}
    if not specialists:
        return found
    by_person = {s.person_id: s for s in specialists}
    tenures: dict[int, list[Tenure]] = defaultdict(list)
    for t in seat_annotated(Tenure.objects.filter(person_id__in=list(by_person))).select_related("post__unit"):
        tenures[t.person_id].append(t)
    relations: dict[int, list[SpecialistRelation]] = defaultdict(list)
    related_people: set[int] = set()
    for r in SpecialistRelation.objects.filter(specialist__in=specialists).select_related("person__unit", "unit"):
        relations[r.specialist_id].append(r)
        if r.person_id:
            related_people.add(r.person_id)
    posts_in_unit: dict[int, list[Tenure]] = defaultdict(list)  # related person -> their tenures in the unit
    if related_people:
        for t in (Tenure.objects.filter(person_id__in=related_people, post__unit__path__startswith=unit.path)
                  .filter(Q(end__isnull=True) | Q(end__gt=cutoff)).select_related("post__unit")):
            posts_in_unit[t.person_id].append(t)
    employments: dict[int, list[PastEmployment]] = defaultdict(list)
    for e in PastEmployment.objects.filter(specialist__in=specialists, unit__path__startswith=unit.path) \
            .select_related("unit"):
        employments[e.specialist_id].append(e)
    # Who leads the unit today, and the leadership bodies they sat in during the look-back.
    leaders_now = list(seat_annotated(Tenure.objects.filter(post__unit=unit, start__lte=today))
                       .filter(Q(end__isnull=True) | Q(end__gt=today))
                       .filter(Q(seat_principal=True) | Q(seat_leadership=True)).select_related("person"))
    their_bodies: dict[int, list[Tenure]] = defaultdict(list)  # unit id -> leaders' leadership tenures there
    if leaders_now:
        for t in (seat_annotated(Tenure.objects.filter(person_id__in={t.person_id for t in leaders_now}))
                  .filter(Q(seat_principal=True) | Q(seat_leadership=True))
                  .filter(Q(end__isnull=True) | Q(end__gt=cutoff)).exclude(post__unit=unit)
                  .select_related("person", "post__unit")):
            their_bodies[t.post.unit_id].append(t)

    for s in specialists:
        hits = found[s.pk]
        person = s.person
        name = person.name
        # 1. from the unit: a member of its staff, or in post there during the problem's period
        if _within(unit, person.unit):
            hits.append(Conflict("from_unit", _("%(name)s是%(unit)s的工作人员（%(where)s）。")
                                 % {"name": name, "unit": unit.name, "where": person.unit.name},
                                 {"unit": person.unit.code}))
        elif period is not None:
            held = [t for t in tenures[person.pk] if _within(unit, t.post.unit)
                    and _overlap(t.start, t.end, period[0], period[1] + dt.timedelta(days=1))]
            if held:
                t = held[0]
                hits.append(Conflict("from_unit", _("问题发生期间（%(period)s），%(name)s在%(unit)s任%(post)s（%(span)s）。")
                                     % {"period": span_label(*period), "name": name, "unit": t.post.unit.name,
                                        "post": t.seat_title, "span": span_label(t.start, t.last_day)},
                                     {"tenure": t.pk}))
        # 2. kin among the unit's leadership or staff
        for r in relations[s.pk]:
            related_here = (_within(unit, r.person.unit) if r.person_id else False) or _within(unit, r.unit) \
                or bool(posts_in_unit.get(r.person_id or 0))
            if not related_here:
                continue
            where = next((t for t in posts_in_unit.get(r.person_id or 0, [])), None)
            place = (_("任%(post)s") % {"post": where.seat_title}) if where else _("工作")
            if r.kind in KIN:
                hits.append(Conflict("kin_in_unit", _("%(name)s的%(kind)s%(relative)s在%(unit)s%(place)s。")
                                     % {"name": name, "kind": r.get_kind_display(), "relative": r.name,
                                        "unit": unit.name, "place": place},
                                     {"relation": r.pk, "kind": r.kind}))
            elif r.kind in HIERARCHY and (r.end is None or r.end > cutoff):
                hits.append(Conflict("superior_subordinate",
                                     _("%(name)s近%(years)s年内与%(unit)s的%(relative)s有上下级关系（%(kind)s，%(span)s）。")
                                     % {"name": name, "years": years, "unit": unit.name, "relative": r.name,
                                        "kind": r.get_kind_display(), "span": span_label(r.start, r.end)},
                                     {"relation": r.pk, "kind": r.kind}))
        # 3. the same leadership body as one of the unit's current leaders, in the look-back
        for mine in tenures[person.pk]:
            if not (mine.seat_principal or mine.seat_leadership) or (mine.end is not None and mine.end <= cutoff):
                continue
            for theirs in their_bodies.get(mine.post.unit_id, []):
                shared_start = max(mine.start, theirs.start)
                ends = [d for d in (mine.end, theirs.end) if d is not None]
                shared_end = min(ends) if ends else None  # exclusive
                if theirs.person_id != person.pk and shared_start <= today \
                        and (shared_end is None or (shared_start < shared_end and shared_end > cutoff)):
                    hits.append(Conflict("same_leadership_body",
                                         _("%(name)s近%(years)s年内与%(unit)s现任班子成员%(leader)s同在%(body)s领导班子"
                                           "（%(name)s %(mine)s；%(leader)s %(theirs)s）。")
                                         % {"name": name, "years": years, "unit": unit.name,
                                            "leader": theirs.person.name, "body": mine.post.unit.name,
                                            "mine": span_label(mine.start, mine.last_day),
                                            "theirs": span_label(theirs.start, theirs.last_day)},
                                         {"tenure": mine.pk, "other_tenure": theirs.pk}))
                    break
        # 4. worked in the unit in the look-back: tenures there, declared employment there
        worked = [(t.post.unit, t.seat_title, t.start, t.last_day) for t in tenures[person.pk]
                  if _within(unit, t.post.unit) and (t.end is None or t.end > cutoff)]
        worked += [(e.unit, e.position, e.start, e.end) for e in employments[s.pk] if e.end is None or e.end >= cutoff]
        for where, position, start, last in worked[:1]:
            hits.append(Conflict("worked_in_unit", _("%(name)s %(span)s在%(unit)s工作%(position)s，距今不满%(years)s年。")
                                 % {"name": name, "span": span_label(start, last), "unit": where.name,
                                    "position": f"（{position}）" if position else "", "years": years},
                                 {"unit": where.code, "start": start.isoformat(),
                                  "end": last.isoformat() if last else None}))
    return found
