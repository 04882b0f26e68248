"""The API's front door: bearer tokens, JSON error bodies, bad input never a 500, OpenAPI."""

from __future__ import annotations

import re

import pytest

from rectify.accounts.models import ApiToken, Role
from rectify.core import clock
from rectify.rectification.models import ProgressEntry
from tests.api.conftest import ApiClient

CHINESE = re.compile(r"[\u4e00-\u9fff]")


def _is_error(response, status: int, code: str) -> dict:  # type: ignore[no-untyped-def]
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == code
    assert CHINESE.search(body["message"]), body
    assert "details" in body
    return body


@pytest.mark.parametrize("path", ["/rounds", "/problems", "/close-outs", "/tasks/1", "/rounds/R-TEST/units"])
def test_no_token_is_401_json(world, path):
    _is_error(ApiClient(None).get(path), 401, "unauthorized")


def test_bad_revoked_and_inactive_tokens_are_401(world, api):
    _is_error(ApiClient("rct_not-a-real-token").get("/problems"), 401, "unauthorized")
    client = api(Role.COMMISSION)
    assert client.get("/problems").status_code == 200

    ApiToken.objects.filter(user=world[Role.COMMISSION]).update(revoked_at=clock.now())
    _is_error(client.get("/problems"), 401, "unauthorized")

    member = api(Role.UNIT_MEMBER)
    world[Role.UNIT_MEMBER].is_active = False
    world[Role.UNIT_MEMBER].save()
    _is_error(member.get("/problems"), 401, "unauthorized")


def test_a_session_login_is_not_an_api_credential(world, client):
    client.force_login(world[Role.COMMISSION])
    _is_error(client.get("/api/v1/problems"), 401, "unauthorized")


def test_missing_objects_are_404_json(world, api):
    client = api(Role.COMMISSION)
    for path in ["/problems/999999", "/tasks/999999", "/close-outs/999999", "/evidence/999999/download",
                 "/rounds/NO-SUCH-ROUND/units"]:
        _is_error(client.get(path), 404, "not_found")


@pytest.mark.parametrize("path", [
    "/problems?status=open", "/problems?warning=orange", "/problems?warning=RED", "/problems?limit=501",
    "/problems?limit=0", "/problems?offset=-1", "/problems?limit=abc", "/close-outs?state=done",
    "/problems/abc", "/tasks/0", "/tasks/99999999999999999999999", "/problems?round=R%00X",
    "/rounds/R%00X/units",
])
def test_bad_query_and_path_values_are_422_json(world, api, path):
    body = _is_error(api(Role.COMMISSION).get(path), 422, "validation_error")
    assert body["details"]


def test_bad_request_bodies_are_4xx_json_never_500(world, api):
    lead = api(Role.UNIT_LEAD)
    url = f"/api/v1/tasks/{world.task_a.pk}/progress"
    _is_error(lead.post(url, "{not json", content_type="application/json"), 400, "bad_request")
    _is_error(lead.post(url, "[1, 2]", content_type="application/json"), 422, "validation_error")
    _is_error(lead.post_json(f"/tasks/{world.task_a.pk}/progress", {}), 422, "validation_error")
    _is_error(lead.post_json(f"/tasks/{world.task_a.pk}/progress", {"text": 12}), 422, "validation_error")
    # PostgreSQL cannot store NUL: refused up front, not a database error.
    _is_error(lead.post_json(f"/tasks/{world.task_a.pk}/progress", {"text": "a\u0000b"}), 422, "validation_error")
    # A lone surrogate (valid JSON escape, not storable text) is bad input too.
    _is_error(lead.post(url, b'{"text": "\\ud800"}', content_type="application/json"), 422, "validation_error")
    _is_error(lead.post_json(f"/tasks/{world.task_a.pk}/progress", {"text": "长" * 4001}), 422, "validation_error")
    _is_error(lead.post_json(f"/tasks/{world.task_a.pk}/close-out", {"version": "x"}), 422, "validation_error")
    _is_error(lead.post_json(f"/tasks/{world.task_a.pk}/close-out", {"version": 10**30}), 422, "validation_error")
    upload = f"/api/v1/tasks/{world.task_a.pk}/evidence"
    _is_error(lead.post(upload, b"garbage", content_type="multipart/form-data"), 400, "bad_request")
    assert not ProgressEntry.objects.exists()


def test_a_form_post_carries_the_same_fields_as_json(world, api):
    member = api(Role.UNIT_MEMBER)
    url = f"/api/v1/tasks/{world.task_a.pk}/progress"
    response = member.post(url, "text=%E5%B7%B2%E6%95%B4%E6%94%B9", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 201 and response.json()["text"] == "已整改"
    _is_error(member.post(url, {}), 422, "validation_error")  # an empty multipart form is an empty body


def test_openapi_documents_every_endpoint_in_chinese(world, client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.json()
    paths = spec["paths"]
    expected = {
        "/api/v1/rounds": ["get"],
        "/api/v1/rounds/{code}/units": ["get"],
        "/api/v1/rounds/{code}/units/{unit}/problems": ["post"],
        "/api/v1/problems": ["get"],
        "/api/v1/problems/{problem_id}": ["get"],
        "/api/v1/tasks/{task_id}": ["get", "patch"],
        "/api/v1/problems/{problem_id}/tasks": ["post"],
        "/api/v1/tasks/{task_id}/progress": ["post"],
        "/api/v1/tasks/{task_id}/evidence": ["post"],
        "/api/v1/tasks/{task_id}/close-out": ["post"],
        "/api/v1/tasks/{task_id}/reopen": ["post"],
        "/api/v1/evidence/{evidence_id}/download": ["get"],
        "/api/v1/close-outs": ["get"],
        "/api/v1/close-outs/{close_out_id}": ["get"],
        "/api/v1/close-outs/{close_out_id}/approve": ["post"],
        "/api/v1/close-outs/{close_out_id}/return": ["post"],
        "/api/v1/ledger/import": ["post"],
        "/api/v1/ledger/imports/{job_id}": ["get"],
        "/api/v1/ledger/export": ["get"],
        "/api/v1/ledger/exports": ["post"],
        "/api/v1/ledger/exports/{job_id}": ["get"],
        "/api/v1/ledger/exports/{job_id}/download": ["get"],
        "/api/v1/units/{code}/people": ["get"],
        "/api/v1/rounds/{code}/units/{unit}/plan": ["get"],
        "/api/v1/rounds/{code}/units/{unit}/plan/submit": ["post"],
        "/api/v1/rounds/{code}/units/{unit}/plan/approve": ["post"],
        "/api/v1/rounds/{code}/units/{unit}/plan/return": ["post"],
        "/api/v1/tasks/{task_id}/change-requests": ["post"],
        "/api/v1/problems/{problem_id}/change-requests": ["post"],
        "/api/v1/change-requests": ["get"],
        "/api/v1/change-requests/{change_request_id}": ["get"],
        "/api/v1/change-requests/{change_request_id}/approve": ["post"],
        "/api/v1/change-requests/{change_request_id}/refuse": ["post"],
        "/api/v1/change-requests/{change_request_id}/withdraw": ["post"],
        "/api/v1/tenures/{tenure_id}/end": ["post"],
        "/api/v1/tenures/{tenure_id}/handover": ["post"],
        "/api/v1/accountability/catalogue": ["get"],
        "/api/v1/accountability/cases": ["get", "post"],
        "/api/v1/accountability/cases/{case_id}": ["get"],
        "/api/v1/accountability/cases/{case_id}/candidates": ["get"],
        "/api/v1/accountability/cases/{case_id}/subjects": ["post"],
        "/api/v1/accountability/cases/{case_id}/subjects/update": ["post"],
        "/api/v1/accountability/cases/{case_id}/checks": ["get"],
        "/api/v1/accountability/cases/{case_id}/start": ["post"],
        "/api/v1/accountability/cases/{case_id}/investigation/begin": ["post"],
        "/api/v1/accountability/cases/{case_id}/statements": ["post"],
        "/api/v1/accountability/cases/{case_id}/investigation/finish": ["post"],
        "/api/v1/accountability/cases/{case_id}/opinions": ["post"],
        "/api/v1/accountability/cases/{case_id}/review/finish": ["post"],
        "/api/v1/accountability/cases/{case_id}/discussion": ["post"],
        "/api/v1/accountability/cases/{case_id}/decisions": ["post"],
        "/api/v1/accountability/cases/{case_id}/deliveries": ["post"],
        "/api/v1/accountability/cases/{case_id}/appeal": ["post"],
        "/api/v1/accountability/appeals/{appeal_id}/answer": ["post"],
        "/api/v1/accountability/cases/{case_id}/corrections": ["post"],
        "/api/v1/accountability/cases/{case_id}/close": ["post"],
        "/api/v1/accountability/specialists": ["get"],
        "/api/v1/accountability/specialists/assign": ["post"],
        "/api/v1/supervision-orders": ["get", "post"],
        "/api/v1/supervision-orders/{order_id}": ["get"],
        "/api/v1/supervision-orders/{order_id}/respond": ["post"],
        "/api/v1/tasks/{task_id}/extension": ["post"],
        "/api/v1/extensions/{extension_id}/approve": ["post"],
        "/api/v1/extensions/{extension_id}/refuse": ["post"],
        "/api/v1/red-flags": ["get"],
        "/api/v1/red-flags/dismissals": ["post"],
        "/api/v1/rounds/{code}/repeat-candidates": ["get"],
        "/api/v1/rounds/{code}/repeats": ["post"],
        "/api/v1/rounds/{code}/look-back-split": ["get"],
        "/api/v1/false-rectification-assessments/{assessment_id}/conclude": ["post"],
        "/api/v1/interviews/candidates": ["get"],
        "/api/v1/interviews": ["post"],
        "/api/v1/interviews/{session_id}/record": ["post"],
        "/api/v1/interviews/{session_id}/follow-ups": ["post"],
        "/api/v1/cases/search": ["get"],
        "/api/v1/cases/import": ["post"],
        "/api/v1/cases/{document_id}": ["get"],
        "/api/v1/cases/{document_id}/link": ["post"],
    }
    for path, methods in expected.items():
        assert path in paths, path
        for method in methods:
            operation = paths[path][method]
            assert CHINESE.search(operation["summary"]), (path, operation["summary"])
            assert "404" in operation["responses"] or path == "/api/v1/rounds"
    assert set(paths) == set(expected)
    problem_params = {p["name"] for p in paths["/api/v1/problems"]["get"]["parameters"]}
    assert {"round", "unit", "status", "warning", "category", "limit", "offset"} <= problem_params
    assert spec["components"]["securitySchemes"]["BearerToken"]["scheme"] == "bearer"


def test_unknown_path_and_wrong_method_are_json(api):
    response = api("commission").get("/no-such-thing")
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    response = api("commission").delete("/api/v1/rounds")
    assert response.status_code == 405
    body = response.json()
    assert body["code"] == "method_not_allowed" and "DELETE" in body["message"]


def test_validation_message_names_the_missing_field(world, api):
    response = api("unit_member").post_json(f"/tasks/{world.task_a.pk}/progress", {})
    assert response.status_code == 422
    assert "text" in response.json()["message"]


def test_chinese_is_sent_as_utf8_not_escapes(api):
    response = api("commission").get("/rounds")
    assert response["Content-Type"].startswith("application/json")
    assert "测试轮次".encode() in response.content
