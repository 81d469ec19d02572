"""Helpers on a dossier and read-only shares: the owner's pages, joining, and what a share's
recipient opens (no account). Tokens in URLs are 43 random characters (evidence/sharing/codes.py),
every other object a UUID."""

from django.urls import path, register_converter

from evidence.sharing import codes, shared_views, views


class TokenConverter:
    regex = codes.TOKEN_PATTERN

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(TokenConverter, "token")

urlpatterns = [
    # The owner's people, and inviting (the owner, or a helper allowed to).
    path("dossiers/<uuid:dossier_id>/personnes/", views.people, name="people"),
    path("dossiers/<uuid:dossier_id>/personnes/inviter/", views.invite, name="invite"),
    path("invitations/<uuid:invitation_id>/", views.invitation_detail, name="invitation_detail"),
    path(
        "invitations/<uuid:invitation_id>/retirer/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("aides/<uuid:helper_id>/", views.helper_edit, name="helper_edit"),
    path("aides/<uuid:helper_id>/retirer/", views.helper_remove, name="helper_remove"),
    path("dossiers/<uuid:dossier_id>/quitter/", views.leave, name="leave"),
    # Joining: "I was invited on a dossier" (a code), or the invitation's link.
    path("rejoindre/", views.join_with_code, name="join_with_code"),
    path("rejoindre/<token:token>/", views.join, name="join"),
    # The owner's read-only shares.
    path("dossiers/<uuid:dossier_id>/partages/", views.share_list, name="shares"),
    path("partages/<uuid:share_id>/", views.share_detail, name="share_detail"),
    path("partages/<uuid:share_id>/revoquer/", views.share_revoke, name="share_revoke"),
    # What a share's recipient opens.
    path("consulter/<token:token>/", shared_views.shared, name="shared"),
    path(
        "consulter/<token:token>/fichiers/<uuid:file_id>/miniature/",
        shared_views.shared_thumbnail,
        name="shared_thumbnail",
    ),
    path(
        "consulter/<token:token>/fichiers/<uuid:file_id>/affichage/",
        shared_views.shared_display,
        name="shared_display",
    ),
    path(
        "consulter/<token:token>/fichiers/<uuid:file_id>/original/",
        shared_views.shared_original,
        name="shared_original",
    ),
    path("consulter/<token:token>/pdf/", shared_views.shared_pdf, name="shared_pdf"),
    path("consulter/<token:token>/zip/", shared_views.shared_zip, name="shared_zip"),
]
