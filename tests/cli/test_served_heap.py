"""A gunicorn worker, as ``rectify serve`` runs it, keeps its start-up heap out of the garbage collector's way."""

from __future__ import annotations

import gc
import sys

import pytest

from rectify.core import server


@pytest.fixture
def unfrozen():
    gc.unfreeze()
    yield
    gc.unfreeze()  # the rest of the test session collects as before


def test_a_served_worker_freezes_what_it_loaded(unfrozen):
    """Loading the app through gunicorn moves every object then alive (the app, its settings, the URLconf and
    its views) into the permanent generation: a full collection no longer scans them inside a request."""
    assert gc.get_freeze_count() == 0
    sys.modules.pop("rectify.wsgi", None)  # (loaded once per process: as a worker loads it)
    application = server._Gunicorn({"bind": "127.0.0.1:0", "workers": 1}).load()
    assert callable(application)
    assert gc.get_freeze_count() > 50_000
