"""The import page as a unit lead and the office use it (issue 8 §1): a blank template to start from, the unit
picked from the round's inspected units, the parsed values of new rows in the preview, and errors that never
tell whether a unit code exists outside the user's scope."""

from __future__ import annotations

import io
from urllib.parse import unquote

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from rectify.accounts.models import Role
from rectify.core.errors import NotFound
from rectify.ledger.services import ledger_import
from rectify.orgs.models import OrgUnit
from tests import factories
from tests.ledger import fixtures


def client_for(user) -> Client:  # type: ignore[no-untyped-def]
    c = Client()
    c.force_login(user)
    return c


def test_the_blank_template_reimports_without_a_question(world):
    response = client_for(world[Role.UNIT_LEAD]).get(reverse("ledger:import_template"))
    assert response.status_code == 200 and "整改台账模板.xlsx" in unquote(response["Content-Disposition"])
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == ["整改台账", "填表说明"]
    header = [c.value for c in workbook["整改台账"][3]]
    assert header[:3] == ["序号", "问题类别", "反馈问题"] and "完成时限" in header
    report = ledger_import(actor=world[Role.UNIT_LEAD], data=response.content, filename="整改台账模板.xlsx",
                           round_code=world.round.code, unit_code="EDU", dry_run=True)
    assert report.errors == [] and report.problems["new"] == 0 and report.tasks["new"] == 0


def test_the_unit_picker_offers_the_rounds_inspected_units(world):
    other = factories.inspection_round(code="R-OTHER")
    factories.inspected_unit(rnd=other, unit=factories.org_unit(name="省审计厅", code="AUD"))
    office = client_for(world[Role.INSPECTION_OFFICE])
    body = office.get(reverse("ledger:import_start") + f"?round={world.round.code}").content.decode()
    assert "省教育厅（EDU）" in body and "省财政厅（FIN）" in body and "省审计厅" not in body
    assert "其他单位（尚未列入本轮）" in body
    options = office.get(reverse("ledger:import_unit_options") + "?round_code=R-OTHER").content.decode()
    assert "省审计厅（AUD）" in options and "省教育厅" not in options
    lead = client_for(world[Role.UNIT_LEAD]).get(reverse("ledger:import_start")).content.decode()
    assert "省教育厅（EDU）" in lead and "省财政厅" not in lead and "其他单位" not in lead


@pytest.mark.usefixtures("feedback_2021")
def test_the_preview_shows_what_new_rows_will_hold(fresh_unit):
    report = ledger_import(actor=fresh_unit[Role.INSPECTION_OFFICE], data=fixtures.provincial_department_xlsx(),
                           filename="台账.xlsx", round_code=fresh_unit.round.code, unit_code="EDU", dry_run=True)
    changes = {c.key: {f.field: f.after for f in c.fields} for c in report.changes if c.state == "new"}
    problem = changes["问题 3"]
    assert problem["description"] == "选人用人不规范" and problem["kind"] == "反馈问题"
    immediate = changes["问题 3 · 措施 1"]  # written 立行立改 without a date: due at the end of the period
    assert immediate["deadline_kind"] == "立行立改" and immediate["due_date"] == "2022年1月14日"
    assert immediate["leader"] == "张华" and immediate["department"] == "人事处"


def test_an_unknown_code_and_another_units_code_get_the_same_answer(world):
    assert OrgUnit.objects.filter(code="FIN").exists()  # someone else's unit; NOSUCH is nobody's
    lead = world[Role.UNIT_LEAD]
    answers = []
    for code, name in (("FIN", ""), ("NOSUCH", ""), ("FIN", "某单位"), ("NOSUCH", "某单位"), ("fin", "")):
        with pytest.raises(NotFound) as e:
            ledger_import(actor=lead, data=b"x", filename="a.csv", round_code=world.round.code, unit_code=code,
                          unit_name=name, dry_run=True)
        answers.append((e.value.status, e.value.code, e.value.message))
    assert len(set(answers)) == 1
