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
