"""The questionnaire and the plan."""

app_name = "guidance"
urlpatterns: list = []
