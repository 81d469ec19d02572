"""gunicorn's production configuration: `gunicorn -c python:supportsite.gunicorn supportsite.wsgi`.

Threads, not only processes: a request that waits on its client (an upload from a phone on a
slow network) holds a thread, not a whole worker, so the quick exit and every other page are
still answered at once. Each variable can be set in the environment (GUNICORN_WORKERS…).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", 8))
# A request taking longer than this is stopped: nothing of ours should (images are decoded and
# dossiers exported by the task worker); an upload of 10 files of 20 MB on a slow phone
# network is the slowest thing a person does.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", 120))
graceful_timeout = 30
keepalive = 5
# Request lines and headers: Django's own limits apply to the body.
limit_request_line = 8190
accesslog = None  # no access log: where a victim browses from is nobody's business
errorlog = "-"
