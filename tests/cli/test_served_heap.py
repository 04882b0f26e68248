"""A served worker keeps its start-up heap out of the garbage collector's way (DECISIONS 47)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from django.conf import settings

PROBE = """
import gc, json, sys
before = len(gc.get_objects())
from rectify.core import server
application = server._Gunicorn({"bind": "127.0.0.1:0", "workers": 1}).load()
print(json.dumps({"callable": callable(application), "tracked_before": before, "frozen": gc.get_freeze_count(),
                  "tracked_after": len(gc.get_objects()), "views": "rectify.reports.views" in sys.modules}))
"""


def test_a_served_worker_loads_its_views_and_freezes_what_it_loaded(tmp_path):
    """Loading the app as a gunicorn worker does (``rectify serve``) imports the URLconf's views and moves every
    object then alive into the permanent generation: a full collection inside a request no longer scans them.
    In a process of its own, as a worker is."""
    env = {**os.environ, "RECTIFY_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "rectify.settings"}
    env.pop("DATABASE_URL", None)  # loading the app connects to nothing; the embedded default is enough
    out = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120,
                         cwd=settings.BASE_DIR)
    assert out.returncode == 0, out.stderr
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    assert probe["callable"] and probe["views"]
    assert probe["frozen"] > 50_000  # Django, the views, the API's schemas…
    assert probe["tracked_after"] < probe["frozen"] // 20  # …and next to nothing left for a collection to scan
