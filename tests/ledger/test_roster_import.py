"""Importing a unit's leadership roster (领导班子成员名单/任职情况表): the file, the CLI and the web page."""

from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rectify import cli
from rectify.accounts.models import Role
from rectify.audit.models import AuditEvent
from rectify.core.testing import capture_queries
from rectify.ledger.roster import parse_roster, parse_term, roster_import
from rectify.orgs.models import Person, Post, Tenure
from rectify.orgs.selectors import leaders_during
from tests.ledger.fixtures import encrypt_xlsx

D = dt.date


def xlsx(rows: list[list[object]], *, title: str | None = "省教育厅领导班子成员任职情况表") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任职情况"
    if title:
        ws.append([title])
        ws.append(["填报单位：省教育厅（盖章）"])
    for row in rows:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


ONE_COLUMN = [
    ["序号", "姓名", "现任（曾任）职务", "任职起止时间", "分管工作"],
    [1, "王  刚", "党组书记、厅长", "2016.05—2020.08", "全面工作"],
    [2, "李华", "党组书记、厅长", "2020.08—", "负责全面工作"],
    [3, "赵敏", "党组成员、副厅长", "2018年3月至今", "分管人事处、财务处"],
    [4, "钱军", "党组成员、副厅长", "2021.10-至今", "基础教育处；高等教育处"],
    [5, "孙强", "党组成员、副厅长", "2017年6月—2021年10月", "职业教育处"],
    [6, "周红", "党组成员、副厅长", "2019.01—", ""],
]
TWO_COLUMNS = [
    ["姓名", "职务", "任职时间", "离任时间", "分管领域"],
    ["王刚", "党组书记、厅长", "2016.05", "2020.08", "全面工作"],
    ["李华", "党组书记、厅长", "2020年8月", "至今", "全面工作"],
    ["赵敏", "党组成员、副厅长", "2018年3月", "", "人事处、财务处"],
    ["钱军", "党组成员、副厅长", "2021.10", "至今", "基础教育处、高等教育处"],
    ["孙强", "党组成员、副厅长", "2017年6月", "2021年10月", "职业教育处"],
    ["周红", "党组成员、副厅长", "2019.01", None, None],
]
EXPECTED_TERMS = {
    ("王刚", D(2016, 5, 1), D(2020, 8, 1)), ("李华", D(2020, 8, 1), None), ("赵敏", D(2018, 3, 1), None),
    ("钱军", D(2021, 10, 1), None), ("孙强", D(2017, 6, 1), D(2021, 10, 1)), ("周红", D(2019, 1, 1), None),
}


def terms(parsed) -> set[tuple[str, dt.date, dt.date | None]]:  # type: ignore[no-untyped-def]
    return {(e.name, e.start, e.end) for e in parsed.entries}


def _clear_unit(world) -> None:  # type: ignore[no-untyped-def]
    """Unit A without the factory's principal, so a roster's principals are the only ones."""
    Tenure.objects.filter(post__unit=world.unit_a).delete()
    Post.objects.filter(unit=world.unit_a).delete()
    Person.objects.filter(unit=world.unit_a).delete()


@pytest.fixture
def empty_a(world):  # type: ignore[no-untyped-def]
    _clear_unit(world)
    return world


# --------------------------------------------------------------------------- the file

@pytest.mark.parametrize(("text", "start", "end", "open_end"), [
    ("2016.05—2020.08", D(2016, 5, 1), D(2020, 8, 1), False),
    ("2018年3月至今", D(2018, 3, 1), None, True),
    ("2019.01—", D(2019, 1, 1), None, True),
    ("2021.10-至今", D(2021, 10, 1), None, True),
    ("2017年6月—2021年10月", D(2017, 6, 1), D(2021, 10, 1), False),
    ("2016.5.12—2020.8.3", D(2016, 5, 12), D(2020, 8, 3), False),
    ("2016年5月至2020年8月", D(2016, 5, 1), D(2020, 8, 1), False),
    ("2016-05~2020-08", D(2016, 5, 1), D(2020, 8, 1), False),
])
def test_every_term_spelling_is_read_month_only_as_the_first(text, start, end, open_end):  # type: ignore[no-untyped-def]
    term = parse_term(text)
    assert term.valid and (term.start, term.end, term.open_end) == (start, end, open_end)


@pytest.mark.parametrize("text", ["2016", "去年", "2016.13", "2016.05—2020.08—2022.01", "2016.05 与 2020.08"])
def test_unreadable_dates_are_not_guessed(text):  # type: ignore[no-untyped-def]
    assert not parse_term(text).valid


def test_date_cells_and_numbers_typed_as_year_dot_month():  # type: ignore[no-untyped-def]
    assert parse_term(dt.datetime(2019, 3, 15)).start == D(2019, 3, 15)
    assert parse_term(2016.05).start == D(2016, 5, 1)
    assert parse_term(2016.1).start == D(2016, 10, 1)  # Excel shows 2016.10 typed as a number as 2016.1
    assert parse_term(2016.1).note


def test_one_term_column_and_two_columns_read_the_same_with_title_rows():  # type: ignore[no-untyped-def]
    one = parse_roster(xlsx(ONE_COLUMN), "名单.xlsx")
    two = parse_roster(xlsx(TWO_COLUMNS), "名单.xlsx")
    assert one.errors == [] and two.errors == []
    assert terms(one) == terms(two) == EXPECTED_TERMS
    assert one.entries[0].row == 4  # two title rows and the header above it
    assert {e.name: e.areas for e in one.entries}["钱军"] == "基础教育处、高等教育处"


def test_gbk_csv_is_read():  # type: ignore[no-untyped-def]
    text = "\n".join(",".join("" if v is None else str(v) for v in row) for row in TWO_COLUMNS)
    parsed = parse_roster(("省教育厅领导班子成员名单\n" + text).encode("gbk"), "名单.csv")
    assert parsed.errors == [] and terms(parsed) == EXPECTED_TERMS


@pytest.mark.parametrize(("title", "column", "principal"), [
    ("党组书记、厅长", None, True),
    ("党委书记、董事长", None, True),
    ("党委副书记、总经理", None, False),
    ("纪委书记", None, False),
    ("党组成员、副厅长", None, False),
    ("党组书记、厅长", "否", False),
    ("局长", "是", True),
])
def test_principal_from_the_title_unless_a_column_says_otherwise(title, column, principal):  # type: ignore[no-untyped-def]
    parsed = parse_roster(xlsx([["姓名", "职务", "任职时间", "是否主要负责人"], ["甲", title, "2020.01", column]]), "x.xlsx")
    assert parsed.errors == []
    assert parsed.entries[0].is_principal is principal
    assert parsed.entries[0].is_leadership_member


def test_a_rank_alone_is_not_a_leadership_member():  # type: ignore[no-untyped-def]
    parsed = parse_roster(xlsx([["姓名", "职务", "任职时间"], ["甲", "二级巡视员", "2020.01"],
                                ["乙", "党组成员、副厅长", "2020.01"]]), "x.xlsx")
    assert [e.is_leadership_member for e in parsed.entries] == [False, True]


def test_row_errors_name_sheet_row_column_and_what_to_fix(empty_a):  # type: ignore[no-untyped-def]
    rows = [
        ["姓名", "职务", "任职时间", "离任时间"],
        ["甲", "党组成员、副厅长", "去年", None],             # row 4: unreadable date
        ["乙", "党组成员、副厅长", "2020.05", "2019.01"],     # row 5: end before start
        [None, "党组成员、副厅长", "2020.05", None],           # row 6: no name
        ["丙", None, "2020.05", None],                        # row 7: no post
        ["丁", "党组成员、副厅长", "2020.05", None],
        ["丁", "党组成员、副厅长", "2020.05", None],           # row 9: duplicated
        ["戊", "党组书记、厅长", "2016.05", "2020.09"],
        ["己", "党组书记、厅长", "2020.08", None],             # row 11: overlaps 戊 as principal
    ]
    result = roster_import(actor=None, data=xlsx(rows), filename="x.xlsx", unit_code="EDU", dry_run=False)
    where = {(e.sheet, e.row, e.column) for e in result.errors}
    assert where == {("任职情况", 4, "C"), ("任职情况", 5, "D"), ("任职情况", 6, "A"), ("任职情况", 7, "B"),
                     ("任职情况", 9, "A"), ("任职情况", 11, "C")}
    messages = " ".join(e.message for e in result.errors)
    for words in ("无法识别", "不晚于任职时间", "缺少“姓名”", "缺少“职务”", "重复", "重叠"):
        assert words in messages
    assert not result.committed
    assert not Person.objects.filter(unit=empty_a.unit_a).exists()  # an error anywhere writes nothing
    assert not Tenure.objects.filter(post__unit=empty_a.unit_a).exists()


def test_successor_starting_the_month_the_predecessor_left_does_not_overlap(empty_a):  # type: ignore[no-untyped-def]
    rows = [["姓名", "职务", "任职起止时间"], ["王刚", "党组书记、厅长", "2016.05—2020.08"],
            ["李华", "党组书记、厅长", "2020.08—至今"]]
    result = roster_import(actor=None, data=xlsx(rows), filename="x.xlsx", unit_code="EDU", dry_run=False)
    assert result.errors == [] and result.committed
    in_july = leaders_during(unit=empty_a.unit_a, start=D(2020, 7, 31), end=D(2020, 7, 31))
    in_august = leaders_during(unit=empty_a.unit_a, start=D(2020, 8, 1), end=D(2020, 8, 1))
    assert [leader.name for leader in in_july] == ["王刚"]
    assert [leader.name for leader in in_august] == ["李华"]


def test_successive_holders_share_one_seat_and_deputies_in_post_at_once_get_one_each(empty_a):  # type: ignore[no-untyped-def]
    rows = [["姓名", "职务", "任职起止时间", "分管工作"],
            ["王刚", "党组书记、厅长", "2016.05—2020.08", "全面工作"],
            ["李华", "党组书记、厅长", "2020.08—至今", "全面工作"],
            ["赵敏", "党组成员、副厅长", "2018.03—至今", "人事处"],
            ["钱军", "党组成员、副厅长", "2019.01—至今", "人事处"]]  # the same areas, in post at the same time
    assert roster_import(actor=None, data=xlsx(rows), filename="x.xlsx", unit_code="EDU", dry_run=False).committed
    holders = {post.title: [] for post in Post.objects.filter(unit=empty_a.unit_a)}
    seats = [sorted(t.person.name for t in Tenure.objects.filter(post=post)) for post in
             Post.objects.filter(unit=empty_a.unit_a).order_by("id")]
    assert len(holders) == 2 and sorted(seats) == [["李华", "王刚"], ["赵敏"], ["钱军"]]
    # A later file naming the next principal puts them in the same seat, after the stored holder left.
    later = [*rows[:2], ["李华", "党组书记、厅长", "2020.08—2025.03", "全面工作"],
             ["孙强", "党组书记、厅长", "2025.03—至今", "全面工作"]]
    assert roster_import(actor=None, data=xlsx(later), filename="x.xlsx", unit_code="EDU", dry_run=False).committed
    principal_posts = Post.objects.filter(unit=empty_a.unit_a, is_principal=True)
    assert principal_posts.count() == 1
    assert [t.person.name for t in Tenure.objects.filter(post=principal_posts.get()).order_by("start")] == [
        "王刚", "李华", "孙强"]


def test_a_new_principal_overlapping_the_stored_one_is_an_error(world):  # type: ignore[no-untyped-def]
    rows = [["姓名", "职务", "任职时间"], ["李华", "党组书记、厅长", "2023.05"]]  # 张书记 holds it since 2020
    result = roster_import(actor=None, data=xlsx(rows), filename="x.xlsx", unit_code="EDU", dry_run=False)
    assert [e.row for e in result.errors] == [4] and "张书记" in result.errors[0].message
    fixed = [*rows, ["张书记", "党组书记、厅长", "2020年1月—2023年5月"]]
    result = roster_import(actor=None, data=xlsx(fixed), filename="x.xlsx", unit_code="EDU", dry_run=False)
    assert result.errors == [] and result.tenures == {"new": 1, "changed": 1, "unchanged": 0}
    assert Tenure.objects.get(person__name="张书记").end == D(2023, 5, 1)


# --------------------------------------------------------------------------- commit and re-import

def test_dry_run_writes_nothing_then_commit_then_reimport_changes_nothing(empty_a):  # type: ignore[no-untyped-def]
    data = xlsx(ONE_COLUMN)
    events = AuditEvent.objects.count()
    dry = roster_import(actor=None, data=data, filename="x.xlsx", unit_code="EDU", dry_run=True)
    assert dry.people == {"new": 6, "changed": 0, "unchanged": 0}
    assert dry.tenures == {"new": 6, "changed": 0, "unchanged": 0}
    assert not Person.objects.filter(unit=empty_a.unit_a).exists() and AuditEvent.objects.count() == events

    done = roster_import(actor=None, data=data, filename="x.xlsx", unit_code="EDU", dry_run=False)
    assert done.committed and done.tenures["new"] == 6
    assert AuditEvent.objects.count() == events + 1
    event = AuditEvent.objects.latest("id")
    assert event.action == "roster.imported" and event.after["tenures"]["new"] == 6
    li = Tenure.objects.select_related("post").get(person__name="李华")
    assert li.post.is_principal and li.end is None and li.post.areas == "全面工作"
    assert Person.objects.get(name="李华").title == "党组书记、厅长"
    assert not Tenure.objects.get(person__name="赵敏").post.is_principal

    snapshot = sorted(Tenure.objects.values_list("id", "start", "end", "version", "post__areas", "post__version"))
    again = roster_import(actor=None, data=data, filename="x.xlsx", unit_code="EDU", dry_run=False)
    assert again.people == {"new": 0, "changed": 0, "unchanged": 6}
    assert again.tenures == {"new": 0, "changed": 0, "unchanged": 6}
    assert again.changes == []
    assert sorted(Tenure.objects.values_list("id", "start", "end", "version", "post__areas", "post__version")) == snapshot
    assert AuditEvent.objects.count() == events + 1
    two = roster_import(actor=None, data=xlsx(TWO_COLUMNS), filename="y.xlsx", unit_code="EDU", dry_run=True)
    assert two.tenures["unchanged"] == 6 and two.tenures["new"] == 0  # the other layout is the same roster


def test_end_areas_and_principal_changes_are_field_by_field_and_audited(empty_a):  # type: ignore[no-untyped-def]
    roster_import(actor=None, data=xlsx(ONE_COLUMN), filename="x.xlsx", unit_code="EDU", dry_run=False)
    changed = [list(r) for r in ONE_COLUMN]
    changed[3][3] = "2018年3月—2023年6月"  # 赵敏 left
    changed[4][4] = "基础教育处"  # 钱军's areas
    changed[0].append("是否主要负责人")
    changed[2].append("否")  # 李华 declared not the principal
    result = roster_import(actor=None, data=xlsx(changed), filename="x.xlsx", unit_code="EDU", dry_run=False)
    assert result.errors == [] and result.tenures == {"new": 0, "changed": 3, "unchanged": 3}
    fields = {c.key.split(" · ")[0]: {f["field"]: (f["before"], f["after"]) for f in c.fields}
              for c in result.changes if c.kind == "tenure"}
    assert fields["赵敏"] == {"end": ("", "2023年6月1日")}
    assert fields["钱军"] == {"areas": ("基础教育处、高等教育处", "基础教育处")}
    assert fields["李华"] == {"is_principal": ("是", "否")}
    zhao = Tenure.objects.get(person__name="赵敏")
    assert zhao.end == D(2023, 6, 1) and zhao.version == 2
    event = AuditEvent.objects.latest("id")
    key = next(k for k in event.after["changed"] if k.startswith("赵敏"))
    assert event.before["changed"][key] == {"end": None} and event.after["changed"][key] == {"end": "2023-06-01"}
    # A file cannot reopen a tenure: an empty end keeps the stored one (a notice says so).
    result = roster_import(actor=None, data=xlsx(ONE_COLUMN), filename="x.xlsx", unit_code="EDU", dry_run=True)
    assert Tenure.objects.get(person__name="赵敏").end == D(2023, 6, 1)
    assert any("保留系统中的离任时间" in n for n in result.notices)


def test_a_different_start_for_a_stored_tenure_is_a_new_one_with_a_notice(world):  # type: ignore[no-untyped-def]
    rows = [["姓名", "职务", "任职时间", "是否主要负责人"], ["张书记", "党组书记、厅长", "2020.03", "否"]]
    result = roster_import(actor=None, data=xlsx(rows), filename="x.xlsx", unit_code="EDU", dry_run=True)
    assert result.tenures["new"] == 1
    assert any("更正任职时间" in n and "张书记" in n for n in result.notices)


def test_rows_missing_from_the_file_are_never_deleted(world):  # type: ignore[no-untyped-def]
    rows = [["姓名", "职务", "任职时间"], ["赵敏", "党组成员、副厅长", "2018.03"]]
    result = roster_import(actor=None, data=xlsx(rows), filename="x.xlsx", unit_code="EDU", dry_run=False)
    assert result.committed
    assert Tenure.objects.filter(person__name="张书记", end__isnull=True).exists()


def test_commit_query_count_does_not_grow_with_the_roster(empty_a):  # type: ignore[no-untyped-def]
    def roster(n: int) -> bytes:
        return xlsx([["姓名", "职务", "任职时间", "分管工作"]]
                    + [[f"副职{i}", "党组成员、副厅长", f"20{10 + i % 10}.0{1 + i % 9}", f"处室{i}"] for i in range(n)])

    roster_import(actor=None, data=roster(2), filename="warm.xlsx", unit_code="EDU", dry_run=False)  # audit head
    _clear_unit(empty_a)
    with capture_queries() as small:
        roster_import(actor=None, data=roster(3), filename="a.xlsx", unit_code="EDU", dry_run=False)
    _clear_unit(empty_a)
    with capture_queries() as big:
        result = roster_import(actor=None, data=roster(60), filename="b.xlsx", unit_code="EDU", dry_run=False)
    assert result.tenures["new"] == 60
    assert len(big.captured_queries) == len(small.captured_queries) <= 20


# --------------------------------------------------------------------------- command line

def test_cli_json_is_one_object_of_the_contract_shape(empty_a, tmp_path, capsys):  # type: ignore[no-untyped-def]
    path = tmp_path / "名单.xlsx"
    path.write_bytes(xlsx(ONE_COLUMN))
    assert cli.main(["import-people", str(path), "--unit", "EDU", "--dry-run", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["people"] == {"new": 6, "changed": 0, "unchanged": 0}
    assert out["tenures"] == {"new": 6, "changed": 0, "unchanged": 0}
    assert out["errors"] == [] and out["committed"] is False
    assert not Person.objects.filter(unit=empty_a.unit_a).exists()

    assert cli.main(["import-people", str(path), "--unit", "EDU", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["committed"] is True
    assert Person.objects.filter(unit=empty_a.unit_a).count() == 6


def test_cli_errors_and_unknown_unit_exit_non_zero(empty_a, tmp_path, capsys):  # type: ignore[no-untyped-def]
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([["姓名", "职务", "任职时间"], ["甲", "党组成员、副厅长", "去年"]]))
    assert cli.main(["import-people", str(bad), "--unit", "EDU", "--json"]) == 2
    out = json.loads(capsys.readouterr().out)
    assert out["errors"] == [{"sheet": "任职情况", "row": 4, "column": "C", "message": out["errors"][0]["message"]}]
    assert cli.main(["import-people", str(bad), "--unit", "NOPE", "--json"]) == 2
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"people", "tenures", "errors"} and "NOPE" in out["errors"][0]["message"]


# --------------------------------------------------------------------------- web page

def _upload(client, unit: str, data: bytes, name: str = "名单.xlsx"):  # type: ignore[no-untyped-def]
    return client.post(reverse("ledger:roster_import", args=[unit]), {"file": SimpleUploadedFile(name, data)})


def test_web_upload_preview_then_confirm(empty_a, client):  # type: ignore[no-untyped-def]
    client.force_login(empty_a[Role.UNIT_LEAD])  # a unit lead maintains its own unit's roster
    response = _upload(client, "EDU", xlsx(ONE_COLUMN))
    assert response.status_code == 200
    assert "确认导入" in response.content.decode() and "李华" in response.content.decode()
    assert not Person.objects.filter(unit=empty_a.unit_a).exists()  # the preview writes nothing
    token = response.context["token"]
    response = client.post(reverse("ledger:roster_import", args=["EDU"]), {"token": token})
    assert response.status_code == 302
    assert Tenure.objects.filter(post__unit=empty_a.unit_a).count() == 6
    # The same confirmation again: the roster is what the preview promised no longer (all unchanged), refused.
    response = client.post(reverse("ledger:roster_import", args=["EDU"]), {"token": token}, follow=True)
    assert "已被修改" in response.content.decode()
    assert Tenure.objects.filter(post__unit=empty_a.unit_a).count() == 6


def test_web_errors_are_listed_and_no_confirm_is_offered(empty_a, client):  # type: ignore[no-untyped-def]
    client.force_login(empty_a[Role.INSPECTION_OFFICE])
    response = _upload(client, "EDU", xlsx([["姓名", "职务", "任职时间"], ["甲", "党组成员、副厅长", "去年"]]))
    body = response.content.decode()
    assert response.status_code == 200 and "无法识别" in body and "name=\"token\"" not in body


def test_web_hostile_files_and_tampered_tokens_are_refused(empty_a, client):  # type: ignore[no-untyped-def]
    client.force_login(empty_a[Role.ADMIN])
    response = _upload(client, "EDU", b"<html><table><tr><td>\xe5\xa7\x93\xe5\x90\x8d</td></tr></table></html>",
                       name="名单.xls")
    assert response.status_code == 400 and "不是真正的 Excel 文件" in response.content.decode()
    response = _upload(client, "EDU", b"PK\x03\x04 not really a zip", name="名单.xlsx")
    assert response.status_code == 400 and "已损坏" in response.content.decode()
    response = client.post(reverse("ledger:roster_import", args=["EDU"]), {"token": "forged:token"}, follow=True)
    assert "确认已过期或无效" in response.content.decode()
    assert not Person.objects.filter(unit=empty_a.unit_a).exists()


def test_web_permissions(world, client):  # type: ignore[no-untyped-def]
    url = reverse("ledger:roster_import", args=["EDU"])
    client.force_login(world["unit_lead_b"])  # another unit's lead does not learn that the unit exists
    assert client.get(url).status_code == 404
    assert _upload(client, "EDU", xlsx(ONE_COLUMN)).status_code == 404
    client.force_login(world[Role.UNIT_MEMBER])
    assert client.get(url).status_code == 403
    client.force_login(world[Role.COMMISSION])
    assert client.get(url).status_code == 403
    for role in (Role.UNIT_LEAD, Role.INSPECTION_OFFICE, Role.ADMIN):
        client.force_login(world[role])
        assert client.get(url).status_code == 200
    client.force_login(world[Role.INSPECTION_OFFICE])
    assert client.get(reverse("ledger:roster_import", args=["NOPE"])).status_code == 404


def test_web_password_protected_roster_and_the_size_limit(empty_a, client, monkeypatch):  # type: ignore[no-untyped-def]
    from rectify.ledger import views

    client.force_login(empty_a[Role.INSPECTION_OFFICE])
    url = reverse("ledger:roster_import", args=["EDU"])
    locked = encrypt_xlsx(xlsx(ONE_COLUMN), "mima-2026")
    response = client.post(url, {"file": SimpleUploadedFile("名单.xlsx", locked)})
    assert response.status_code == 400 and "打开密码" in response.content.decode()
    response = client.post(url, {"file": SimpleUploadedFile("名单.xlsx", locked), "password": "mima-2026"})
    assert response.status_code == 200 and response.context["result"].tenures["new"] == 6
    client.post(url, {"token": response.context["token"]})
    assert Tenure.objects.filter(post__unit=empty_a.unit_a).count() == 6

    monkeypatch.setattr(views, "ROSTER_MAX_BYTES", 1024)  # refused while it streams in, before it is stored
    response = client.post(url, {"file": SimpleUploadedFile("名单.xlsx", xlsx(ONE_COLUMN))})
    assert response.status_code == 413 and "文件“名单.xlsx”超过 1 KB 的上限，未保存" in response.content.decode()


def test_real_world_shapes_two_row_header_merged_names_headings_and_footers(empty_a):  # type: ignore[no-untyped-def]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "班子成员"
    ws.append(["XX集团领导班子成员任职情况表"])
    ws.merge_cells("A1:F1")
    ws.append(["序号", "姓名", "现任（曾任）职务", "任职时间", None, "分管工作"])
    ws.append([None, None, None, "起", "止", None])
    ws.merge_cells("D2:E2")
    ws.append(["一、现任领导班子成员"])
    ws.merge_cells("A4:F4")
    ws.append([1, "陈  明", "党委书记、董事长", "2019.03", "2022.06", "全面工作"])
    ws.append([2, "刘洋", "党委副书记、总经理", "2019.03", "2022.06", "生产经营"])
    ws.append([None, None, "党委书记、董事长", "2022.06", None, None])  # 刘洋 again: the name merged down
    ws.merge_cells("B6:B7")
    ws.append(["二、曾任领导班子成员"])
    ws.append([3, "黄河", "原党委书记、董事长", "2014.01", "2019.03", None])
    ws.append(["注：任职时间以任免文件为准。"])
    ws.append(["填表人：张三", None, "填表日期：2024年5月"])
    buf = io.BytesIO()
    wb.save(buf)
    parsed = parse_roster(buf.getvalue(), "集团.xlsx")
    assert parsed.errors == []
    got = [(e.row, e.name, e.title, e.start, e.end, e.is_principal) for e in parsed.entries]
    assert got == [
        (5, "陈明", "党委书记、董事长", D(2019, 3, 1), D(2022, 6, 1), True),
        (6, "刘洋", "党委副书记、总经理", D(2019, 3, 1), D(2022, 6, 1), False),
        (7, "刘洋", "党委书记、董事长", D(2022, 6, 1), None, True),
        (9, "黄河", "党委书记、董事长", D(2014, 1, 1), D(2019, 3, 1), True),  # 原… is the same seat
    ]
    assert parsed.columns["班子成员"]["start"] == "D" and parsed.columns["班子成员"]["end"] == "E"
    result = roster_import(actor=None, data=buf.getvalue(), filename="集团.xlsx", unit_code="EDU", dry_run=True)
    assert result.errors == [] and result.people["new"] == 3 and result.tenures["new"] == 4  # three principals in turn
