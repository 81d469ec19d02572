"""The vault's pages: dossiers, pieces and their files."""

from django.urls import path

from evidence.vault import views

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
]
