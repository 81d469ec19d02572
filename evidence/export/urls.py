"""Exports of a dossier: start one, follow it, download its PDF and package, delete it."""

from django.urls import path

from evidence.export import views

urlpatterns = [
    path("dossiers/<uuid:dossier_id>/exporter/", views.export_start, name="export_start"),
    path("exports/<uuid:export_id>/", views.export_detail, name="export_detail"),
    path("exports/<uuid:export_id>/pdf/", views.export_pdf, name="export_pdf"),
    path("exports/<uuid:export_id>/zip/", views.export_zip, name="export_zip"),
    path("exports/<uuid:export_id>/supprimer/", views.export_delete, name="export_delete"),
    # Public: for whoever receives a dossier, no account needed.
    path("verifier-un-dossier/", views.verify_help, name="verify_help"),
]
