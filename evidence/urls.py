"""The evidence vault, the complaint, the exports, helpers and shares, under one namespace
("evidence:…"). French paths; English ones are the same under /en/."""

from evidence.complaint import urls as complaint
from evidence.export import urls as export
from evidence.sharing import urls as sharing
from evidence.vault import urls as vault

app_name = "evidence"
urlpatterns = [
    *vault.urlpatterns,
    *complaint.urlpatterns,
    *export.urlpatterns,
    *sharing.urlpatterns,
]
