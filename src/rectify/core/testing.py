"""Test helpers that production code never imports."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from django.db import connection
from django.test.utils import CaptureQueriesContext


@contextlib.contextmanager
def capture_queries() -> Iterator[CaptureQueriesContext]:
    """Count the SQL queries a block runs (``len(ctx.captured_queries)``), for N+1 guards."""
    with CaptureQueriesContext(connection) as ctx:
        yield ctx
