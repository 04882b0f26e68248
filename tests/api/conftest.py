from __future__ import annotations

import pytest
from django.test import Client

from rectify.accounts.models import User
from rectify.accounts.services import api_token_create


class ApiClient(Client):
    """A test client that speaks JSON to /api/v1 with one user's bearer token."""

    def __init__(self, token: str | None) -> None:
        super().__init__(**({"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}))

    def get(self, path, *args, **kwargs):  # type: ignore[no-untyped-def, override]
        return super().get("/api/v1" + path, *args, **kwargs)

    def post_json(self, path: str, data: object = None):  # type: ignore[no-untyped-def]
        body = b"" if data is None else data
        return self.post("/api/v1" + path, body, content_type="application/json")

    def post_file(self, path: str, **fields: object):  # type: ignore[no-untyped-def]
        return self.post("/api/v1" + path, fields)  # multipart/form-data


@pytest.fixture
def api(world):  # type: ignore[no-untyped-def]
    """``api(role)`` or ``api(user)``: a client authenticated as that world user."""
    clients: dict[int, ApiClient] = {}

    def for_user(who: str | User) -> ApiClient:
        user = who if isinstance(who, User) else world[who]
        if user.pk not in clients:
            clients[user.pk] = ApiClient(api_token_create(actor=None, user=user, name="test"))
        return clients[user.pk]

    return for_user
