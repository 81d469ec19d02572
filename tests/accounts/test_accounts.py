"""Accounts without email: pseudonym sign-up, one-time recovery codes, login throttling with our
own page, idle timeout, and logging out (the quick exit too)."""

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts import recovery
from accounts.models import RecoveryCode
from tests.evidence.factories import PASSWORD

pytestmark = pytest.mark.django_db
CODE = re.compile(r"<code>([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})</code>")
NEW_PASSWORD = "une autre phrase secrète 7"


def sign_up(client, pseudonym="lina_13", **extra):
    data = {"username": pseudonym, "password1": PASSWORD, "password2": PASSWORD, **extra}
    return client.post(reverse("accounts:signup"), data)


def codes_in(response) -> list[str]:
    return CODE.findall(response.content.decode())


def make_new_codes(client, codes_set: str | None = None):
    """The account page's form, with the name of the codes it replaces, as the page gives it."""
    if codes_set is None:
        page = client.get(reverse("accounts:account")).text
        codes_set = re.search(r'name="codes" value="([0-9a-f]+)"', page).group(1)
    return client.post(reverse("accounts:account"), {"password": PASSWORD, "codes": codes_set})


def stored_anywhere(texts: list[str]) -> list[str]:
    """Each text found in any column of any table of the database, session data decoded too."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            found += [text for row in cursor.fetchall() for text in texts if text in repr(row)]
    for session in Session.objects.all():
        found += [text for text in texts if text in repr(session.get_decoded())]
    return found


def reset(client, code: str, pseudonym="lina_13", password=NEW_PASSWORD):
    return client.post(
        reverse("accounts:forgot_password"),
        {
            "username": pseudonym,
            "code": code,
            "new_password1": password,
            "new_password2": password,
        },
    )


def log_in(client, pseudonym="lina_13", password=PASSWORD, forwarded_for=None):
    meta = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    data = {"username": pseudonym, "password": password}
    return client.post(reverse("accounts:login"), data, **meta)


# Signing up


def test_signing_up_needs_only_a_pseudonym_and_a_password(client):
    response = sign_up(client)
    assert response.status_code == 200
    user = get_user_model().objects.get(username="lina_13")
    assert user.email == ""
    assert "Vos codes de secours" in response.text


def test_the_password_is_hashed_with_argon2(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    sign_up(client)
    user = get_user_model().objects.get(username="lina_13")
    assert user.password.startswith("argon2")
    assert all(code.code_hash.startswith("argon2") for code in user.recovery_codes.all())


def test_sign_up_shows_ten_recovery_codes_in_its_answer(client):
    codes = codes_in(sign_up(client))
    assert len(set(codes)) == recovery.CODE_COUNT == 10
    assert RecoveryCode.objects.count() == 10
    assert all(code not in rc.code_hash for rc in RecoveryCode.objects.all() for code in codes)


def test_new_codes_are_stored_nowhere_in_clear_not_even_in_the_session(client):
    codes = codes_in(sign_up(client))
    assert Session.objects.count() == 1  # signed in: the session exists, without them
    assert stored_anywhere(codes) == []
    again = codes_in(make_new_codes(client))
    assert len(again) == 10 and stored_anywhere(again) == []


def test_reloading_the_sign_up_answer_never_shows_the_codes_again(client):
    sign_up(client)
    reload = sign_up(client)  # a reload sends the form again
    assert reload.status_code == 302 and codes_in(reload) == []
    assert codes_in(client.get(reload["Location"])) == []
    assert RecoveryCode.objects.count() == 10


def test_the_codes_page_reached_again_says_they_were_shown_once(client):
    sign_up(client)
    page = client.get(reverse("accounts:recovery_codes"))
    assert codes_in(page) == []
    assert "Vos codes ont déjà été affichés" in page.text


def test_the_codes_page_offers_to_print_them(client):
    page = sign_up(client).text
    assert "data-print hidden>Imprimer ces codes</button>" in page


def test_a_pseudonym_differing_only_in_case_is_taken(client, owner):
    response = sign_up(client, pseudonym="LEA_75")
    assert response.status_code == 200
    assert get_user_model().objects.count() == 1


def test_a_weak_password_is_refused_in_french(client):
    response = client.post(
        reverse("accounts:signup"),
        {"username": "lina", "password1": "12345678", "password2": "12345678"},
    )
    assert "Ce mot de passe est entièrement numérique" in response.text


def test_sign_up_then_goes_where_the_person_was_going(client):
    target = reverse("evidence:start_from_plan")
    codes_page = sign_up(client, next=target)
    assert f'<a class="button" href="{target}">J’ai gardé mes codes</a>' in codes_page.text


def test_next_never_leaves_the_site(client):
    codes_page = sign_up(client, next="https://evil.example/")
    assert "evil" not in codes_page.text
    assert f'href="{reverse("evidence:dossier_list")}">J’ai gardé mes codes' in codes_page.text


# Recovery codes


@pytest.fixture
def signed_up_codes() -> list[str]:
    client = Client()
    return codes_in(sign_up(client))


def test_a_recovery_code_resets_the_password(client, signed_up_codes):
    response = reset(client, signed_up_codes[0])
    assert response.status_code == 302
    assert get_user_model().objects.get(username="lina_13").check_password(NEW_PASSWORD)
    page = client.get(response["Location"]).text
    assert "Votre mot de passe a été changé" in page
    assert "Votre mot de passe a été changé" not in client.get(response["Location"]).text


def test_each_code_works_once(client, signed_up_codes):
    reset(client, signed_up_codes[0])
    response = reset(Client(), signed_up_codes[0], password="encore une autre phrase 9")
    assert response.status_code == 200
    assert "ce code a déjà servi" in response.text
    assert recovery.remaining_codes(get_user_model().objects.get()) == 9


def test_any_other_unused_code_still_works(client, signed_up_codes):
    reset(client, signed_up_codes[0])
    assert (
        reset(Client(), signed_up_codes[5], password="encore une autre phrase 9").status_code == 302
    )


def test_a_code_may_be_typed_in_lower_case_and_without_dashes(client, signed_up_codes):
    typed = signed_up_codes[1].replace("-", " ").lower()
    assert reset(client, typed).status_code == 302


def test_a_wrong_code_fails(client, signed_up_codes):
    response = reset(client, "AAAA-BBBB-CCCC")
    assert response.status_code == 200
    assert "ne correspondent pas" in response.text
    assert get_user_model().objects.get().check_password(PASSWORD)


def test_a_refused_new_password_does_not_spend_the_code(client, signed_up_codes):
    response = reset(client, signed_up_codes[0], password="12345678")
    assert response.status_code == 200
    assert recovery.remaining_codes(get_user_model().objects.get()) == 10


def test_new_codes_replace_the_old_ones(owner, owner_client):
    old = recovery.replace_codes(owner)
    response = make_new_codes(owner_client)
    new = codes_in(response)
    assert response.status_code == 200 and len(new) == 10
    assert reset(Client(), old[0], pseudonym=owner.username).status_code == 200
    assert reset(Client(), new[0], pseudonym=owner.username).status_code == 302


def test_the_new_codes_form_sent_twice_keeps_the_codes_it_showed(owner, owner_client):
    page = owner_client.get(reverse("accounts:account")).text
    codes_set = re.search(r'name="codes" value="([0-9a-f]+)"', page).group(1)
    shown = codes_in(make_new_codes(owner_client, codes_set))
    reload = make_new_codes(owner_client, codes_set)  # a reload, or Back then resend
    assert reload.status_code == 302 and codes_in(reload) == []
    assert reload["Location"] == reverse("accounts:recovery_codes")
    assert reset(Client(), shown[0], pseudonym=owner.username).status_code == 302


def test_after_new_codes_the_page_leads_back_to_the_account(owner_client):
    page = make_new_codes(owner_client).text
    assert f'<a class="button" href="{reverse("accounts:account")}">' in page


def test_new_codes_need_the_password(owner, owner_client):
    response = owner_client.post(reverse("accounts:account"), {"password": "pas le bon"})
    assert "Ce n’est pas votre mot de passe" in response.text


# Throttling


def test_logging_in_works(client, owner):
    response = log_in(client, owner.username)
    assert response.status_code == 302
    assert response["Location"] == reverse("evidence:dossier_list")


def test_login_locks_after_the_limit_with_our_translated_page(client, owner, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, owner.username, "faux").status_code == 200
    locked = log_in(client, owner.username, "faux")
    assert locked.status_code == 429
    assert "Trop de tentatives" in locked.text
    assert "Réessayez dans 15 minutes." in locked.text
    assert 'class="quick-exit-button"' in locked.text  # in our shell
    assert log_in(client, owner.username, PASSWORD).status_code == 429  # even the right one


def test_the_lockout_page_is_in_english_under_en(client, owner, settings):
    url = "/en" + reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(url, {"username": owner.username, "password": "x"})
    assert "Too many attempts" in response.text


def test_a_lockout_is_per_pseudonym_so_others_can_still_log_in(client, owner, stranger, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, owner.username, "faux")
    assert log_in(client, stranger.username).status_code == 302


def test_wrong_recovery_codes_count_towards_the_lockout(client, signed_up_codes, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert reset(client, "AAAA-BBBB-CCCC").status_code == 200
    locked = reset(client, "AAAA-BBBB-CCCC")
    assert locked.status_code == 429
    assert reset(client, signed_up_codes[0]).status_code == 429


def test_behind_a_proxy_the_lockout_follows_the_visitors_address(client, owner, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, owner.username, "faux", forwarded_for="203.0.113.7")
    assert log_in(client, owner.username, forwarded_for="203.0.113.7").status_code == 429
    assert log_in(client, owner.username, forwarded_for="198.51.100.2").status_code == 302


def test_a_forged_forwarded_address_does_not_escape_the_lockout(client, owner, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        forged = f"10.0.0.{attempt}, 203.0.113.7"
        log_in(client, owner.username, "faux", forwarded_for=forged)
    response = log_in(client, owner.username, forwarded_for="10.9.9.9, 203.0.113.7")
    assert response.status_code == 429


# Sessions


def test_a_logged_in_session_ends_after_30_idle_minutes(client, owner):
    log_in(client, owner.username)
    assert client.session.get_expiry_age() == 30 * 60
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    response = client.get(reverse("evidence:dossier_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_each_request_pushes_the_idle_timeout_back(client, owner):
    log_in(client, owner.username)
    Session.objects.update(expire_date=timezone.now() + dt.timedelta(minutes=1))
    client.get(reverse("evidence:dossier_list"))
    remaining = Session.objects.get().expire_date - timezone.now()
    assert remaining > dt.timedelta(minutes=29)


def test_the_session_ends_when_the_browser_closes(client, owner):
    response = log_in(client, owner.username)
    assert response.cookies["sessionid"]["expires"] == ""
    assert response.cookies["sessionid"]["max-age"] == ""


def test_logging_out_ends_the_session(owner_client):
    owner_client.post(reverse("accounts:logout"))
    assert owner_client.get(reverse("evidence:dossier_list")).status_code == 302


def test_the_quick_exit_logs_out(owner_client):
    owner_client.get(reverse("quick_exit"))
    response = owner_client.get(reverse("evidence:dossier_list"))
    assert response["Location"].startswith(reverse("accounts:login"))


def test_logging_out_needs_a_post(owner_client):
    assert owner_client.get(reverse("accounts:logout")).status_code == 405


# Deleting the account


def delete_account(client):
    return client.post(reverse("accounts:account_delete"), {"password": PASSWORD, "confirm": "on"})


def test_the_deleted_accounts_summary_survives_the_logout_and_shows_once(owner_client, owner):
    before = owner_client.cookies["sessionid"].value
    response = delete_account(owner_client)
    assert response["Location"] == reverse("accounts:account_deleted")
    assert owner_client.cookies["sessionid"].value != before  # logout() began a new session
    assert not Session.objects.filter(session_key=before).exists()
    page = owner_client.get(response["Location"])
    assert page.status_code == 200
    assert "Votre compte a été supprimé" in page.text
    assert "Effacé définitivement" in page.text and "0 dossier, avec son journal" in page.text
    assert '<div class="notices" role="status">' in page.text
    again = owner_client.get(response["Location"])  # shown once: then there is nothing to say
    assert again.status_code == 302 and again["Location"] == reverse("home")


def test_the_summary_counts_what_was_erased(owner_client, owner):
    from tests.evidence.factories import make_dossier

    make_dossier(owner)
    make_dossier(owner, title="Snapchat")
    response = delete_account(owner_client)
    page = owner_client.get(response["Location"]).text
    assert "2 dossiers, avec leurs journaux de conservation" in page


def test_the_deleted_account_page_without_a_summary_goes_home(client):
    response = client.get(reverse("accounts:account_deleted"))
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_notices_wait_on_the_server_never_in_a_cookie(owner_client):
    response = delete_account(owner_client)
    assert "messages" not in response.cookies
    assert set(owner_client.cookies) <= {"sessionid", "csrftoken"}
