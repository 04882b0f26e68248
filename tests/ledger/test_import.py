"""Importing a unit's ledger: dry-run diff, all-or-nothing commit, re-import, update in place."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from rectify.accounts.models import Role
from rectify.audit.models import AuditEvent
from rectify.core.errors import DomainError, NotFound, PermissionDenied
from rectify.inspections.models import InspectedUnit, Problem
from rectify.ledger.services import ledger_import
from rectify.orgs.models import OrgUnit, Person, Post, Tenure
from rectify.rectification import services as rect_services
from rectify.rectification.models import CloseOut, Evidence, ProgressEntry, Responsibility, Task, TaskStatus
from tests.ledger import fixtures

pytestmark = pytest.mark.usefixtures("feedback_2021")


def run(world, data: bytes | None = None, *, dry_run: bool = False, actor=None, unit: str = "EDU", **kw):
    return ledger_import(actor=actor, data=data or fixtures.provincial_department_xlsx(), filename="台账.xlsx",
                         round_code=world.round.code, unit_code=unit, dry_run=dry_run, **kw)


def edit(data: bytes, cells: dict[str, object], sheet: str = "整改台账") -> bytes:
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for ref, value in cells.items():
        wb[sheet][ref] = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_dry_run_reports_new_items_and_writes_nothing(fresh_unit):
    events = AuditEvent.objects.count()
    report = run(fresh_unit, dry_run=True)
    assert report.problems == {"new": 3, "changed": 0, "unchanged": 0, "missing": 0}
    assert report.tasks == {"new": 6, "changed": 0, "unchanged": 0, "missing": 0}
    assert report.errors == [] and report.skipped_sheets
    assert not report.committed
    assert Problem.objects.filter(inspected_unit=fresh_unit.iu_a).count() == 0
    assert AuditEvent.objects.count() == events


def test_commit_writes_the_three_lists_and_one_audit_event(fresh_unit):
    report = run(fresh_unit)
    assert report.committed
    problems = {p.number: p for p in Problem.objects.filter(inspected_unit=fresh_unit.iu_a).select_related("category")}
    assert set(problems) == {"1", "2", "3"}
    assert problems["1"].category.name == "贯彻落实党中央重大决策部署"
    assert problems["1"].notes == "省委巡视组反馈第1条"
    tasks = list(Task.objects.filter(problem=problems["1"]).order_by("number"))
    assert [t.due_date for t in tasks[:2]] == [dt.date(2021, 12, 31), dt.date(2022, 6, 30)]
    assert tasks[2].deadline_kind == "long_term"
    assert all(t.status in (TaskStatus.PENDING, TaskStatus.IN_PROGRESS) for t in tasks)
    names = {(r.kind, r.name, r.is_lead) for r in Responsibility.objects.filter(task=tasks[1])}
    assert names == {("leader", "李明（副厅长）", True), ("department", "耕地保护监督处", True),
                     ("department", "法规处", True), ("person", "赵丽", True)}
    co = Responsibility.objects.filter(task=tasks[0], kind="department", is_lead=False)
    assert sorted(co.values_list("name", flat=True)) == ["执法局", "规划处"]
    # The file's progress text became a progress entry, which started the task.
    assert ProgressEntry.objects.get(task=tasks[0]).text == "已完成摸底排查"
    assert Task.objects.get(pk=tasks[0].pk).status == TaskStatus.IN_PROGRESS
    assert AuditEvent.objects.filter(action="ledger.imported").count() == 1


def test_reimporting_the_same_file_changes_nothing(fresh_unit):
    run(fresh_unit)
    before = (Task.objects.count(), Responsibility.objects.count(), ProgressEntry.objects.count(),
              list(Task.objects.order_by("id").values_list("version", flat=True)))
    report = run(fresh_unit, dry_run=True)
    assert report.problems == {"new": 0, "changed": 0, "unchanged": 3, "missing": 0}
    assert report.tasks == {"new": 0, "changed": 0, "unchanged": 6, "missing": 0}
    run(fresh_unit)
    after = (Task.objects.count(), Responsibility.objects.count(), ProgressEntry.objects.count(),
             list(Task.objects.order_by("id").values_list("version", flat=True)))
    assert after == before


def test_changed_file_updates_in_place_and_keeps_history(fresh_unit):
    run(fresh_unit)
    task = Task.objects.get(problem__inspected_unit=fresh_unit.iu_a, problem__number=2, number=1)
    rect_services.evidence_upload(actor=fresh_unit[Role.UNIT_MEMBER], task_id=task.pk,
                                  file=io.BytesIO(b"%PDF-1.4 refund proof"), name="清退凭证.pdf")
    close_out = rect_services.close_out_submit(actor=fresh_unit[Role.UNIT_LEAD], task_id=task.pk)
    rect_services.close_out_return(actor=fresh_unit[Role.INSPECTION_OFFICE], close_out_id=close_out.pk,
                                   reason="请补充凭证")
    changed = edit(fixtures.provincial_department_xlsx(), {
        "G8": "清退违规发放的补贴，并追究相关人员责任",  # measure of problem 2
        "L8": dt.date(2021, 11, 30),  # a date instead of 已完成
        "M8": "已全部清退，并对3名责任人谈话提醒",  # new progress text
    })
    report = run(fresh_unit, changed, dry_run=True)
    assert report.problems["changed"] == 0 and report.tasks["changed"] == 1
    change = next(c for c in report.changes if c.state == "changed")
    assert change.key == "问题 2 · 措施 1" and change.row == 8
    # 已完成 (an immediate fix) became a dated deadline: the kind changes with it.
    assert {f.field for f in change.fields} == {"measure", "due_date", "deadline_kind", "progress"}
    run(fresh_unit, changed)
    task.refresh_from_db()
    assert task.measure == "清退违规发放的补贴，并追究相关人员责任"
    assert task.due_date == dt.date(2021, 11, 30)
    # The unit's plan is still being drafted: no deadline has been approved yet to measure against.
    assert task.original_due_date == task.due_date
    assert task.status == TaskStatus.IN_PROGRESS
    assert Evidence.objects.filter(task=task).count() == 1
    assert CloseOut.objects.filter(task=task).count() == 1
    assert list(ProgressEntry.objects.filter(task=task).order_by("id").values_list("text", flat=True)) == [
        "已全部清退", "已全部清退，并对3名责任人谈话提醒"]


def test_items_missing_from_the_file_are_reported_not_deleted(world):
    report = run(world, dry_run=True)
    # The factory's problem 1 is replaced by the file's problem 1; nothing is missing at problem level,
    # but the stored problem 1 has one task and the file three → two new tasks on a changed problem.
    assert report.problems["missing"] == 0
    world.problem_a.set_number("9")
    world.problem_a.save()
    report = run(world, dry_run=True)
    assert report.problems["missing"] == 1 and report.tasks["missing"] == 1
    run(world)
    assert Problem.objects.filter(pk=world.problem_a.pk).exists()
    assert any("不会被删除" in n for n in report.notices)


def test_any_error_means_nothing_is_written(fresh_unit):
    bad = edit(fixtures.provincial_department_xlsx(), {"L6": "2021年13月", "G7": None})
    report = run(fresh_unit, bad)
    assert not report.committed
    assert {(e.row, e.column) for e in report.errors} >= {(6, "L"), (7, "G")}
    assert Problem.objects.filter(inspected_unit=fresh_unit.iu_a).count() == 0
    assert not AuditEvent.objects.filter(action="ledger.imported").exists()


def test_unit_not_yet_in_the_round_is_added_on_commit_only(world):
    extra = OrgUnit.objects.create(code="NEW", name="省新单位", path="/999999/")
    report = run(world, unit="NEW", dry_run=True)
    assert any("尚未列入本轮" in n for n in report.notices)
    assert not InspectedUnit.objects.filter(unit=extra).exists()
    run(world, unit="NEW")
    assert InspectedUnit.objects.get(unit=extra, round=world.round).problems.count() == 3


def test_unknown_unit_needs_a_name_and_then_is_created(world):
    with pytest.raises(DomainError) as err:
        run(world, unit="BRAND-NEW", dry_run=True)
    assert "--unit-name" in err.value.message
    report = run(world, unit="BRAND-NEW", unit_name="省新设机构", dry_run=True)
    assert any("新建该单位" in n for n in report.notices) and not OrgUnit.objects.filter(code="BRAND-NEW").exists()
    run(world, unit="BRAND-NEW", unit_name="省新设机构")
    assert OrgUnit.objects.get(code="BRAND-NEW").name == "省新设机构"


def test_unit_lead_imports_only_into_own_unit(fresh_unit):
    run(fresh_unit, actor=fresh_unit[Role.UNIT_LEAD], dry_run=True)
    with pytest.raises(NotFound):
        run(fresh_unit, actor=fresh_unit[Role.UNIT_LEAD], unit="FIN", dry_run=True)
    with pytest.raises(PermissionDenied):
        run(fresh_unit, actor=fresh_unit[Role.UNIT_MEMBER], dry_run=True)
    with pytest.raises(PermissionDenied):
        run(fresh_unit, actor=fresh_unit[Role.LEADER], dry_run=True)


def test_responsible_leader_is_linked_to_the_current_tenure(fresh_unit):
    post = Post.objects.create(unit=fresh_unit.unit_a, title="党组成员、副厅长")
    tenure = Tenure.objects.create(person=Person.objects.create(name="周红", unit=fresh_unit.unit_a), post=post,
                                   start=dt.date(2020, 1, 1))
    run(fresh_unit)
    leader = Responsibility.objects.get(task__problem__inspected_unit=fresh_unit.iu_a, task__problem__number=2,
                                        kind="leader")
    assert leader.tenure == tenure and leader.person == tenure.person


def test_password_protected_workbook(fresh_unit):
    from rectify.ledger.parsing import LedgerFileError

    locked = fixtures.encrypt_xlsx(fixtures.provincial_department_xlsx(), "mima2021")
    with pytest.raises(LedgerFileError) as err:
        run(fresh_unit, locked, dry_run=True)
    assert "密码" in str(err.value)
    assert run(fresh_unit, locked, dry_run=True, password="mima2021").problems["new"] == 3
