"""The confirmation page's script in a real browser.

Stripe.js cannot be loaded here, so the page gets a stand-in ``Stripe`` that
records what the page asks of it and answers as Stripe.js would.
"""

from __future__ import annotations

from typing import Any

import pytest

from pay.errors import ActionRequired
from pay.processors.stripe.views import confirm_payment_url
from tests.services import CHROMIUM, CHROMIUM_ARGS, chromium_unavailable

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(bool(chromium_unavailable()), reason=chromium_unavailable() or ""),
]

SITE = "https://app.example.test"

# Calls are kept in sessionStorage: they must outlive the page's navigation when it is done.
STRIPE_STAND_IN = """
function record(call) {
  const calls = JSON.parse(sessionStorage.getItem("stripeCalls") || "[]");
  sessionStorage.setItem("stripeCalls", JSON.stringify(calls.concat([call])));
}
window.Stripe = function (key) {
  record(["Stripe", key]);
  return {
    elements: () => ({
      create: (type) => ({ mount: (selector) => record(["mount", type, selector]) }),
    }),
    confirmCardPayment: async (secret, data) => {
      record(["confirmCardPayment", secret, data ? Object.keys(data) : null]);
      return window.stripeAnswer;
    },
  };
};
"""


def run_page(page_html: str, answer: dict[str, Any]) -> tuple[list[Any], str, str]:
    """Click "Confirm payment"; return Stripe's calls, the page's error text and where it went."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.route("https://js.stripe.com/**", lambda route: route.fulfill(body=STRIPE_STAND_IN))
        page.route(
            f"{SITE}/confirm", lambda route: route.fulfill(body=page_html, content_type="text/html")
        )
        page.route(f"{SITE}/pay/**", lambda route: route.fulfill(body="completed"))
        page.add_init_script(f"window.stripeAnswer = {answer!r};".replace("'", '"'))
        page.goto(f"{SITE}/confirm")
        page.click("text=Confirm payment")
        if "error" in answer:
            page.wait_for_selector("#payment-error:not([hidden])")
        else:
            page.wait_for_url(f"{SITE}/pay/**")
        calls: list[Any] = page.evaluate("JSON.parse(sessionStorage.getItem('stripeCalls'))")
        error = page.text_content("#payment-error") if "error" in answer else ""
        url = page.url
        browser.close()
    return calls, error or "", url


@pytest.fixture
def held_payment(client, user, stripe_double, stripe_customer) -> tuple[ActionRequired, str]:
    with pytest.raises(ActionRequired) as raised:
        stripe_customer.charge(1200, payment_method="pm_card_authenticationRequired")
    client.force_login(user)
    response = client.get(confirm_payment_url(raised.value.payment_intent_id, "/billing/"))
    return raised.value, response.content.decode()


def test_confirming_hands_the_client_secret_to_stripe_js_then_completes(held_payment):
    error, page_html = held_payment

    calls, _, url = run_page(page_html, {"paymentIntent": {"status": "succeeded"}})

    assert calls == [
        ["Stripe", "pk_test_double"],
        ["confirmCardPayment", error.client_secret, None],
    ]
    assert url == (
        f"{SITE}/pay/stripe/payments/{error.payment_intent_id}/complete/?next=%2Fbilling%2F"
    )


def test_a_failed_confirmation_shows_stripes_message_and_asks_for_a_card(held_payment):
    _, page_html = held_payment

    calls, message, url = run_page(
        page_html, {"error": {"message": "We are unable to authenticate your payment method."}}
    )

    assert message == "We are unable to authenticate your payment method."
    assert ["mount", "card", "#card-element"] in calls
    assert url == f"{SITE}/confirm"
