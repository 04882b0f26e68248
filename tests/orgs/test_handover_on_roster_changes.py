"""Rule 10 on the roster: appointing a successor, correcting a tenure's end and importing a roster file all
stop at a leader who still leads open tasks — unless the same operation hands them to the successor."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.accounts.models import Role
from rectify.audit.models import AuditEvent
from rectify.core.errors import Conflict
from rectify.ledger.roster import roster_import
from rectify.orgs import hooks, services
from rectify.orgs.models import Tenure
from rectify.orgs.services import RosterEntry, roster_apply, roster_plan
from rectify.rectification.models import LeaderHandover, Responsibility, ResponsibilityKind
from tests.ledger.test_roster_import import xlsx

TODAY = dt.date(2026, 6, 15)


@pytest.fixture(autouse=True)
def _today(frozen_today):  # type: ignore[no-untyped-def]
    frozen_today(TODAY)


def _leader_tenures(s) -> set[int]:  # type: ignore[no-untyped-def]
    return set(Responsibility.objects.filter(task__in=s.open_tasks, kind=ResponsibilityKind.LEADER)
               .values_list("tenure_id", flat=True))


def test_the_roster_hook_reports_the_open_tasks_of_each_tenure(succession):
    s = succession
    assert hooks.open_duties([s.secretary.pk, s.deputy.pk]) == {s.secretary.pk: sorted(t.pk for t in s.open_tasks)}
    assert hooks.open_duties([]) == {}


def test_appointing_a_successor_is_refused_while_the_holder_leads_open_tasks(succession):
    s = succession
    with pytest.raises(Conflict) as exc:
        services.tenure_appoint(actor=s.world[Role.UNIT_LEAD], person=s.newcomer, post=s.secretary.post,
                                start=dt.date(2026, 7, 1))
    assert exc.value.code == "handover_required"
    assert exc.value.details == {"tasks": sorted(t.pk for t in s.open_tasks)}
    assert "张书记" in exc.value.message and "8 项" in exc.value.message
    assert not Tenure.objects.filter(person=s.newcomer).exists()
    assert Tenure.objects.get(pk=s.secretary.pk).end is None


def test_appointing_with_hand_over_moves_the_tasks_to_the_new_holder_in_one_go(succession):
    s = succession
    new = services.tenure_appoint(actor=s.world[Role.UNIT_LEAD], person=s.newcomer, post=s.secretary.post,
                                  start=dt.date(2026, 7, 1), hand_over=True)
    assert Tenure.objects.get(pk=s.secretary.pk).end == dt.date(2026, 7, 1)
    assert _leader_tenures(s) == {new.pk}
    assert set(LeaderHandover.objects.values_list("from_tenure_id", "to_tenure_id")) == {(s.secretary.pk, new.pk)}
    assert hooks.open_duties([s.secretary.pk]) == {}
    started = AuditEvent.objects.get(action="tenure.started")
    assert started.after["handed_over"] == sorted(t.pk for t in s.open_tasks)
    assert AuditEvent.objects.filter(action="leader.handed_over", object_id=str(s.secretary.pk)).count() == 1


def test_hand_over_is_harmless_when_the_holder_leads_nothing(world):
    post = Tenure.objects.get(post__unit=world.unit_a, post__is_principal=True).post
    from rectify.orgs.models import Person

    newcomer = Person.objects.create(name="李新", unit=world.unit_a)
    new = services.tenure_appoint(actor=world[Role.UNIT_LEAD], person=newcomer, post=post,
                                  start=dt.date(2026, 7, 1), hand_over=True)
    assert new.end is None and not LeaderHandover.objects.exists()
    assert "handed_over" not in AuditEvent.objects.get(action="tenure.started").after


def test_correcting_a_current_tenure_into_an_ended_one_is_refused_too(succession):
    s = succession
    tenure = Tenure.objects.select_related("person", "post__unit").get(pk=s.secretary.pk)
    with pytest.raises(Conflict) as exc:
        services.tenure_update(actor=s.world[Role.INSPECTION_OFFICE], tenure=tenure, expected_version=tenure.version,
                               start=tenure.start, end=dt.date(2026, 6, 30))
    assert exc.value.code == "handover_required"
    # Correcting the start alone is fine.
    services.tenure_update(actor=s.world[Role.INSPECTION_OFFICE], tenure=tenure, expected_version=tenure.version,
                           start=dt.date(2020, 2, 1), end=None)
    assert Tenure.objects.get(pk=s.secretary.pk).start == dt.date(2020, 2, 1)


# --- the roster import ------------------------------------------------------------------------------

def _entry(name: str, title: str, start: dt.date, end: dt.date | None = None, row: int = 2) -> RosterEntry:
    return RosterEntry(sheet="名单", row=row, name=name, title=title, start=start, end=end,
                       is_principal=title.startswith("党组书记"), columns={"name": "A", "start": "C", "end": "D"})


def test_a_roster_row_that_ends_a_leader_of_open_tasks_is_a_row_error(succession):
    s = succession
    rows = [_entry("张书记", "党组书记、厅长", dt.date(2020, 1, 1), dt.date(2026, 7, 1), row=3)]
    result = roster_plan(actor=s.world[Role.UNIT_LEAD], unit=s.world.unit_a, entries=rows)
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.sheet, error.row, error.column) == ("名单", 3, "D")
    assert "张书记" in error.message and "8 项未销号整改任务" in error.message and "班子名单页" in error.message
    committed = roster_apply(actor=s.world[Role.UNIT_LEAD], unit=s.world.unit_a, entries=rows)
    assert not committed.committed and Tenure.objects.get(pk=s.secretary.pk).end is None


def test_a_roster_naming_the_successor_in_the_same_seat_hands_the_tasks_over_on_commit(succession):
    s = succession
    office = s.world[Role.INSPECTION_OFFICE]
    data = xlsx([["姓名", "职务", "任职时间", "离任时间"],
                 ["张书记", "党组书记、厅长", "2020.01", "2026.07"],
                 ["李新", "党组书记、厅长", "2026.07", "至今"]])
    preview = roster_import(actor=office, data=data, filename="名单.xlsx", unit_code="EDU", dry_run=True)
    assert preview.errors == []
    assert any("张书记" in n and "8 项" in n and "李新" in n and "第4行" in n for n in preview.notices), preview.notices
    assert not LeaderHandover.objects.exists()
    result = roster_import(actor=office, data=data, filename="名单.xlsx", unit_code="EDU", dry_run=False,
                           expected_fingerprint=preview.fingerprint)
    assert result.committed
    new = Tenure.objects.get(person=s.newcomer)
    assert (new.post_id, new.start) == (s.secretary.post_id, dt.date(2026, 7, 1))
    assert Tenure.objects.get(pk=s.secretary.pk).end == dt.date(2026, 7, 1)
    assert _leader_tenures(s) == {new.pk}
    assert LeaderHandover.objects.filter(from_tenure=s.secretary, to_tenure=new).count() == 8
    imported = AuditEvent.objects.get(action="roster.imported")
    assert list(imported.after["handed_over"].values()) == [sorted(t.pk for t in s.open_tasks)]


def test_a_successor_starting_another_day_or_in_another_seat_is_not_a_hand_over(succession):
    s = succession
    office = s.world[Role.INSPECTION_OFFICE]
    rows = [_entry("张书记", "党组书记、厅长", dt.date(2020, 1, 1), dt.date(2026, 7, 1), row=2),
            _entry("李新", "党组书记、厅长", dt.date(2026, 8, 1), row=3),
            _entry("王副厅长", "党组副书记", dt.date(2026, 7, 1), row=4)]
    result = roster_plan(actor=office, unit=s.world.unit_a, entries=rows)
    assert [e.row for e in result.errors] == [2]


def test_the_confirmation_fails_when_the_open_tasks_changed_since_the_preview(succession):
    s = succession
    office = s.world[Role.INSPECTION_OFFICE]
    rows = [_entry("张书记", "党组书记、厅长", dt.date(2020, 1, 1), dt.date(2026, 7, 1), row=2),
            _entry("李新", "党组书记、厅长", dt.date(2026, 7, 1), row=3)]
    preview = roster_plan(actor=office, unit=s.world.unit_a, entries=rows)
    from rectify.rectification.models import Task, TaskStatus

    Task.objects.filter(pk=s.open_tasks[0].pk).update(status=TaskStatus.CLOSED)  # closed out meanwhile
    with pytest.raises(Conflict):
        roster_apply(actor=office, unit=s.world.unit_a, entries=rows, expected_fingerprint=preview.fingerprint)
    assert not LeaderHandover.objects.exists()
