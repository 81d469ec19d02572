"""URLs for the 500 test: the real ones plus a view that fails."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import path

from supportsite.urls import handler400, handler403, handler404, handler500, urlpatterns  # noqa: F401


def boom(request):
    raise RuntimeError("boom")


urlpatterns = [*urlpatterns, *i18n_patterns(path("boom/", boom), prefix_default_language=False)]
