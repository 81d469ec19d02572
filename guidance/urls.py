"""The questionnaire and the plan."""

from django.conf import settings
from django.urls import path

from guidance import views
from supportsite.env import envbool

app_name = "guidance"
urlpatterns = [
    path("questionnaire/", views.start, name="start"),
    path("questionnaire/urgence/", views.urgent, name="urgent"),
    path("questionnaire/vos-reponses/", views.summary, name="summary"),
    path("questionnaire/<slug:question_id>/", views.question, name="question"),
    path("plan/", views.plan, name="plan"),
    path("plan/mon-plan-d-action.pdf", views.plan_pdf, name="plan_pdf"),
]

# `make bench` only: the baseline page the questionnaire is measured against. Never in
# production, and absent unless the benchmark's server is started with BENCH_BASELINE=1.
if envbool("BENCH_BASELINE") and not settings.PRODUCTION:
    from guidance import bench_views

    urlpatterns.append(path("bench/baseline/", bench_views.baseline, name="bench_baseline"))
