from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path

from supportsite import views

# French pages have no prefix, English ones live under /en/.
urlpatterns = i18n_patterns(
    path("", views.home, name="home"),
    path("sortie/", views.quick_exit, name="quick_exit"),
    path("naviguer-en-securite/", views.safe_browsing, name="safe_browsing"),
    path("contacts/", views.contacts, name="contacts"),
    path("", include("guidance.urls")),
    path("", include("accounts.urls")),
    path("", include("evidence.urls")),
    prefix_default_language=False,
)

handler400 = "supportsite.views.bad_request"
handler403 = "supportsite.views.permission_denied"
handler404 = "supportsite.views.page_not_found"
handler500 = "supportsite.views.server_error"
