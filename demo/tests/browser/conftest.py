"""Headless Chromium against the demo on pytest-django's live server.

Skipped, with the reason, where Playwright or Chromium is missing (a failure under
PAY_TEST_REQUIRE_SERVICES=1). Each step saves a screenshot under test-artifacts/demo/.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.services import CHROMIUM, CHROMIUM_ARGS, chromium_unavailable

# Playwright's sync API runs an event loop in this thread; the test's own database calls
# (reading an invitation's token, say) are still plain synchronous Django.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).resolve().parents[3] / "test-artifacts" / "demo"


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = chromium_unavailable()
    if reason:
        pytest.skip(f"needs headless Chromium: {reason}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """``new_page()``: a page in a fresh browser (its own cookies) on the live server."""
    contexts = []

    def new_page(width: int = 1280, height: int = 860) -> Any:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Any, str], None]:
    """``screenshot(page, "03-plans")`` saves the whole page as test-artifacts/demo/<test>/."""
    folder = ARTIFACTS / request.node.name
    folder.mkdir(parents=True, exist_ok=True)

    def save(page: Any, name: str) -> None:
        page.screenshot(path=folder / f"{name}.png", full_page=True)

    return save


PASSWORD = "a-long-demo-password"


@pytest.fixture
def sign_up() -> Callable[[Any, str], None]:
    """``sign_up(page, email)``: a new account, landing on its team's dashboard."""

    def sign_up(page: Any, email: str) -> None:
        page.goto("/accounts/signup/")
        page.fill("input[name=email]", email)
        page.fill("input[name=password1]", PASSWORD)
        page.fill("input[name=password2]", PASSWORD)
        page.click("form button[type=submit]")
        page.wait_for_url(re.compile(r"/t/[\w-]+/$"))

    return sign_up


@pytest.fixture
def tab() -> Callable[[Any, str], None]:
    """``tab(page, "Team")``: follow one of the main navigation's tabs."""

    def tab(page: Any, name: str) -> None:
        nav = page.get_by_role("navigation", name="Main")
        nav.get_by_role("link", name=name, exact=True).click()

    return tab
