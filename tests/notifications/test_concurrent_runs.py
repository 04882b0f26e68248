"""Two `rectify notify` at once (two processes on one SQLite database in WAL mode, a real SMTP server): every
inbox item and every e-mail is sent by exactly one of them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller

from tests.notifications.test_delivery import Inbox, free_port

ROOT = Path(__file__).resolve().parents[2]
SETUP = """
import django, os
os.environ["DJANGO_SETTINGS_MODULE"] = "rectify.settings"
django.setup()
from django.core.management import call_command
call_command("migrate", interactive=False, verbosity=0)
from rectify.inspections.models import ProblemCategory
from tests import factories
from tests.notifications.conftest import build_people
w = factories.world()
for n in range(40):  # more overdue and due-soon tasks across both units
    prob = factories.problem(iu=w.iu_a if n % 2 else w.iu_b)
    factories.task(prob=prob, due=factories.dt.date(2026, 6, 1) + factories.dt.timedelta(days=n))
build_people(w)
"""
COUNT = """
import django, os, json
os.environ["DJANGO_SETTINGS_MODULE"] = "rectify.settings"
django.setup()
from rectify.notifications.models import Notification, EmailDigest
print(json.dumps({"notifications": Notification.objects.filter(delivered_at__isnull=False).count(),
                  "emails": EmailDigest.objects.filter(sent_at__isnull=False).count()}))
"""


@pytest.mark.skipif(os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="runs its own SQLite database")
def test_two_runs_at_once_send_nothing_twice(tmp_path) -> None:  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(RECTIFY_HOME=str(tmp_path), PYTHONPATH=f"{ROOT / 'src'}{os.pathsep}{ROOT}", RECTIFY_TODAY="2026-07-05")
    subprocess.run([sys.executable, "-c", SETUP], env=env, cwd=ROOT, check=True, timeout=300)
    handler = Inbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        env.update(RECTIFY_SMTP_HOST="127.0.0.1", RECTIFY_SMTP_PORT=str(port))
        runs = [subprocess.Popen([sys.executable, "-m", "rectify.cli", "notify", "--json"], env=env, cwd=ROOT,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        outputs = []
        for run in runs:
            out, err = run.communicate(timeout=300)
            assert run.returncode == 0, err
            outputs.append(json.loads(out.strip().splitlines()[-1]))
        stored = json.loads(subprocess.run([sys.executable, "-c", COUNT], env=env, cwd=ROOT, check=True,
                                           capture_output=True, text=True, timeout=120).stdout)
    finally:
        controller.stop()
    assert stored["notifications"] > 0 and stored["emails"] > 0
    assert sum(o["notifications"] for o in outputs) == stored["notifications"]
    assert sum(o["emails"] for o in outputs) == stored["emails"] == len(handler.messages)
    recipients = [rcpt for rcpts, _ in handler.messages for rcpt in rcpts]
    assert len(recipients) == len(set(recipients))  # nobody got two e-mails


@pytest.mark.skipif(not os.environ.get("DATABASE_URL", "").startswith("postgres"),
                    reason="threads on one in-memory SQLite database share a cache, not a server")
@pytest.mark.django_db(transaction=True)
def test_two_runs_at_once_in_threads_on_postgresql(people, settings) -> None:  # type: ignore[no-untyped-def]
    """On PostgreSQL the conditional UPDATEs of two runs in flight meet on the same rows."""
    import datetime as dt
    import threading

    from django.db import connection

    from rectify.core import clock
    from rectify.notifications.models import Notification
    from rectify.notifications.services import notify_run
    from tests import factories
    from tests.notifications.conftest import FEEDBACK

    for n in range(30):
        factories.task(prob=people.world.problem_a, due=FEEDBACK + dt.timedelta(days=n))
    results, errors = [], []
    barrier = threading.Barrier(2)

    def run() -> None:
        try:
            barrier.wait()
            with clock.frozen(FEEDBACK + dt.timedelta(days=61)):
                results.append(notify_run())
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    stored = Notification.objects.filter(delivered_at__isnull=False).count()
    assert stored > 0 and sum(r.notifications for r in results) == stored
