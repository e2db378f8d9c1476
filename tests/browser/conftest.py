"""A real headless Chromium (Debian's package) driven by Playwright; screenshots go to the test's tmp dir."""

from __future__ import annotations

import shutil
import time

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM:
        pytest.skip("no chromium on this machine: .ci/run installs Debian's package 'chromium'")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, tmp_path):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    yield page
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


@pytest.fixture(params=[1280, 390], ids=["desktop", "phone"])
def wide(request, browser):
    """A page at desktop and at phone width: (page, width); no JavaScript error, no sideways scrolling."""
    context = browser.new_context(viewport={"width": request.param, "height": 900})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    yield page, request.param
    assert page.evaluate("document.documentElement.scrollWidth") <= request.param, "the page scrolls sideways"
    context.close()
    assert errors == [], f"JavaScript errors: {errors}"


def wait_for(page, expression: str, timeout: float = 60) -> None:
    """Poll a JavaScript expression until it is true, at most `timeout` seconds. Playwright's wait_for_function polls
    with eval, which the pages' Content-Security-Policy forbids (on a busy machine the first look is too early)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"never true: {expression}"
        page.wait_for_timeout(50)
