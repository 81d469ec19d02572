"""The questionnaire and the plan."""

from django.urls import path

from guidance import views

app_name = "guidance"
urlpatterns = [
    path("questionnaire/", views.start, name="start"),
    path("questionnaire/urgence/", views.urgent, name="urgent"),
    path("questionnaire/vos-reponses/", views.summary, name="summary"),
    path("questionnaire/<slug:question_id>/", views.question, name="question"),
    path("plan/", views.plan, name="plan"),
    path("plan/mon-plan-d-action.pdf", views.plan_pdf, name="plan_pdf"),
]
