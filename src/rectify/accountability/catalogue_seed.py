"""The catalogue's reference rows, added again where they are missing (in bulk, a few queries).

Migrations seed the catalogue (``0002_seed_catalogue``, ``0003_form_severity``) and remain the one source of
its texts; this writes the same rows for a database whose catalogue tables were emptied since — a test run's
flush between live-server tests — before the demo is loaded into it. Rows that exist are never touched.
"""

from __future__ import annotations

from importlib import import_module

from django.db import transaction

from rectify.accountability.models import (
    AccountabilityForm,
    Circumstance,
    Factor,
    FaultTolerance,
    ResponsibilityType,
)

_SEED = "rectify.accountability.migrations.0002_seed_catalogue"
_SEVERITY = "rectify.accountability.migrations.0003_form_severity"


def _order(rows: list[tuple]) -> dict[str, int]:
    return {row[0]: (i + 1) * 10 for i, row in enumerate(rows)}


@transaction.atomic
def catalogue_ensure() -> int:
    """Add every seeded row whose code is missing; returns how many were added (no write when none is)."""
    if Circumstance.objects.exists() and AccountabilityForm.objects.exists() and Factor.objects.exists():
        return 0
    seed, severity = import_module(_SEED), import_module(_SEVERITY).SEVERITY
    added = 0

    def missing(model: type, rows: list[tuple]) -> list[tuple]:
        existing = set(model.objects.values_list("code", flat=True))
        return [row for row in rows if row[0] not in existing]

    order = _order(seed.CIRCUMSTANCES)
    rows = missing(Circumstance, seed.CIRCUMSTANCES)
    for top in (True, False):  # parents first, then the sub-items pointing at them
        parents = {c.code: c for c in Circumstance.objects.filter(parent__isnull=True)}
        batch = [Circumstance(code=code, name=name, article=article, description=description, sort_order=order[code],
                              parent=parents.get(parent) if parent else None, is_rectification=is_rectification)
                 for code, name, article, description, parent, is_rectification in rows if (parent is None) is top]
        added += len(Circumstance.objects.bulk_create(batch))
    order = _order(seed.FORMS)
    rows = missing(AccountabilityForm, seed.FORMS)
    for top in (True, False):
        parents = {f.code: f for f in AccountabilityForm.objects.filter(parent__isnull=True)}
        batch = [AccountabilityForm(code=code, name=name, article=article, description=description,
                                    sort_order=order[code], applies_to=applies_to, parent=parents.get(parent) if parent
                                    else None, requires_disciplinary_record=disciplinary, no_promotion_months=promotion,
                                    no_leading_post_months=leading, no_higher_post_months=higher, impact_basis=basis,
                                    severity=severity.get(code, 0))
                 for (code, name, article, description, applies_to, parent, disciplinary, promotion, leading, higher,
                      basis) in rows if (parent is None) is top]
        added += len(AccountabilityForm.objects.bulk_create(batch))
    order = _order(seed.RESPONSIBILITY_TYPES)
    added += len(ResponsibilityType.objects.bulk_create([
        ResponsibilityType(code=code, name=name, article=article, description=description, sort_order=order[code])
        for code, name, article, description in missing(ResponsibilityType, seed.RESPONSIBILITY_TYPES)]))
    order = _order(seed.FACTORS)
    added += len(Factor.objects.bulk_create([
        Factor(code=code, kind=kind, name=name, article=article, description=description, sort_order=order[code],
               requires_evidence=True, evidence=evidence)
        for code, kind, name, article, description, evidence in missing(Factor, seed.FACTORS)]))
    order = _order(seed.FAULT_TOLERANCE)
    factors = {f.code: f for f in Factor.objects.all()}
    added += len(FaultTolerance.objects.bulk_create([
        FaultTolerance(code=code, name=name, article=seed.SOURCE, description=description, sort_order=order[code],
                       tolerated=tolerated, not_tolerated=not_tolerated, factor=factors[factor], requires_evidence=True,
                       evidence=evidence)
        for code, name, description, tolerated, not_tolerated, factor, evidence in missing(FaultTolerance,
                                                                                           seed.FAULT_TOLERANCE)]))
    return added
