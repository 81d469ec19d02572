"""Accounts: sign up with a pseudonym, log in and out, recovery codes, forgotten password.

Logins are throttled by django-axes (settings: AXES_*), per pseudonym and address together, so
a harasser cannot lock their target out from elsewhere; the recovery form counts its failures
the same way. Sessions end after 30 idle minutes and when the browser closes (settings).
"""

from __future__ import annotations

import uuid

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_login_failed
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods, require_POST

from accounts import recovery
from accounts.forms import (
    DeleteAccountForm,
    ForgotPasswordForm,
    LoginForm,
    PasswordCheckForm,
    SignupForm,
)
from accounts.throttling import lockout_response
from common import submissions
from evidence import drafts
from evidence.vault import services as vault

MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
# The one-time token of the sign-up form (common.submissions): sent twice, one account.
SIGNUP_FORM = "signup"
ERASED = "account-erased"  # the tag of the account-deleted summary (a one-time message)


def _next_url(request: HttpRequest) -> str:
    """Where to go after logging in: a page of this site only, else the dossiers."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return ""


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


@sensitive_post_parameters("password1", "password2")
@require_http_methods(["GET", "POST"])
def signup(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    codes_url = _with_next(reverse("accounts:recovery_codes"), next_url)
    form = SignupForm(request.POST or None)
    if request.method == "POST" and _sent_before(form, SIGNUP_FORM):
        # The first one made the account: its codes, not yet seen if this is a double click,
        # are on their page (which asks to log in when this browser is not).
        return redirect(codes_url)
    if request.user.is_authenticated:
        return redirect(next_url or "evidence:dossier_list")
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                user = form.save()
                submissions.first_time(form.cleaned_data["token"], form=SIGNUP_FORM, user=user)
                codes = recovery.replace_codes(user)
        except IntegrityError:  # the same form, sent twice at the same instant
            if _sent_before(form, SIGNUP_FORM):
                return redirect(codes_url)
            raise
        login(request, user, backend=MODEL_BACKEND)
        return _show_new_codes(request, codes, next_url or reverse("evidence:dossier_list"))
    return render(request, "accounts/signup.html", {"form": form, "next": next_url})


def _show_new_codes(request: HttpRequest, codes: list[str] | None, then: str) -> HttpResponse:
    """New codes, in the answer to the form that made them: kept nowhere in clear (not even
    in the session: only their hashes are stored), they can never be shown again. A reload
    sends the form again, which then refuses (signed in already, or codes already replaced)."""
    return render(request, "accounts/recovery_codes.html", {"codes": codes, "then": then})


def _sent_before(form, name: str) -> bool:
    """Whether this form's one-time token already did its work."""
    token = form["token"].value()
    try:
        return submissions.was_sent(token and uuid.UUID(str(token)), form=name)
    except ValueError:  # not a token: the form says so
        return False


@login_required
@require_http_methods(["GET"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """Where a form that made codes already, sent again, leads: they cannot be shown again."""
    return render(request, "accounts/recovery_codes.html", {"codes": None})


@sensitive_post_parameters("password")
@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = _next_url(request)
    if request.user.is_authenticated and request.method == "GET":
        return redirect(next_url or "evidence:dossier_list")
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        login(request, form.get_user())
        drafts.claim(request)  # what a form held when the last session ended
        return redirect(next_url or "evidence:dossier_list")
    return render(
        request,
        "accounts/login.html",
        {
            "form": form,
            "next": next_url,
            "signup_url": _with_next(reverse("accounts:signup"), next_url),
        },
    )


@require_POST
def keep_alive(request: HttpRequest) -> HttpResponse:
    """The timeout warning's "Stay logged in": like any request, it starts the session's idle
    time again (SESSION_SAVE_EVERY_REQUEST); it does nothing else. With htmx the page stays
    as it is (204; 401 once the session has ended); without, back to the page."""
    if request.htmx:
        return HttpResponse(status=204 if request.user.is_authenticated else 401)
    next_url = _next_url(request)
    if not request.user.is_authenticated:
        return redirect_to_login(next_url or reverse("evidence:dossier_list"))
    return redirect(next_url or "evidence:dossier_list")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    drafts.discard_all(request)
    logout(request)
    return redirect("home")


@sensitive_post_parameters("code", "new_password1", "new_password2")
@require_http_methods(["GET", "POST"])
def forgot_password(request: HttpRequest) -> HttpResponse:
    form = ForgotPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        credentials = {"username": form.cleaned_data["username"]}
        if not AxesProxyHandler.is_allowed(request, credentials):
            return lockout_response(request, None, credentials)
        try:
            user = recovery.reset_password(
                form.cleaned_data["username"],
                form.cleaned_data["code"],
                form.cleaned_data["new_password1"],
            )
        except ValidationError as problems:
            form.add_error("new_password1", problems)
        else:
            if user is not None:
                login(request, user, backend=MODEL_BACKEND)
                drafts.claim(request)
                messages.success(
                    request,
                    _("Your password was changed, and the code you used no longer works."),
                )
                return redirect("accounts:account")
            # Counted like a failed login: the codes cannot be guessed one after another.
            user_login_failed.send(sender=__name__, credentials=credentials, request=request)
            form.add_error(
                "code",
                _("This pseudonym and code do not match, or this code was already used."),
            )
    return render(request, "accounts/forgot_password.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def account(request: HttpRequest) -> HttpResponse:
    """The account page; its form issues new recovery codes (the password is asked again)."""
    form = PasswordCheckForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = recovery.replace_codes(request.user, replacing=request.POST.get("codes", ""))
        if codes is None:  # this form, sent again: the codes it made were shown already
            return redirect("accounts:recovery_codes")
        return _show_new_codes(request, codes, reverse("accounts:account"))
    return render(
        request,
        "accounts/account.html",
        {
            "form": form,
            "codes_set": recovery.current_set(request.user),
            "remaining_codes": recovery.remaining_codes(request.user),
            "session_minutes": settings.SESSION_COOKIE_AGE // 60,
        },
    )


@sensitive_post_parameters("password")
@login_required
@require_http_methods(["GET", "POST"])
def account_delete(request: HttpRequest) -> HttpResponse:
    form = DeleteAccountForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        erased = [vault.erase_dossier(dossier) for dossier in request.user.dossiers.all()]
        request.user.delete()
        logout(request)
        # Said once, on the next page: the message waits in the new session logout() began.
        summary = {
            "dossiers": len(erased),
            "pieces": sum(erasure.pieces for erasure in erased),
            "files": sum(erasure.files for erasure in erased),
        }
        messages.success(
            request,
            render_to_string("accounts/_erased.html", {"erased": summary}),
            extra_tags=ERASED,
        )
        return redirect("accounts:account_deleted")
    return render(request, "accounts/account_delete.html", {"form": form})


@require_http_methods(["GET"])
def account_deleted(request: HttpRequest) -> HttpResponse:
    """Where the deleted account's summary is shown, once; without it, nothing to say here."""
    if not any(message.extra_tags == ERASED for message in messages.get_messages(request)):
        return redirect("home")
    return render(request, "accounts/account_deleted.html")
