"""Preloaded by the fork server that the reading children come from (``rectify.ledger.sandbox``).

The fork server imports this module once: Django is set up and the readers are imported there, so each
child forked from it starts warm. Nothing here may fail the fork server, which would stop every import:
a failure is logged and the child sets Django up itself.
"""

from __future__ import annotations

import logging
import os

try:
    import django
    from django.apps import apps

    if not apps.ready:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")
        django.setup()
    # imported once here, inherited by every child
    import rectify.ledger.parsing
    import rectify.ledger.roster
    import rectify.ledger.sandbox
    import rectify.ledger.services  # noqa: F401
except Exception:  # never fail the fork server: the child sets Django up itself
    logging.getLogger(__name__).exception("preloading the readers in the fork server failed")
