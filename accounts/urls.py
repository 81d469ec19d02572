"""Accounts without email. French paths; English ones are the same under /en/."""

from django.urls import path

from accounts import views

app_name = "accounts"
urlpatterns = [
    path("compte/inscription/", views.signup, name="signup"),
    path("compte/connexion/", views.login_view, name="login"),
    path("compte/deconnexion/", views.logout_view, name="logout"),
    path("compte/rester-connecte/", views.keep_alive, name="keep_alive"),
    path("compte/codes-de-secours/", views.recovery_codes, name="recovery_codes"),
    path("compte/mot-de-passe-oublie/", views.forgot_password, name="forgot_password"),
    path("compte/", views.account, name="account"),
    path("compte/supprimer/", views.account_delete, name="account_delete"),
    path("compte/supprime/", views.account_deleted, name="account_deleted"),
]
