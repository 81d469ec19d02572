"""The site's URLs, and the baseline page a question page is measured against (bench.views)."""

from django.urls import path

from bench import views
from supportsite.urls import handler400, handler403, handler404, handler500  # noqa: F401
from supportsite.urls import urlpatterns as site

urlpatterns = [*site, path("bench/baseline/", views.baseline, name="bench_baseline")]
