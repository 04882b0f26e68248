"""The worker's daily run: due once the local hour is reached and no run is recorded for the day."""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from rectify.core import clock
from rectify.notifications.models import NotifyRun
from rectify.notifications.schedule import due_now, start_daily_notify

pytestmark = pytest.mark.django_db


def test_due_once_a_day_after_the_hour(settings) -> None:
    settings.RECTIFY_NOTIFY_HOUR = 8
    with clock.frozen(dt.datetime(2026, 7, 1, 23, 30, tzinfo=dt.UTC)):  # 07:30 in Beijing
        assert not due_now()
    with clock.frozen(dt.datetime(2026, 7, 2, 0, 5, tzinfo=dt.UTC)):  # 08:05 in Beijing
        assert due_now()
        NotifyRun.objects.create(day=dt.date(2026, 7, 2), started_at=clock.now())
        assert not due_now()


@pytest.mark.django_db(transaction=True)
def test_the_thread_runs_and_stops(settings, people) -> None:  # type: ignore[no-untyped-def]
    settings.RECTIFY_NOTIFY_HOUR = 0
    stop = threading.Event()
    thread = start_daily_notify(stop, interval=0.05)
    for _ in range(200):
        if NotifyRun.objects.exists():
            break
        stop.wait(0.05)
    stop.set()
    thread.join(5)
    assert NotifyRun.objects.count() == 1 and not thread.is_alive()
