"""Under /api/ every error is JSON — also the unexpected ones, wherever they are raised."""

from __future__ import annotations

import logging
import re

from django.db import OperationalError, connection
from django.test import Client

from rectify.accounts.models import Role
from rectify.accounts.services import api_token_create


def _auth(world) -> dict[str, str]:  # type: ignore[no-untyped-def]
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(actor=None, user=world[Role.COMMISSION])}"}


def _locked(table: str):  # type: ignore[no-untyped-def]
    """The database refusing every query on one table, as a locked or broken database does."""

    def wrapper(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        if table in sql:
            raise OperationalError("database is locked")
        return execute(sql, params, many, context)

    return wrapper


def _server_error_id(response) -> str:  # type: ignore[no-untyped-def]
    assert response.status_code == 500
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert body["code"] == "server_error"
    found = re.fullmatch(r"服务器内部错误，已记录日志（编号 ([0-9a-f]{12})）。请稍后重试；如仍出错，请把编号告知管理员。",
                         body["message"])
    assert found and body["details"] == {"error_id": found.group(1)}
    return found.group(1)


def test_an_unexpected_error_in_an_endpoint_is_json_with_the_id_that_is_logged(world, caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="rectify.errors"), \
            connection.execute_wrapper(_locked("inspections_inspectionround")):
        response = client.get("/api/v1/rounds", **_auth(world))
    error_id = _server_error_id(response)
    [record] = [r for r in caplog.records if r.name == "rectify.errors"]
    assert error_id in record.getMessage() and "/api/v1/rounds" in record.getMessage()
    assert record.exc_info and record.exc_info[0] is OperationalError


class ExplodingMiddleware:
    """A middleware with a bug, on the way in to any /api/ or /rounds/ request."""

    def __init__(self, get_response):  # type: ignore[no-untyped-def]
        self.get_response = get_response

    def __call__(self, request):  # type: ignore[no-untyped-def]
        if request.path.startswith(("/api/", "/rounds/")):
            raise RuntimeError("bug in a middleware")
        return self.get_response(request)


def test_an_error_raised_outside_the_api_handlers_is_json_too(world, settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, "tests.api.test_server_errors.ExplodingMiddleware"]
    client = Client(raise_request_exception=False)
    _server_error_id(client.get("/api/v1/rounds", **_auth(world)))
    _server_error_id(client.post("/api/v1/ledger/import", {}, **_auth(world)))
    client.force_login(world[Role.COMMISSION])
    page = client.get("/rounds/")  # pages keep their HTML error page
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")
    assert "系统出现错误" in page.content.decode()


def test_a_request_django_refuses_before_the_api_is_json(world):
    response = Client().get("/api/v1/rounds", HTTP_HOST="evil.example", **_auth(world))
    assert response.status_code == 400 and response.json()["code"] == "bad_request"
