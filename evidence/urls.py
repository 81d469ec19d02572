"""Accounts and the evidence vault. French paths; English ones are the same under /en/."""

from django.urls import path

from evidence import account_views, complaint_views, export_views, views

app_name = "evidence"
urlpatterns = [
    # Accounts
    path("compte/inscription/", account_views.signup, name="signup"),
    path("compte/connexion/", account_views.login_view, name="login"),
    path("compte/deconnexion/", account_views.logout_view, name="logout"),
    path("compte/codes-de-secours/", account_views.recovery_codes, name="recovery_codes"),
    path("compte/mot-de-passe-oublie/", account_views.forgot_password, name="forgot_password"),
    path("compte/", account_views.account, name="account"),
    path("compte/supprimer/", account_views.account_delete, name="account_delete"),
    path("compte/supprime/", account_views.account_deleted, name="account_deleted"),
    # Dossiers
    path("dossiers/", views.dossier_list, name="dossier_list"),
    path("dossiers/nouveau/", views.dossier_create, name="dossier_create"),
    path("dossiers/depuis-mon-plan/", views.start_from_plan, name="start_from_plan"),
    path("dossiers/<uuid:dossier_id>/", views.dossier_detail, name="dossier_detail"),
    path("dossiers/<uuid:dossier_id>/modifier/", views.dossier_edit, name="dossier_edit"),
    path("dossiers/<uuid:dossier_id>/effacer/", views.dossier_erase, name="dossier_erase"),
    path("dossiers/<uuid:dossier_id>/chronologie/", views.dossier_timeline, name="timeline"),
    path("dossiers/<uuid:dossier_id>/journal/", views.custody_log, name="custody_log"),
    path("dossiers/<uuid:dossier_id>/pieces/ajouter/", views.piece_add, name="piece_add"),
    # The complaint
    path("dossiers/<uuid:dossier_id>/plainte/", complaint_views.overview, name="complaint"),
    path(
        "dossiers/<uuid:dossier_id>/plainte/identite/",
        complaint_views.identity,
        name="complaint_identity",
    ),
    path(
        "dossiers/<uuid:dossier_id>/plainte/auteurs/",
        complaint_views.suspects,
        name="complaint_suspects",
    ),
    path(
        "dossiers/<uuid:dossier_id>/plainte/temoins/",
        complaint_views.witnesses,
        name="complaint_witnesses",
    ),
    path(
        "dossiers/<uuid:dossier_id>/plainte/prejudice/",
        complaint_views.harm,
        name="complaint_harm",
    ),
    path(
        "dossiers/<uuid:dossier_id>/plainte/tribunal/",
        complaint_views.tribunal,
        name="complaint_tribunal",
    ),
    path(
        "dossiers/<uuid:dossier_id>/plainte/chronologie/",
        complaint_views.notes,
        name="complaint_notes",
    ),
    path(
        "dossiers/<uuid:dossier_id>/plainte/lettre/",
        complaint_views.letter,
        name="complaint_letter",
    ),
    path("notes/<uuid:note_id>/", complaint_views.note_edit, name="note_edit"),
    # Exports
    path("dossiers/<uuid:dossier_id>/exporter/", export_views.export_start, name="export_start"),
    path("exports/<uuid:export_id>/", export_views.export_detail, name="export_detail"),
    path("exports/<uuid:export_id>/pdf/", export_views.export_pdf, name="export_pdf"),
    path("exports/<uuid:export_id>/zip/", export_views.export_zip, name="export_zip"),
    path("exports/<uuid:export_id>/supprimer/", export_views.export_delete, name="export_delete"),
    # Pieces and their files
    path("pieces/<uuid:piece_id>/", views.piece_detail, name="piece_detail"),
    path("pieces/<uuid:piece_id>/modifier/", views.piece_edit, name="piece_edit"),
    path("pieces/<uuid:piece_id>/supprimer/", views.piece_delete, name="piece_delete"),
    path("pieces/<uuid:piece_id>/fichiers/", views.piece_add_files, name="piece_add_files"),
    path("fichiers/<uuid:file_id>/original/", views.file_original, name="file_original"),
    path("fichiers/<uuid:file_id>/affichage/", views.file_display, name="file_display"),
    path("fichiers/<uuid:file_id>/miniature/", views.file_thumbnail, name="file_thumbnail"),
]
