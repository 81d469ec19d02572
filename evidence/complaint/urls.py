"""Preparing the complaint: the overview, one page per section, the notes and the letter."""

from django.urls import path

from evidence.complaint import views

urlpatterns = [
    path("dossiers/<uuid:dossier_id>/plainte/", views.overview, name="complaint"),
    path("dossiers/<uuid:dossier_id>/plainte/identite/", views.identity, name="complaint_identity"),
    path("dossiers/<uuid:dossier_id>/plainte/faits/", views.facts, name="complaint_facts"),
    path("dossiers/<uuid:dossier_id>/plainte/auteurs/", views.suspects, name="complaint_suspects"),
    path(
        "dossiers/<uuid:dossier_id>/plainte/temoins/", views.witnesses, name="complaint_witnesses"
    ),
    path("dossiers/<uuid:dossier_id>/plainte/prejudice/", views.harm, name="complaint_harm"),
    path("dossiers/<uuid:dossier_id>/plainte/tribunal/", views.tribunal, name="complaint_tribunal"),
    path("dossiers/<uuid:dossier_id>/plainte/chronologie/", views.notes, name="complaint_notes"),
    path("dossiers/<uuid:dossier_id>/plainte/lettre/", views.letter_page, name="complaint_letter"),
    path("notes/<uuid:note_id>/", views.note_edit, name="note_edit"),
]
