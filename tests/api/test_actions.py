"""Writes over the API go through the services: the close-out lifecycle, four eyes, permissions."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rectify.accounts.models import Role
from rectify.audit.models import AuditEvent
from rectify.rectification.models import CloseOut, Evidence, ProgressEntry, Task, TaskStatus
from tests import factories

PDF = b"%PDF-1.4 \xe6\xb8\x85\xe9\x80\x80\xe5\x87\xad\xe8\xaf\x81"

@pytest.fixture(autouse=True)
def _clue_concluded(world):  # type: ignore[no-untyped-def]
    """These tests approve close-outs of problem A: its clue has its concluding result (a clue still being handled
    holds approval back — tests/rectification/test_clue_results.py)."""
    factories.conclude(world.clue_a)


def _status(task: Task) -> str:
    return Task.objects.values_list("status", flat=True).get(pk=task.pk)


def _upload(client, task: Task, name: str = "清退凭证.pdf", content: bytes = PDF, **fields):  # type: ignore[no-untyped-def]
    return client.post_file(f"/tasks/{task.pk}/evidence", file=SimpleUploadedFile(name, content), **fields)


def _submit(world, api, **payload):  # type: ignore[no-untyped-def]
    return api(Role.UNIT_LEAD).post_json(f"/tasks/{world.task_a.pk}/close-out", payload)


def test_full_lifecycle_through_the_api(world, api):
    member, lead = api(Role.UNIT_MEMBER), api(Role.UNIT_LEAD)
    office, commission = api(Role.INSPECTION_OFFICE), api(Role.COMMISSION)
    task_url = f"/tasks/{world.task_a.pk}"

    # 1. progress starts the task
    response = member.post_json(f"{task_url}/progress", {"text": "已召开党组会专题研究"})
    assert response.status_code == 201
    assert response.json()["text"] == "已召开党组会专题研究" and response.json()["author"] == "member_a"
    assert _status(world.task_a) == TaskStatus.IN_PROGRESS

    # 2. evidence as multipart, stored under its hash, downloadable
    response = _upload(member, world.task_a, description="清退资金银行回单")
    assert response.status_code == 201, response.content
    evidence = response.json()
    assert evidence["name"] == "清退凭证.pdf" and evidence["size"] == len(PDF)
    assert evidence["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert evidence["content_type"] == "application/pdf" and evidence["description"] == "清退资金银行回单"
    download = lead.get(evidence["download_url"].removeprefix("/api/v1"))
    assert b"".join(download.streaming_content) == PDF

    # 3. close-out, with the version read from the task
    version = lead.get(task_url).json()["version"]
    response = lead.post_json(f"{task_url}/close-out", {"note": "已全部清退", "version": version})
    assert response.status_code == 201, response.content
    first = response.json()
    assert first["state"] == "pending" and first["evidence"] == [evidence["id"]] and first["submitted_by"] == "lead_a"
    assert _status(world.task_a) == TaskStatus.SUBMITTED
    assert [c["id"] for c in office.get("/close-outs?state=pending").json()["items"]] == [first["id"]]

    # 4. returned with a reason
    response = office.post_json(f"/close-outs/{first['id']}/return", {"reason": "请补充清退凭证原件扫描件"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "returned" and response.json()["review_comment"] == "请补充清退凭证原件扫描件"
    assert response.json()["reviewed_by"] == "office"
    assert _status(world.task_a) == TaskStatus.IN_PROGRESS
    assert office.get("/close-outs").json()["count"] == 0

    # 5. submitted again, approved by someone other than the submitter
    response = lead.post_json(f"{task_url}/close-out", {"note": "已补充"})
    assert response.status_code == 201
    second = response.json()["id"]
    response = commission.post_json(f"/close-outs/{second}/approve", {"comment": "同意销号"})
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "approved" and response.json()["review_comment"] == "同意销号"

    task = lead.get(task_url).json()
    assert task["status"] == "closed" and task["warning"] is None
    assert [c["state"] for c in task["close_outs"]] == ["returned", "approved"]
    assert [p["text"] for p in task["progress"]] == ["已召开党组会专题研究"]
    assert [e["id"] for e in task["evidence"]] == [evidence["id"]]
    problem = lead.get(f"/problems/{world.problem_a.pk}").json()
    assert problem["status"] == "closed" and problem["warning"] is None and problem["completion"] == "completed"
    events = AuditEvent.objects.filter(object_type="rectification.task", object_id=str(world.task_a.pk))
    assert list(events.values_list("action", flat=True)) == [
        "task.progress_added", "evidence.uploaded", "close_out.submitted", "close_out.returned",
        "close_out.submitted", "close_out.approved"]


def test_approve_accepts_an_empty_body(world, api):
    _upload(api(Role.UNIT_MEMBER), world.task_a)
    close_out = _submit(world, api).json()["id"]
    response = api(Role.INSPECTION_OFFICE).post(f"/api/v1/close-outs/{close_out}/approve")
    assert response.status_code == 200, response.content
    assert _status(world.task_a) == TaskStatus.CLOSED


def test_four_eyes_over_the_api(world, api):
    """A reviewer who submitted the close-out (while acting as unit lead) cannot approve it."""
    office = world[Role.INSPECTION_OFFICE]
    office.role, office.unit = Role.UNIT_LEAD, world.unit_a
    office.save()
    client = api(office)
    _upload(api(Role.UNIT_MEMBER), world.task_a)
    close_out = client.post_json(f"/tasks/{world.task_a.pk}/close-out", {}).json()["id"]
    office.role = Role.INSPECTION_OFFICE
    office.save()

    for action, payload in (("approve", {}), ("return", {"reason": "自己退回自己"})):
        response = client.post_json(f"/close-outs/{close_out}/{action}", payload)
        assert response.status_code == 403, response.content
        assert response.json()["code"] == "four_eyes"
    assert _status(world.task_a) == TaskStatus.SUBMITTED
    assert CloseOut.objects.get(pk=close_out).reviewed_by is None


def test_close_out_needs_evidence_or_a_reason(world, api):
    response = _submit(world, api, note="已完成")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "evidence_required" and "佐证材料" in body["message"]
    assert body["details"] == {"field": "no_evidence_reason"}
    assert _status(world.task_a) == TaskStatus.PENDING and not CloseOut.objects.exists()

    response = _submit(world, api, note="已完成", no_evidence_reason="涉密材料已线下报送巡视办")
    assert response.status_code == 201
    assert response.json()["no_evidence_reason"] == "涉密材料已线下报送巡视办" and response.json()["evidence"] == []


def test_return_needs_a_reason(world, api):
    _upload(api(Role.UNIT_MEMBER), world.task_a)
    close_out = _submit(world, api).json()["id"]
    office = api(Role.INSPECTION_OFFICE)
    assert office.post_json(f"/close-outs/{close_out}/return", {}).status_code == 422
    assert office.post_json(f"/close-outs/{close_out}/return").status_code == 422
    response = office.post_json(f"/close-outs/{close_out}/return", {"reason": "   "})
    assert response.status_code == 400 and response.json()["code"] == "reason_required"
    assert _status(world.task_a) == TaskStatus.SUBMITTED


@pytest.mark.parametrize("role", [Role.LEADER, Role.ADMIN])
def test_leader_and_admin_can_read_but_not_act(world, api, role):
    _upload(api(Role.UNIT_MEMBER), world.task_a)
    close_out = _submit(world, api).json()["id"]
    client = api(role)
    attempts = {
        "progress": client.post_json(f"/tasks/{world.task_a.pk}/progress", {"text": "进展"}),
        "evidence": _upload(client, world.task_a, name="另一份.pdf", content=b"%PDF other"),
        "close-out": client.post_json(f"/tasks/{world.task_a.pk}/close-out", {"no_evidence_reason": "x"}),
        "approve": client.post_json(f"/close-outs/{close_out}/approve", {}),
        "return": client.post_json(f"/close-outs/{close_out}/return", {"reason": "不同意"}),
        "reopen": client.post_json(f"/tasks/{world.task_a.pk}/reopen", {"reason": "反弹"}),
    }
    for name, response in attempts.items():
        assert response.status_code == 403, name
        assert response.json()["code"] == "forbidden", name
    assert _status(world.task_a) == TaskStatus.SUBMITTED
    assert Evidence.objects.count() == 1 and not ProgressEntry.objects.exists()


def test_each_role_acts_only_in_its_part(world, api):
    member, office = api(Role.UNIT_MEMBER), api(Role.INSPECTION_OFFICE)
    assert member.post_json(f"/tasks/{world.task_a.pk}/close-out", {"no_evidence_reason": "x"}).status_code == 403
    assert office.post_json(f"/tasks/{world.task_a.pk}/progress", {"text": "代填"}).status_code == 403
    assert _upload(office, world.task_a).status_code == 403
    _upload(member, world.task_a)
    close_out = _submit(world, api).json()["id"]
    assert api(Role.UNIT_LEAD).post_json(f"/close-outs/{close_out}/approve", {}).status_code == 403
    assert _status(world.task_a) == TaskStatus.SUBMITTED


def test_acting_on_another_units_task_is_404(world, api):
    lead_b = api("unit_lead_b")
    assert lead_b.post_json(f"/tasks/{world.task_a.pk}/progress", {"text": "x"}).status_code == 404
    assert _upload(lead_b, world.task_a).status_code == 404
    assert lead_b.post_json(f"/tasks/{world.task_a.pk}/close-out", {"no_evidence_reason": "x"}).status_code == 404
    assert _status(world.task_a) == TaskStatus.PENDING


def test_stale_version_is_a_409_conflict(world, api):
    _upload(api(Role.UNIT_MEMBER), world.task_a)  # version 1 → 2
    response = _submit(world, api, note="按旧页面提交", version=1)
    assert response.status_code == 409
    assert response.json()["code"] == "conflict"
    assert _status(world.task_a) == TaskStatus.IN_PROGRESS
    assert _submit(world, api, version=2).status_code == 201


def test_state_conflicts_are_409(world, api):
    _upload(api(Role.UNIT_MEMBER), world.task_a)
    close_out = _submit(world, api).json()["id"]
    assert _submit(world, api).status_code == 409  # one pending close-out at a time
    office = api(Role.INSPECTION_OFFICE)
    assert office.post_json(f"/close-outs/{close_out}/approve").status_code == 200
    assert office.post_json(f"/close-outs/{close_out}/approve").status_code == 409  # already reviewed
    response = api(Role.UNIT_MEMBER).post_json(f"/tasks/{world.task_a.pk}/progress", {"text": "继续"})
    assert response.status_code == 409


def test_reopen_through_the_api(world, api):
    _upload(api(Role.UNIT_MEMBER), world.task_a)
    commission = api(Role.COMMISSION)
    url = f"/tasks/{world.task_a.pk}/reopen"
    assert commission.post_json(url, {"reason": "未销号也想打开"}).status_code == 409
    close_out = _submit(world, api).json()["id"]
    commission.post_json(f"/close-outs/{close_out}/approve")
    assert api(Role.UNIT_LEAD).post_json(url, {"reason": "x"}).status_code == 403
    assert commission.post_json(url, {}).status_code == 422
    assert commission.post_json(url, {"reason": " "}).json()["code"] == "reason_required"
    response = commission.post_json(url, {"reason": "回头看发现问题反弹"})
    assert response.status_code == 200, response.content
    task = response.json()
    assert task["status"] == "in_progress" and task["warning"] is not None
    assert [r["reason"] for r in task["reopenings"]] == ["回头看发现问题反弹"]
    assert [c["state"] for c in task["close_outs"]] == ["approved"]  # history is kept


def test_evidence_upload_refusals(world, api):
    member = api(Role.UNIT_MEMBER)
    url = f"/tasks/{world.task_a.pk}/evidence"
    assert member.post_file(url, description="没有文件").status_code == 422
    response = _upload(member, world.task_a, name="run.exe", content=b"MZ")
    assert response.status_code == 400 and response.json()["code"] == "file_type"
    assert _upload(member, world.task_a, content=b"").json()["code"] in ("file_empty", "validation_error")
    assert _upload(member, world.task_a).status_code == 201
    response = _upload(member, world.task_a, name="副本.pdf")
    assert response.status_code == 400 and response.json()["code"] == "duplicate_file"
    assert Evidence.objects.count() == 1


def test_download_of_a_file_lost_from_storage_is_a_clear_404(world, api):
    evidence_id = _upload(api(Role.UNIT_MEMBER), world.task_a).json()["id"]
    evidence = Evidence.objects.get(pk=evidence_id)
    evidence.file.storage.delete(evidence.file.name)
    response = api(Role.UNIT_LEAD).get(f"/evidence/{evidence_id}/download")
    assert response.status_code == 404 and response.json()["code"] == "file_missing"
