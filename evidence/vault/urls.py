"""The vault's pages: dossiers, pieces and their files."""

from django.urls import path

from evidence.vault import batch_views, chat_views, views

urlpatterns = [
    path("dossiers/", views.dossier_list, name="dossier_list"),
    path("dossiers/nouveau/", views.dossier_create, name="dossier_create"),
    path("dossiers/depuis-mon-plan/", views.start_from_plan, name="start_from_plan"),
    path("dossiers/<uuid:dossier_id>/", views.dossier_detail, name="dossier_detail"),
    path("dossiers/<uuid:dossier_id>/modifier/", views.dossier_edit, name="dossier_edit"),
    path("dossiers/<uuid:dossier_id>/effacer/", views.dossier_erase, name="dossier_erase"),
    path("dossiers/<uuid:dossier_id>/chronologie/", views.dossier_timeline, name="timeline"),
    path("dossiers/<uuid:dossier_id>/journal/", views.custody_log, name="custody_log"),
    path("dossiers/<uuid:dossier_id>/verifier/", views.dossier_check, name="dossier_check"),
    path("dossiers/<uuid:dossier_id>/pieces/ajouter/", views.piece_add, name="piece_add"),
    path("pieces/<uuid:piece_id>/", views.piece_detail, name="piece_detail"),
    path("pieces/<uuid:piece_id>/modifier/", views.piece_edit, name="piece_edit"),
    path("pieces/<uuid:piece_id>/supprimer/", views.piece_delete, name="piece_delete"),
    path("pieces/<uuid:piece_id>/fichiers/", views.piece_add_files, name="piece_add_files"),
    path("fichiers/<uuid:file_id>/original/", views.file_original, name="file_original"),
    path("fichiers/<uuid:file_id>/affichage/", views.file_display, name="file_display"),
    path("fichiers/<uuid:file_id>/miniature/", views.file_thumbnail, name="file_thumbnail"),
    # Intake at scale: many screenshots at once, their review, the search, chat exports.
    path(
        "dossiers/<uuid:dossier_id>/captures/ajouter/",
        batch_views.batch_start,
        name="batch_start",
    ),
    path("envois/<uuid:batch_id>/fichiers/", batch_views.batch_files, name="batch_files"),
    path("envois/<uuid:batch_id>/", batch_views.batch_review, name="batch_review"),
    path("pieces/<uuid:piece_id>/fiche/", batch_views.piece_card, name="piece_card"),
    path(
        "pieces/<uuid:piece_id>/suggestion/",
        batch_views.accept_suggestion,
        name="accept_suggestion",
    ),
    path(
        "dossiers/<uuid:dossier_id>/preparation/",
        batch_views.dossier_preparation,
        name="dossier_preparation",
    ),
    path(
        "dossiers/<uuid:dossier_id>/rechercher/", batch_views.dossier_search, name="dossier_search"
    ),
    path(
        "dossiers/<uuid:dossier_id>/discussions/importer/",
        chat_views.chat_start,
        name="chat_start",
    ),
    path("discussions/<uuid:chat_id>/fichier/", chat_views.chat_file, name="chat_file"),
    path("discussions/<uuid:chat_id>/", chat_views.chat_messages, name="chat_messages"),
]
