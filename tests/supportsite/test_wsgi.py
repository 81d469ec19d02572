"""A server's worker is ready before its first request, whoever makes it."""

import subprocess
import sys

from django.conf import settings


def test_a_worker_imports_every_view_while_it_starts_not_on_its_first_request():
    # The quick exit may be a fresh worker's first request: it must not wait for the imports.
    probe = (
        "import sys, supportsite.wsgi; "
        "print('evidence.vault.views' in sys.modules, 'evidence.export.views' in sys.modules)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    assert done.stdout.split() == ["True", "True"]
