"""Writes to rounds, inspected units, problems and clues."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from rectify.audit.services import audit_record
from rectify.core.errors import DomainError
from rectify.inspections.models import InspectedUnit, InspectionRound, InspectionTeam
from rectify.orgs.models import OrgUnit


@transaction.atomic
def inspected_unit_add(
    *, actor: object | None, round: InspectionRound, unit: OrgUnit, feedback_date: dt.date,
    team: InspectionTeam | None = None,
) -> InspectedUnit:
    if feedback_date < round.start_date:
        raise DomainError(_("反馈日期不能早于巡视进驻日期。"), code="feedback_before_start",
                          details={"field": "feedback_date"})
    if InspectedUnit.objects.filter(round=round, unit=unit).exists():
        raise DomainError(_("“%(unit)s”已在本轮巡视的被巡视单位中。") % {"unit": unit}, code="duplicate_inspected_unit")
    inspected = InspectedUnit.objects.create(round=round, unit=unit, feedback_date=feedback_date, team=team)
    audit_record(actor=actor, action="inspected_unit.added", obj=inspected,
                 after={"round": round.code, "unit": unit.code, "feedback_date": feedback_date})
    return inspected
