"""Accounts and the evidence vault."""

app_name = "evidence"
urlpatterns: list = []
