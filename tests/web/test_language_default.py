"""Chinese is the default whatever the browser asks for; English only when chosen."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse


def test_english_browser_still_gets_chinese(db, client):
    body = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert "用户名" in body and "Username" not in body


def test_chosen_english_is_honoured(db, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("accounts:login"))
    assert response["Content-Language"] == "en"
    assert "Username" in response.content.decode()


def test_unknown_language_cookie_falls_back_to_chinese(db, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert client.get(reverse("accounts:login"))["Content-Language"] == "zh-hans"
