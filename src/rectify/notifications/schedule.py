"""The daily notify run inside ``serve``'s worker process: nothing else has to be started.

A daemon thread wakes every minute; once the local hour has reached ``RECTIFY_NOTIFY_HOUR`` and no run has
been made today, it runs ``notify_run``. Running it twice, or beside a ``rectify notify`` from cron, sends
nothing twice (the run claims what it sends), so a restart of the worker is harmless.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connections

from rectify.core import clock

logger = logging.getLogger(__name__)


def due_now() -> bool:
    """Whether today's run is due: past the hour and no run recorded today."""
    from rectify.notifications.models import NotifyRun

    local = clock.now().astimezone(clock.SHANGHAI)
    if local.hour < settings.RECTIFY_NOTIFY_HOUR:
        return False
    return not NotifyRun.objects.filter(day=local.date()).exists()


def start_daily_notify(stop: threading.Event, *, interval: float = 60.0) -> threading.Thread:
    def loop() -> None:
        from rectify.notifications.services import notify_run

        while not stop.is_set():
            try:
                if due_now():
                    result = notify_run()
                    logger.info("daily notify run %s: %s", result.run_id, result.as_json())
            except Exception:  # a database hiccup or a bug must not end the schedule: try again next time
                logger.exception("the daily notify run failed")
            finally:
                close_old_connections()
            stop.wait(interval)
        connections.close_all()  # this thread's connection: nothing else closes it when the worker stops

    thread = threading.Thread(target=loop, name="daily-notify", daemon=True)
    thread.start()
    return thread
