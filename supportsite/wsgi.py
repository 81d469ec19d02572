"""The WSGI application, ready before its first request.

Every view module is imported here, while a server's worker starts, rather than during the
worker's first request: that import took 0.7 to 1.7 s, and the first visitor of a fresh worker
may be someone pressing the quick exit, which must answer at once (bench/quick_exit.py).
"""

import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportsite.settings")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 (imports the URLconf and every view it names)
