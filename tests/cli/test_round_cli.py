"""`rectify round create` and `rectify round add-unit`: the contract outside scripts rely on."""

from __future__ import annotations

import json

from rectify import cli
from rectify.inspections.models import InspectedUnit, InspectionRound, InspectionTeam
from rectify.orgs.models import OrgUnit
from tests import factories


def _json(capsys) -> dict:  # type: ignore[no-untyped-def]
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1, out  # exactly one JSON object
    return json.loads(out[0])


def test_round_create_json_prints_the_code(db, capsys):
    code = cli.main(["round", "create", "YN-2026-3", "--name", "省委第三轮巡视", "--kind", "regular",
                     "--level", "provincial", "--start", "2026-03-01", "--end", "2026-04-30", "--json"])
    assert code == 0
    body = _json(capsys)
    assert (body["code"], body["kind"], body["start"], body["end"]) == ("YN-2026-3", "regular", "2026-03-01",
                                                                       "2026-04-30")
    assert InspectionRound.objects.get(code="YN-2026-3").name == "省委第三轮巡视"


def test_look_back_of_is_optional_for_a_look_back_round_and_resolves_when_given(world, capsys):
    assert cli.main(["round", "create", "LB-A", "--name", "回头看甲", "--kind", "look_back", "--level", "city",
                     "--start", "2027-01-01", "--json"]) == 0
    assert _json(capsys)["look_back_of"] is None
    assert cli.main(["round", "create", "LB-B", "--name", "回头看乙", "--kind", "look_back", "--level", "city",
                     "--start", "2027-01-01", "--look-back-of", world.round.code, "--json"]) == 0
    assert _json(capsys)["look_back_of"] == world.round.code
    assert InspectionRound.objects.get(code="LB-B").look_back_of == world.round


def test_round_create_errors_exit_non_zero_with_the_message_in_json_and_on_stderr(world, capsys):
    code = cli.main(["round", "create", world.round.code, "--name", "重复", "--kind", "regular",
                     "--level", "provincial", "--start", "2026-03-01", "--json"])
    assert code != 0
    captured = capsys.readouterr()
    body = json.loads(captured.out)
    assert body["code"] == "duplicate_code" and body["field"] == "code" and "已存在" in body["error"]
    assert "已存在" in captured.err
    assert cli.main(["round", "create", "X1", "--name", "坏日期", "--kind", "regular", "--level", "provincial",
                     "--start", "2026-02-30"]) != 0
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert cli.main(["round", "create", "X2", "--name", "坏类型", "--kind", "secret", "--level", "provincial",
                     "--start", "2026-02-01", "--json"]) != 0
    assert _json(capsys)["field"] == "kind"
    assert not InspectionRound.objects.filter(code__in=["X1", "X2"]).exists()


def test_add_unit_creates_an_unknown_unit_under_its_parent_and_the_team(world, capsys):
    code = cli.main(["round", "add-unit", world.round.code, "--unit", "QJ", "--unit-name", "曲靖市",
                     "--parent", "PROV", "--kind", "prefecture", "--feedback-date", "2026-05-20",
                     "--team", "第八巡视组", "--json"])
    assert code == 0
    body = _json(capsys)
    assert (body["unit"], body["team"], body["unit_created"], body["team_created"]) == ("QJ", "第八巡视组", True, True)
    assert (body["rectification_end"], body["report_due"]) == ("2026-08-19", "2026-07-20")
    unit = OrgUnit.objects.get(code="QJ")
    assert unit.parent.code == "PROV" and unit.kind == "prefecture"
    assert InspectionTeam.objects.filter(round=world.round, name="第八巡视组").count() == 1
    assert InspectedUnit.objects.filter(round=world.round, unit=unit).exists()


def test_add_unit_without_a_name_for_an_unknown_code_fails_and_writes_nothing(world, capsys):
    code = cli.main(["round", "add-unit", world.round.code, "--unit", "NOPE", "--feedback-date", "2026-05-20",
                     "--team", "第九巡视组", "--json"])
    assert code != 0
    assert _json(capsys)["field"] == "unit"
    assert not InspectionTeam.objects.filter(name="第九巡视组").exists()  # all or nothing
    assert cli.main(["round", "add-unit", "NO-ROUND", "--unit", "EDU", "--feedback-date", "2026-05-20"]) != 0
    assert "NO-ROUND" in capsys.readouterr().err
    assert cli.main(["round", "add-unit", world.round.code, "--unit", "EDU", "--feedback-date", "2026-05-20"]) != 0
    assert "已在本轮" in capsys.readouterr().err


def test_add_unit_plain_output_names_the_periods(world, capsys):
    factories.org_unit(name="省审计厅", code="AUD", parent=world.unit_a.parent)
    assert cli.main(["round", "add-unit", world.round.code, "--unit", "AUD", "--feedback-date", "2026-05-01"]) == 0
    out = capsys.readouterr().out
    assert "2026-07-31" in out and "2026-07-01" in out
