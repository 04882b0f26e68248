"""What reaches people: e-mail digests through a real SMTP server (aiosmtpd) and group-robot posts to a local
HTTP server — one digest per person per day across all their tasks, nothing twice, and one refused address
never stops the others."""

from __future__ import annotations

import datetime as dt
import email
import json
import logging
import socket
import threading
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from aiosmtpd.controller import Controller

from rectify.core import clock
from rectify.notifications.models import EmailDigest, Notification, WebhookPost
from rectify.notifications.services import notify_run, webhook_add
from tests import factories
from tests.notifications.conftest import FEEDBACK

pytestmark = pytest.mark.django_db(transaction=True)

REFUSED = "deputy_a@example.gov.cn"


class Inbox:
    """An SMTP server's handler that keeps what arrived and refuses one address."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], email.message.Message]] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        if address == REFUSED:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        self.messages.append((list(envelope.rcpt_tos), email.message_from_bytes(envelope.content)))
        return "250 Message accepted"

    def to(self, address: str) -> list[email.message.Message]:
        return [m for rcpts, m in self.messages if address in rcpts]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(settings):  # type: ignore[no-untyped-def]
    # aiosmtpd logs each session from its own thread on "mail.log"; keep that out of handlers an earlier test
    # attached to a stream pytest has since closed (it printed "--- Logging error ---" in the full run).
    mail_log = logging.getLogger("mail.log")
    mail_log.propagate, mail_log.disabled = False, True
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_USE_TLS = False
    settings.RECTIFY_EMAIL_ENABLED = True
    settings.DEFAULT_FROM_EMAIL = "rectify@xunshi.gov.cn"
    yield handler
    controller.stop()
    mail_log.propagate, mail_log.disabled = True, False


class Robot(BaseHTTPRequestHandler):
    received: list[tuple[str, dict]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        Robot.received.append((self.path, json.loads(body)))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"errcode":0,"errmsg":"ok"}')

    def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
        pass


@pytest.fixture
def robot():  # type: ignore[no-untyped-def]
    Robot.received = []
    server = HTTPServer(("127.0.0.1", 0), Robot)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def text_of(message: email.message.Message) -> str:
    return message.get_payload(decode=True).decode(message.get_content_charset() or "utf-8")


def subject_of(message: email.message.Message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_one_digest_per_person_per_day_over_smtp(people, smtp) -> None:  # type: ignore[no-untyped-def]
    p = people
    # A second overdue task of the same unit: the unit lead still gets one e-mail listing both.
    factories.task(prob=p.world.problem_a, due=FEEDBACK + dt.timedelta(days=55))
    with clock.frozen(FEEDBACK + dt.timedelta(days=61)):
        result = notify_run()
        again = notify_run()
    lead_mail = smtp.to(p.lead.email)
    assert len(lead_mail) == 1
    body = text_of(lead_mail[0])
    assert "1.1 整改措施1" in body and "1.2 整改措施2" in body and "红灯" in body
    assert "通知摘要" in subject_of(lead_mail[0])
    assert lead_mail[0]["From"] == "rectify@xunshi.gov.cn"
    assert len(smtp.to(p.principal.email)) == 1 and len(smtp.to(p.person.email)) == 1
    # The refused address is recorded and the others went out.
    assert smtp.to(REFUSED) == []
    failed = EmailDigest.objects.get(user=p.leader)
    assert failed.sent_at is None and "550" in failed.error
    assert result.emails == len(smtp.messages) == 3 and result.email_failures == 1
    assert again.as_json() == {"notifications": 0, "emails": 0, "webhooks": 0}
    assert len(smtp.messages) == 3


def test_new_alerts_later_the_same_day_wait_for_tomorrows_digest(people, smtp) -> None:  # type: ignore[no-untyped-def]
    p = people
    with clock.frozen(FEEDBACK + dt.timedelta(days=50)):
        notify_run()
        new = factories.task(prob=p.world.problem_a, due=FEEDBACK + dt.timedelta(days=55))
        worker = p.task.responsibilities.get(kind="person").person
        new.responsibilities.filter(kind="person").update(person=worker)
        later = notify_run()
    assert later.notifications >= 1 and later.emails == 0  # in the inbox at once, e-mailed tomorrow
    assert len(smtp.to(p.person.email)) == 1
    with clock.frozen(FEEDBACK + dt.timedelta(days=51)):
        tomorrow = notify_run()
    assert tomorrow.emails >= 1
    assert len(smtp.to(p.person.email)) == 2
    assert not Notification.objects.filter(user=p.person, email_digest__isnull=True).exists()


def test_email_switched_off_keeps_the_inbox(people, smtp) -> None:  # type: ignore[no-untyped-def]
    from rectify.notifications.services import preference_update

    preference_update(actor=people.person, email=False, person_id=people.task.responsibilities.get(kind="person").person_id)
    with clock.frozen(FEEDBACK + dt.timedelta(days=40)):
        result = notify_run()
    assert result.notifications == 1 and result.emails == 0 and smtp.messages == []
    assert Notification.objects.filter(user=people.person, delivered_at__isnull=False).count() == 1


def test_wecom_and_dingtalk_robots_get_one_digest_per_run(people, robot) -> None:  # type: ignore[no-untyped-def]
    w = people.world
    webhook_add(actor=None, url=robot + "/cgi-bin/webhook/send?key=abc", kind="wecom", round_code=w.round.code)
    webhook_add(actor=None, url=robot + "/robot/send?access_token=xyz", kind="dingtalk", unit_code=w.unit_a.code)
    webhook_add(actor=None, url=robot + "/other-unit", kind="dingtalk", unit_code=w.unit_b.code)
    with clock.frozen(FEEDBACK + dt.timedelta(days=61)):
        result = notify_run()
        again = notify_run()
    assert result.webhooks == 2 and again.webhooks == 0
    by_path = {path: payload for path, payload in Robot.received}
    assert set(by_path) == {"/cgi-bin/webhook/send?key=abc", "/robot/send?access_token=xyz"}
    wecom = by_path["/cgi-bin/webhook/send?key=abc"]
    assert wecom["msgtype"] == "markdown" and set(wecom["markdown"]) == {"content"}
    assert "1.1 整改措施1" in wecom["markdown"]["content"] and "省教育厅" in wecom["markdown"]["content"]
    ding = by_path["/robot/send?access_token=xyz"]
    assert ding["msgtype"] == "markdown" and set(ding["markdown"]) == {"title", "text"}
    assert "红灯" in ding["markdown"]["text"]


def test_an_unreachable_robot_is_recorded_and_the_others_still_post(people, robot) -> None:  # type: ignore[no-untyped-def]
    w = people.world
    webhook_add(actor=None, url="http://127.0.0.1:9/nothing-listens", kind="wecom", round_code=w.round.code)
    webhook_add(actor=None, url=robot + "/ok", kind="dingtalk", round_code=w.round.code)
    with clock.frozen(FEEDBACK + dt.timedelta(days=61)):
        result = notify_run()
    assert result.webhooks == 1 and result.webhook_failures == 1
    assert [path for path, _ in Robot.received] == ["/ok"]
    assert WebhookPost.objects.exclude(error="").count() == 1


def test_a_signed_dingtalk_robot_gets_timestamp_and_sign(people, robot) -> None:  # type: ignore[no-untyped-def]
    import base64
    import hashlib
    import hmac
    from urllib.parse import parse_qs, urlsplit

    webhook_add(actor=None, url=robot + "/robot/send?access_token=xyz", kind="dingtalk",
                round_code=people.world.round.code, secret="SEC-demo-secret")
    with clock.frozen(FEEDBACK + dt.timedelta(days=61)):
        assert notify_run().webhooks == 1
    query = parse_qs(urlsplit(Robot.received[0][0]).query)
    assert query["access_token"] == ["xyz"]
    timestamp = query["timestamp"][0]
    expected = base64.b64encode(hmac.new(b"SEC-demo-secret", f"{timestamp}\nSEC-demo-secret".encode(),
                                         hashlib.sha256).digest()).decode()
    assert query["sign"] == [expected]


def test_only_dingtalk_robots_take_a_secret(people) -> None:  # type: ignore[no-untyped-def]
    from rectify.core.errors import DomainError

    with pytest.raises(DomainError):
        webhook_add(actor=None, url="http://10.0.0.1/x", kind="wecom", round_code=people.world.round.code,
                    secret="s")
