"""Serve the WSGI app with gunicorn — a production-grade server — and keep the background worker beside it
alive, with no separate process manager."""

from __future__ import annotations

import logging
import multiprocessing
import os
import subprocess
import time
from typing import Any

from gunicorn.app.base import BaseApplication

logger = logging.getLogger(__name__)


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self):  # type: ignore[no-untyped-def]
        # The project's WSGI_APPLICATION, by its dotted path: core does not import the project modules.
        from django.core.servers.basehttp import get_internal_wsgi_application

        return get_internal_wsgi_application()  # rectify.wsgi, which settles the worker's heap (core.heap)


def run_gunicorn(*, host: str, port: int, workers: int | None = None) -> None:
    _Gunicorn({
        "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
        "workers": workers or min(4, multiprocessing.cpu_count() + 1),
        "worker_class": "gthread",
        "threads": 4,
        "timeout": 120,
        "graceful_timeout": 20,
        "accesslog": "-",
        "errorlog": "-",
        "loglevel": "warning",
    }).run()


class WorkerSupervisor:
    """Keeps one background worker process running beside the web server, and stops it with the server.

    1. ``start()`` runs ``command`` and a thread that watches it once a second.
    2. When the process ends while the supervisor is running, the exit is logged and the process is started
       again: at once if it had run for a minute, else after 1, 2, 5, 10 and then every 30 s while it keeps
       dying young (a worker that cannot start must not spin).
    3. ``stop()`` ends the watch first, then the process: SIGTERM (the worker finishes its current step and
       leaves), SIGKILL after ``grace`` seconds.

    The process gets its own session, so a Ctrl+C in the terminal reaches the server only and the worker is
    stopped by ``stop()``, never restarted behind the server's back; the worker is told the server's pid
    (``rectify worker --parent``) and stops by itself if the server dies without stopping it. The server's
    own children are reaped by gunicorn's arbiter too, so the exit status can be lost ("unknown").
    """

    BACKOFF = (0.0, 1.0, 2.0, 5.0, 10.0, 30.0)
    HEALTHY_AFTER = 60.0

    def __init__(self, command: list[str], *, name: str = "background worker", grace: float = 15.0) -> None:
        import threading

        self.command = command
        self.name = name
        self.grace = grace
        self.owner = os.getpid()  # forked gunicorn workers inherit this object: only the owner may act
        self.restarts = 0
        self.process: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._watch, name="worker-supervisor", daemon=True)

    def start(self) -> None:
        self._spawn()
        self._thread.start()

    def _spawn(self) -> None:
        with self._lock:
            if self._stopping.is_set():
                return
            self.process = subprocess.Popen(self.command, start_new_session=True)
            self.started_at = time.monotonic()
        logger.info("%s started (pid %s)", self.name, self.process.pid)

    def _watch(self) -> None:
        failures = 0
        while not self._stopping.wait(1.0):
            process = self.process
            if process is None or process.poll() is None:
                continue
            lived = time.monotonic() - self.started_at
            failures = 0 if lived >= self.HEALTHY_AFTER else failures + 1
            delay = self.BACKOFF[min(failures, len(self.BACKOFF) - 1)]
            code = process.returncode
            how = ((f"killed by signal {-code}" if code < 0 else f"exit status {code}") if code
                   else "exit status 0, or unknown when gunicorn's arbiter reaped it first")
            logger.error("%s (pid %s) stopped after %.0f s (%s); restarting it in %.0f s",
                         self.name, process.pid, lived, how, delay)
            if self._stopping.wait(delay):
                return
            self.restarts += 1
            self._spawn()

    def stop(self) -> None:
        if os.getpid() != self.owner:
            return
        with self._lock:
            self._stopping.set()
            process = self.process
        if self._thread.is_alive():
            self._thread.join(5)
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=self.grace)
        except subprocess.TimeoutExpired:
            logger.warning("%s (pid %s) did not stop within %.0f s: killing it", self.name, process.pid, self.grace)
            process.kill()
            process.wait(timeout=5)
