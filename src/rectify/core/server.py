"""Serve the WSGI app with gunicorn: a production-grade server, no separate process manager."""

from __future__ import annotations

import multiprocessing
from typing import Any

from gunicorn.app.base import BaseApplication


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

        return get_internal_wsgi_application()


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
