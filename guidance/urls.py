"""The questionnaire, the plan, and a witness's statement."""

from django.urls import path

from guidance import views
from guidance.attestation import views as attestation

app_name = "guidance"
urlpatterns = [
    path("questionnaire/", views.start, name="start"),
    path("questionnaire/urgence/", views.urgent, name="urgent"),
    path("questionnaire/vos-reponses/", views.summary, name="summary"),
    path("questionnaire/<slug:question_id>/", views.question, name="question"),
    path("plan/", views.plan, name="plan"),
    path("plan/mon-plan-d-action.pdf", views.plan_pdf, name="plan_pdf"),
    path("attestation-de-temoin/", attestation.start, name="attestation"),
    path("attestation-de-temoin/a-imprimer/", attestation.print_page, name="attestation_print"),
    path(
        "attestation-de-temoin/attestation-de-temoin.pdf", attestation.pdf, name="attestation_pdf"
    ),
    path("attestation-de-temoin/effacer/", attestation.erase, name="attestation_erase"),
]
