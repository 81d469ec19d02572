"""The shell in the real browser: languages, quick exit, console, accessibility, phone width."""

import re

import pytest

from tests.accessibility import axe_violations, has_horizontal_scroll

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHELL_PAGES = [
    "/",
    "/en/",
    "/naviguer-en-securite/",
    "/en/naviguer-en-securite/",
    "/contacts/",
    "/en/contacts/",
    "/page-qui-n-existe-pas/",
    "/en/no-such-page/",
]


def _assert_left_for_the_neutral_page(browser_page) -> None:
    page = browser_page.page
    page.wait_for_url("**/meteo/")
    assert page.title() == "Météo"
    page.go_back()
    assert not browser_page.is_ours(), f"Back returned to {page.url}"


def test_the_home_page_is_in_french(page):
    page.goto("/")
    assert page.page.locator("html").get_attribute("lang") == "fr"
    assert page.page.get_by_role("heading", level=1).inner_text().startswith("Cyberharcèlement")
    page.page.get_by_role("link", name="English").click()
    assert page.page.url.endswith("/en/")
    assert page.page.get_by_role("heading", level=1).inner_text().startswith("Cyberharassment")
    assert page.console_errors == []


def test_the_quick_exit_button_leaves_and_back_does_not_return(page):
    page.goto("/naviguer-en-securite/")
    page.page.get_by_role("link", name="Quitter vite").click()
    _assert_left_for_the_neutral_page(page)


def test_the_first_skip_link_is_the_quick_exit_for_keyboard_users(page):
    page.goto("/")
    page.page.keyboard.press("Tab")
    focused = page.page.evaluate("() => document.activeElement.textContent.trim()")
    assert focused == "Quitter ce site rapidement"
    assert page.page.locator(".skip-link:focus").is_visible()
    page.page.keyboard.press("Enter")
    _assert_left_for_the_neutral_page(page)


def test_shift_three_times_leaves_and_announces_the_presses_left(page):
    page.goto("/en/")
    page.page.keyboard.press("Shift")
    status = page.page.locator("#quick-exit-status")
    assert status.inner_text() == "Press Shift 2 more times to leave the site."
    page.page.keyboard.press("Shift")
    page.page.keyboard.press("Shift")
    _assert_left_for_the_neutral_page(page)


def test_another_key_between_shift_presses_starts_the_count_again(page):
    page.goto("/")
    keyboard = page.page.keyboard
    keyboard.press("Shift")
    keyboard.press("Shift")
    keyboard.press("a")
    keyboard.press("Shift")
    keyboard.press("Shift")
    page.page.wait_for_timeout(300)
    assert page.is_ours()


def test_the_quick_exit_covers_the_page_before_leaving(page):
    page.goto("/")
    seen = []
    page.page.on("console", lambda message: seen.append(message.text))
    # Report, from inside the page, what it looks like the moment the overlay appears.
    page.page.evaluate(
        """() => new MutationObserver(() => {
            const overlay = document.querySelector('.quick-exit-overlay');
            if (!overlay.hidden) console.log('covered ' + [
                getComputedStyle(document.querySelector('main')).visibility,
                overlay.getBoundingClientRect().height === window.innerHeight]);
        }).observe(document.body, {attributes: true, subtree: true})"""
    )
    page.page.get_by_role("link", name="Quitter vite").click()
    page.page.wait_for_url("**/meteo/")
    assert "covered hidden,true" in seen


def test_the_quick_exit_also_works_without_javascript(browser, live_server, settings, neutral_site):
    settings.QUICK_EXIT_URL = neutral_site
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/")
    page.get_by_role("link", name="Quitter vite").click()
    page.wait_for_url(neutral_site)
    assert page.title() == "Météo"
    context.close()


@pytest.mark.parametrize("path", SHELL_PAGES)
def test_every_shell_page_has_no_accessibility_violation(page, path):
    page.goto(path)
    assert axe_violations(page.page) == []
    assert page.console_errors == [] or path in SHELL_PAGES[-2:]  # a 404 logs its own status


@pytest.mark.parametrize("path", SHELL_PAGES)
def test_every_shell_page_fits_a_phone_without_horizontal_scroll(phone, path):
    phone.goto(path)
    assert not has_horizontal_scroll(phone.page)
    assert phone.page.get_by_role("link", name=re.compile("Quitter vite|Quick exit")).is_visible()


def test_no_page_breaks_the_content_security_policy(page):
    for path in SHELL_PAGES[:6]:
        page.goto(path)
        page.page.keyboard.press("Shift")  # runs our script
    assert page.console_errors == []


# --- Within reach at every scroll position, on a phone ----------------------------------------


def _exit_button_is_on_screen_and_covers_nothing(browser_page) -> None:
    page = browser_page.page
    button = page.locator(".quick-exit-bar .quick-exit-button")
    box = button.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 812
    assert box["height"] >= 44  # a thumb's reach
    # Nothing of the page lies under the bar at the top of the page: the body is padded.
    bar = page.locator(".quick-exit-bar").bounding_box()
    page.evaluate("window.scrollTo(0, 0)")
    first = page.locator(".site-header > :not(.quick-exit-bar):not(.skip-links)").first
    assert first.bounding_box()["y"] >= bar["y"] + bar["height"] - 1


def _scroll_to_the_bottom_and_leave(browser_page, secret: str) -> None:
    """Scroll to the very bottom, tap the exit; then Back shows nothing of `secret` (the page
    left is gone from the history; an earlier page of ours may be there, but the session is
    over, and no page is cached)."""
    page = browser_page.page
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height > 3 * 812, f"not a long page: {height} px"
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_function("window.scrollY > 0")
    _exit_button_is_on_screen_and_covers_nothing(browser_page)
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.locator(".quick-exit-bar .quick-exit-button").tap()
    page.wait_for_url("**/meteo/")
    assert page.title() == "Météo"
    page.go_back()
    assert secret not in page.content()


@pytest.fixture
def long_dossier(django_user_model):
    """A dossier of 40 pieces, its owner logged in on the phone."""
    from evidence.models import Kind
    from evidence.vault import services as vault
    from tests.evidence.factories import PASSWORD, make_dossier, piece_fields

    owner = django_user_model.objects.create_user("lea_75", password=PASSWORD)
    dossier = make_dossier(owner)
    for number in range(40):
        vault.add_piece(
            dossier,
            owner,
            piece_fields(kind=Kind.LINK, url=f"https://www.instagram.com/p/{number}/"),
        )
    return dossier


def test_the_quick_exit_stays_within_reach_at_the_bottom_of_a_long_dossier(
    phone_with_touch, long_dossier
):
    from tests.evidence.factories import PASSWORD

    page = phone_with_touch.page
    phone_with_touch.goto("/compte/connexion/")
    page.get_by_label("Pseudo").fill("lea_75")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/dossiers/")
    phone_with_touch.goto(f"/dossiers/{long_dossier.pk}/")
    assert not has_horizontal_scroll(page)
    assert long_dossier.title in page.content()
    _scroll_to_the_bottom_and_leave(phone_with_touch, secret=long_dossier.title)


def test_the_quick_exit_stays_within_reach_at_the_bottom_of_a_plan(phone_with_touch):
    from tests.guidance.conftest import VICTIM

    page = phone_with_touch.page
    phone_with_touch.goto("/questionnaire/")
    page.get_by_role("button", name=re.compile("Commencer|Continuer")).first.click()
    answers = dict(VICTIM, acts=["insults", "threats", "rumours", "doxxing"])
    for question, value in answers.items():
        page.wait_for_url(f"**/questionnaire/{question}/")
        values = value if isinstance(value, list) else [value]
        if question == "first_seen":
            page.locator("input[name=first_seen]").fill(value)
        elif values:
            for item in values:
                page.locator(f"input[name={question}][value='{item}']").check()
        page.get_by_role("button", name="Continuer").click()
    page.wait_for_url("**/vos-reponses/")
    page.get_by_role("link", name=re.compile("plan", re.I)).first.click()
    page.wait_for_url("**/plan/")
    plan_heading = page.get_by_role("heading", level=1).inner_text()
    _scroll_to_the_bottom_and_leave(phone_with_touch, secret=plan_heading)


def test_an_error_summary_link_scrolls_its_field_below_the_bar(phone):
    page = phone.page
    phone.goto("/compte/inscription/")
    page.get_by_role("button", name="Créer mon coffre-fort").click()
    page.locator(".error-summary a").first.click()
    bar = page.locator(".quick-exit-bar").bounding_box()
    target = page.evaluate("location.hash")
    field = page.locator(target).bounding_box()
    assert field["y"] >= bar["y"] + bar["height"]
