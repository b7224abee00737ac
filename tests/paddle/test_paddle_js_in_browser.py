"""The checkout button in a real browser: Paddle.js is started and opens the overlay.

Paddle's CDN is out of reach, so the page gets a stand-in ``Paddle`` object that
records what the page's script asks of it.
"""

from __future__ import annotations

import html
import json
from pathlib import Path
from typing import Any

import pytest
from django.template import Context, Template

import pay
from tests.services import CHROMIUM, CHROMIUM_ARGS, chromium_unavailable

from .conftest import PRO
from .double import CLIENT_TOKEN

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(bool(chromium_unavailable()), reason=chromium_unavailable() or ""),
]

CHECKOUT_JS = Path(pay.__file__).parent / "static" / "pay" / "paddle-checkout.js"

PADDLE_STAND_IN = """
window.paddleCalls = [];
window.Paddle = {
  Environment: { set: (name) => paddleCalls.push(["environment", name]) },
  Initialize: (options) => paddleCalls.push(["initialize", options]),
  Checkout: { open: (options) => paddleCalls.push(["open", options]) },
};
"""


def browse(page_html: str, click: str) -> list[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.route("https://cdn.paddle.com/**", lambda route: route.fulfill(body=PADDLE_STAND_IN))
        page.route(
            "**/paddle-checkout.js", lambda route: route.fulfill(body=CHECKOUT_JS.read_text())
        )
        page.route(
            "https://app.example.test/pricing",
            lambda route: route.fulfill(body=page_html, content_type="text/html"),
        )
        page.goto("https://app.example.test/pricing")
        page.click(click)
        calls: list[Any] = page.evaluate("window.paddleCalls")
        browser.close()
    return calls


def test_the_button_opens_paddles_overlay_for_the_owner(paddle, user):
    page = Template(
        "{% load pay_paddle %}<html><body>"
        '{% paddle_checkout_button user price label="Go Pro" %}'
        '{% paddle_js success_url="https://app.example.test/thanks" %}'
        "</body></html>"
    ).render(Context({"user": user, "price": PRO}))

    calls = browse(page, "text=Go Pro")

    assert calls[0] == ["environment", "sandbox"]
    assert calls[1] == [
        "initialize",
        {
            "token": CLIENT_TOKEN,
            "checkout": {"settings": {"successUrl": "https://app.example.test/thanks"}},
        },
    ]
    kind, options = calls[2]
    assert kind == "open"
    assert options["items"] == [{"priceId": PRO, "quantity": 1}]
    assert options["customer"] == {"email": "ada@example.com"}
    rendered_options = page.split('data-pay-paddle-checkout="')[1].split('"')[0]
    assert options == json.loads(html.unescape(rendered_options))
