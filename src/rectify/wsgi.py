"""The WSGI application any server loads (``rectify serve`` runs gunicorn on it)."""

import os

from django.core.wsgi import get_wsgi_application

from rectify.core.heap import settle_heap

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rectify.settings")
application = get_wsgi_application()
settle_heap()  # what the process loaded lives as long as it: out of the garbage collector's way
