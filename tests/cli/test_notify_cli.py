"""`rectify notify [--json]`, `rectify webhook add` and `rectify createuser --email`."""

from __future__ import annotations

import json

import pytest

from rectify import cli
from rectify.accounts.models import User
from rectify.notifications.models import Webhook

pytestmark = pytest.mark.django_db


def _json(capsys) -> dict:  # type: ignore[no-untyped-def]
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1, out
    return json.loads(out[0])


def test_notify_json_counts_what_this_run_sent(people, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("RECTIFY_TODAY", "2026-07-01")  # D+61: the task of the fixture is overdue
    assert cli.main(["notify", "--json"]) == 0
    first = _json(capsys)
    assert set(first) == {"notifications", "emails", "webhooks"}
    assert first["notifications"] == 4  # person, leader, unit lead, principal
    assert cli.main(["notify", "--json"]) == 0
    assert _json(capsys) == {"notifications": 0, "emails": 0, "webhooks": 0}
    assert cli.main(["notify"]) == 0
    assert "站内通知 0 条" in capsys.readouterr().out


def test_webhook_add(world, capsys) -> None:  # type: ignore[no-untyped-def]
    assert cli.main(["webhook", "add", "http://127.0.0.1:9000/robot/send?access_token=t", "--kind", "dingtalk",
                     "--round", world.round.code, "--unit", world.unit_a.code]) == 0
    hook = Webhook.objects.get()
    assert (hook.kind, hook.round, hook.unit) == ("dingtalk", world.round, world.unit_a)
    assert cli.main(["webhook", "add", "https://10.1.2.3/cgi-bin/webhook/send?key=k", "--kind", "wecom",
                     "--unit", world.unit_b.code]) == 0
    assert cli.main(["webhook", "add", "file:///etc/passwd", "--kind", "wecom", "--unit", world.unit_b.code]) == 2
    assert "http://" in capsys.readouterr().err
    assert cli.main(["webhook", "add", "http://10.0.0.1/x", "--kind", "wecom"]) == 2
    assert cli.main(["webhook", "add", "http://10.0.0.1/x", "--kind", "wecom", "--round", "NOPE"]) == 2
    assert Webhook.objects.count() == 2


def test_createuser_with_email(world, capsys) -> None:  # type: ignore[no-untyped-def]
    assert cli.main(["createuser", "zhangsan", "--role", "unit_lead", "--unit", world.unit_a.code,
                     "--password", "Long-enough-2026", "--email", "zhangsan@jyt.yn.gov.cn"]) == 0
    assert User.objects.get(username="zhangsan").email == "zhangsan@jyt.yn.gov.cn"
    assert cli.main(["createuser", "lisi", "--role", "leader", "--password", "Long-enough-2026",
                     "--email", "not an address"]) == 2
    assert not User.objects.filter(username="lisi").exists()
