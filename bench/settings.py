"""The site's own settings, for the benchmark's server only (`make bench`): the same site, plus
the baseline pages of bench/urls.py that the measured pages are compared with."""

from supportsite.settings import *  # noqa: F403
from supportsite.settings import TEMPLATES

ROOT_URLCONF = "bench.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], BASE_DIR / "bench" / "templates"]  # noqa: F405
