"""The catalogue's reference rows are written again, the same as the migrations wrote them, where its tables were
emptied (a live-server test's flush) — and an existing catalogue, edits included, is never touched."""

from __future__ import annotations

import pytest

from rectify.accountability.catalogue_seed import catalogue_ensure
from rectify.accountability.models import (
    AccountabilityForm,
    Circumstance,
    Factor,
    FaultTolerance,
    ResponsibilityType,
)

pytestmark = pytest.mark.django_db


def _snapshot() -> dict[str, list[tuple]]:
    fields = {
        Circumstance: ("code", "name", "article", "description", "sort_order", "parent__code", "is_rectification"),
        AccountabilityForm: ("code", "name", "article", "applies_to", "parent__code", "requires_disciplinary_record",
                             "no_promotion_months", "no_leading_post_months", "no_higher_post_months", "severity"),
        ResponsibilityType: ("code", "name", "article", "description", "sort_order"),
        Factor: ("code", "kind", "name", "article", "evidence", "sort_order"),
        FaultTolerance: ("code", "name", "article", "tolerated", "factor__code", "evidence"),
    }
    return {m.__name__: sorted(m.objects.values_list(*f)) for m, f in fields.items()}


def test_an_emptied_catalogue_is_seeded_again_as_the_migrations_did():
    seeded = _snapshot()
    FaultTolerance.objects.all().delete()
    for model in (Factor, ResponsibilityType):
        model.objects.all().delete()
    for model in (Circumstance, AccountabilityForm):  # sub-items first: their parents are protected
        model.objects.filter(parent__isnull=False).delete()
        model.objects.all().delete()
    assert catalogue_ensure() == sum(len(rows) for rows in seeded.values())
    assert _snapshot() == seeded


def test_an_existing_catalogue_is_left_alone():
    Circumstance.objects.filter(code="other").update(name="其他失职失责情形（本地表述）")
    assert catalogue_ensure() == 0
    assert Circumstance.objects.get(code="other").name == "其他失职失责情形（本地表述）"
