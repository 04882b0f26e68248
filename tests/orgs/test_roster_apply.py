"""The roster batch service in orgs: who may apply a roster, and a confirmation that no longer matches."""

from __future__ import annotations

import datetime as dt

import pytest

from rectify.accounts.models import Role
from rectify.core.errors import Conflict, NotFound, PermissionDenied
from rectify.orgs.models import Person, Tenure
from rectify.orgs.selectors import org_unit_get_for
from rectify.orgs.services import RosterEntry, roster_apply, roster_plan


def entry(name: str, title: str, start: dt.date, end: dt.date | None = None, row: int = 2) -> RosterEntry:
    return RosterEntry(sheet="名单", row=row, name=name, title=title, start=start, end=end,
                       is_principal=title.startswith("党组书记"), columns={"name": "A", "start": "C"})


def test_only_roster_maintainers_apply_and_other_units_are_not_found(world):  # type: ignore[no-untyped-def]
    rows = [entry("赵敏", "党组成员、副厅长", dt.date(2019, 1, 1))]
    with pytest.raises(NotFound):
        org_unit_get_for(user=world["unit_lead_b"], code="EDU")
    for role in (Role.UNIT_MEMBER, Role.COMMISSION, Role.LEADER):
        with pytest.raises(PermissionDenied):
            roster_apply(actor=world[role], unit=world.unit_a, entries=rows)
    with pytest.raises(PermissionDenied):
        roster_apply(actor=world["unit_lead_b"], unit=world.unit_a, entries=rows)
    assert not Person.objects.filter(name="赵敏").exists()
    result = roster_apply(actor=world[Role.UNIT_LEAD], unit=org_unit_get_for(user=world[Role.UNIT_LEAD], code="EDU"),
                          entries=rows)
    assert result.committed and Tenure.objects.filter(person__name="赵敏", person__unit=world.unit_a).exists()


def test_a_confirmation_after_someone_changed_the_roster_is_a_conflict(world):  # type: ignore[no-untyped-def]
    office = world[Role.INSPECTION_OFFICE]
    rows = [entry("张书记", "党组书记、厅长", dt.date(2020, 1, 1), dt.date(2024, 3, 1))]
    preview = roster_plan(actor=office, unit=world.unit_a, entries=rows)
    assert preview.tenures == {"new": 0, "changed": 1, "unchanged": 0}
    Tenure.objects.filter(person__name="张书记").update(end=dt.date(2023, 1, 1))  # someone else, meanwhile
    with pytest.raises(Conflict):
        roster_apply(actor=office, unit=world.unit_a, entries=rows, expected_fingerprint=preview.fingerprint)
    assert Tenure.objects.get(person__name="张书记").end == dt.date(2023, 1, 1)


def test_same_person_keeps_one_record_across_posts_and_leaving(world):  # type: ignore[no-untyped-def]
    office = world[Role.INSPECTION_OFFICE]
    rows = [entry("李华", "党组成员、副厅长", dt.date(2015, 1, 1), dt.date(2019, 12, 1), row=2),
            entry("李华", "党组书记、厅长", dt.date(2026, 1, 1), row=3),
            entry("张书记", "党组书记、厅长", dt.date(2020, 1, 1), dt.date(2026, 1, 1), row=4)]
    result = roster_apply(actor=office, unit=world.unit_a, entries=rows)
    # 张书记 left: the file names no post held now, so the stored person stays as it is.
    assert result.errors == [] and result.people == {"new": 1, "changed": 0, "unchanged": 1}
    assert Person.objects.filter(name="李华").count() == 1
    assert Person.objects.get(name="李华").title == "党组书记、厅长"  # the post held now


def test_a_preview_in_english_can_be_confirmed_in_chinese(world):  # type: ignore[no-untyped-def]
    from django.utils import translation

    office = world[Role.INSPECTION_OFFICE]
    rows = [entry("赵敏", "党组成员、副厅长", dt.date(2019, 1, 1)),
            entry("张书记", "党组书记、厅长", dt.date(2020, 1, 1), dt.date(2024, 3, 1), row=3)]
    with translation.override("en"):
        fingerprint = roster_plan(actor=office, unit=world.unit_a, entries=rows).fingerprint
    with translation.override("zh-hans"):
        assert roster_apply(actor=office, unit=world.unit_a, entries=rows, expected_fingerprint=fingerprint).committed
