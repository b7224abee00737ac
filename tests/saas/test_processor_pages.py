"""Upgrading from the Subscription page with each processor's checkout: Paddle.js on a page of
this site, Braintree's Drop-in UI on the built-in payment page, Lemon Squeezy's hosted
checkout, whose result comes back by webhook."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client

import pay
from pay.models import Price, Product, sync_catalogue
from tests.braintree.double import BraintreeDouble, enable_braintree
from tests.lemon_squeezy.double import LemonSqueezyDouble, enable_lemon_squeezy
from tests.lemon_squeezy.double import signed_delivery as lemon_delivery
from tests.paddle.double import CLIENT_TOKEN, PaddleDouble, enable_paddle
from tests.services import CHROMIUM, CHROMIUM_ARGS, chromium_unavailable
from tests.testapp.models import Membership

pytestmark = pytest.mark.django_db

SERVER = "http://testserver"
STATIC = Path(pay.__file__).parent / "static" / "pay"
DROP_IN_JS, PADDLE_JS = STATIC / "braintree-dropin.js", STATIC / "paddle-checkout.js"
SITE = "https://app.example.test"


def bill_with(settings: Any, processor: str) -> None:
    settings.PAY_PROCESSORS = [processor]
    settings.PAY_PRODUCT_METADATA_MODULE = None  # every product of the catalogue is on offer


def local_price(processor: str, price_id: str, amount: int = 2500) -> Price:
    """A monthly price in the local catalogue, as for processors whose catalogue is not copied."""
    product = Product.objects.create(processor=processor, processor_id="pro", name="Pro")
    return Price.objects.create(
        product=product,
        processor=processor,
        processor_id=price_id,
        amount=amount,
        currency="usd",
        interval="month",
    )


def page_json(page: str, element_id: str) -> Any:
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', page)
    assert found, f"no #{element_id} on the page"
    return json.loads(found.group(1))


# Paddle Billing: a transaction for the holder, opened by Paddle.js on /pay/paddle/checkout/


@pytest.fixture
def paddle(settings: Any, db: None) -> PaddleDouble:
    double = enable_paddle(settings)
    bill_with(settings, "paddle_billing")
    double.add_price("pri_pro_monthly", 2500, product_name="Pro")
    sync_catalogue("paddle_billing")
    return double


def start_paddle_checkout(client: Client) -> str:
    """Upgrade to Pro; the transaction id the checkout page opens."""
    response = client.post("/pay/subscription/upgrade/", {"price": "pri_pro_monthly"})
    location = urlsplit(response["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == (
        f"{SERVER}/pay/paddle/checkout/"
    )
    return parse_qs(location.query)["_ptxn"][0]


def test_paddle_checkout_opens_the_holders_transaction_with_paddle_js(
    paddle: PaddleDouble, signed_in: Client, user: Any
) -> None:
    transaction_id = start_paddle_checkout(signed_in)

    page = signed_in.get("/pay/paddle/checkout/", {"_ptxn": transaction_id})

    config = page_json(page.content.decode(), "pay-paddle-config")
    assert config == {
        "token": CLIENT_TOKEN,
        "environment": "sandbox",
        "checkout": {
            "settings": {
                "successUrl": f"{SERVER}/pay/subscription/welcome/?session_id={transaction_id}"
            }
        },
    }
    transaction = paddle.transactions[transaction_id]
    assert transaction["customer_id"] == user.payment_processor.processor_id
    assert [(i["price"]["id"], i["quantity"]) for i in transaction["items"]] == [
        ("pri_pro_monthly", 1)
    ]


def test_paddle_checkout_returns_with_the_subscription(
    paddle: PaddleDouble, signed_in: Client, user: Any
) -> None:
    transaction_id = start_paddle_checkout(signed_in)
    paddle.complete_checkout(transaction_id)

    paid = signed_in.get("/pay/paddle/checkout/", {"_ptxn": transaction_id})
    assert paid["Location"] == f"/pay/subscription/welcome/?session_id={transaction_id}"
    signed_in.get(paid["Location"])

    subscription = user.active_subscription()
    assert (subscription.processor_plan, subscription.quantity) == ("pri_pro_monthly", 1)


PADDLE_STAND_IN = """
window.paddleCalls = [];
window.Paddle = {
  Environment: { set: (name) => paddleCalls.push(["environment", name]) },
  Initialize: (options) => paddleCalls.push(["initialize", options]),
  Checkout: { open: (options) => paddleCalls.push(["open", options]) },
};
"""


@pytest.mark.skipif(bool(chromium_unavailable()), reason=chromium_unavailable() or "")
def test_paddle_checkout_page_starts_paddle_js_in_a_real_browser(
    paddle: PaddleDouble, signed_in: Client
) -> None:
    from playwright.sync_api import sync_playwright

    transaction_id = start_paddle_checkout(signed_in)
    page_html = signed_in.get("/pay/paddle/checkout/", {"_ptxn": transaction_id}).content.decode()

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.route("https://cdn.paddle.com/**", lambda r: r.fulfill(body=PADDLE_STAND_IN))
        page.route("**/paddle-checkout.js", lambda r: r.fulfill(body=PADDLE_JS.read_text()))
        page.route(
            f"{SITE}/checkout**", lambda r: r.fulfill(body=page_html, content_type="text/html")
        )
        page.goto(f"{SITE}/checkout?_ptxn={transaction_id}")  # Paddle.js opens it by itself
        page.click("text=open the checkout")  # or the buyer does
        calls = page.evaluate("window.paddleCalls")
        browser.close()

    success_url = f"{SERVER}/pay/subscription/welcome/?session_id={transaction_id}"
    assert calls == [
        ["environment", "sandbox"],
        [
            "initialize",
            {"token": CLIENT_TOKEN, "checkout": {"settings": {"successUrl": success_url}}},
        ],
        ["open", {"transactionId": transaction_id}],
    ]


def test_paddle_checkout_cancelled_meanwhile_sends_back_to_the_plans(
    paddle: PaddleDouble, signed_in: Client, user: Any
) -> None:
    transaction_id = start_paddle_checkout(signed_in)
    paddle.transactions[transaction_id]["status"] = "canceled"  # as in Paddle's dashboard

    response = signed_in.get("/pay/paddle/checkout/", {"_ptxn": transaction_id}, follow=True)

    assert response.redirect_chain == [("/pay/subscription/", 302)]
    assert "That checkout was cancelled." in response.content.decode()


def test_paddle_checkout_of_another_holder_or_none_is_not_found(
    paddle: PaddleDouble, signed_in: Client, client: Client, django_user_model: Any
) -> None:
    transaction_id = start_paddle_checkout(signed_in)
    client.force_login(django_user_model.objects.create_user(username="eve", email="eve@x.test"))

    assert client.get("/pay/paddle/checkout/", {"_ptxn": transaction_id}).status_code == 404
    assert client.get("/pay/paddle/checkout/", {"_ptxn": "txn_unknown"}).status_code == 404
    assert client.get("/pay/paddle/checkout/").status_code == 404


# Braintree: the built-in payment page with the Drop-in UI


@pytest.fixture
def braintree(settings: Any, db: None) -> Iterator[BraintreeDouble]:
    double = enable_braintree(settings)
    bill_with(settings, "braintree")
    local_price("braintree", "pro-monthly")
    yield double
    double.stop()


PAYMENT_PAGE = "/pay/braintree/checkout/?price=pro-monthly"


def test_braintree_upgrade_leads_to_the_payment_page_with_a_client_token(
    braintree: BraintreeDouble, signed_in: Client
) -> None:
    upgrade = signed_in.post("/pay/subscription/upgrade/", {"price": "pro-monthly"})
    assert upgrade["Location"] == PAYMENT_PAGE

    page = signed_in.get(PAYMENT_PAGE).content.decode()

    assert "Pro: $25.00 per month" in page
    assert page_json(page, "pay-braintree-client-token")
    assert 'name="payment_method_nonce"' in page


def test_braintree_nonce_pays_and_subscribes(
    braintree: BraintreeDouble, signed_in: Client, user: Any
) -> None:
    response = signed_in.post(PAYMENT_PAGE, {"payment_method_nonce": "fake-valid-nonce"})

    assert response["Location"] == "/pay/subscription/"
    subscription = user.active_subscription()
    assert (subscription.processor_plan, subscription.status) == ("pro-monthly", "active")
    assert user.payment_processor.default_payment_method.last4 == "1111"
    page = signed_in.get("/pay/subscription/").content.decode()
    assert "Thank you! Your subscription is active." in page


@pytest.mark.parametrize(
    ("nonce", "problem"),
    [
        ("fake-processor-declined-visa-nonce", "Do Not Honor. Ask the customer for another"),
        ("", "Enter a card or choose a payment method, then pay."),
    ],
)
def test_braintree_a_declined_or_missing_payment_method_subscribes_nothing(
    braintree: BraintreeDouble, signed_in: Client, user: Any, nonce: str, problem: str
) -> None:
    response = signed_in.post(PAYMENT_PAGE, {"payment_method_nonce": nonce})

    assert response.status_code == 402
    assert f'<p class="error" role="alert">{problem}' in response.content.decode()
    assert user.active_subscription() is None
    assert not braintree.subscriptions


def test_braintree_payment_page_sells_only_plans_on_offer(
    braintree: BraintreeDouble, signed_in: Client, user: Any
) -> None:
    response = signed_in.post(
        "/pay/braintree/checkout/?price=pro-yearly", {"payment_method_nonce": "fake-valid-nonce"}
    )

    assert response["Location"] == "/pay/subscription/"
    assert user.active_subscription() is None
    assert not braintree.subscriptions


def test_braintree_a_second_payment_buys_nothing_more(
    braintree: BraintreeDouble, signed_in: Client, user: Any
) -> None:
    signed_in.post(PAYMENT_PAGE, {"payment_method_nonce": "fake-valid-nonce"})

    again = signed_in.post(PAYMENT_PAGE, {"payment_method_nonce": "fake-valid-nonce"}, follow=True)

    assert "You are subscribed already." in again.content.decode()
    assert len(braintree.subscriptions) == 1


def test_braintree_payment_page_is_for_the_teams_billing_admins(
    braintree: BraintreeDouble, signed_in: Client, user: Any, team_of: Any
) -> None:
    team = team_of(user, Membership.Role.MEMBER)

    response = signed_in.get(f"/teams/{team.pk}/pay/braintree/checkout/?price=pro-monthly")

    assert response.status_code == 403
    assert not braintree.customers


# Calls are kept in sessionStorage: they must outlive the form's submission.
DROP_IN_STAND_IN = """
function record(call) {
  const calls = JSON.parse(sessionStorage.getItem("dropinCalls") || "[]");
  sessionStorage.setItem("dropinCalls", JSON.stringify(calls.concat([call])));
}
window.braintree = { dropin: { create: (options, done) => {
  record(["create", options]);
  done(null, { requestPaymentMethod: (answer) => {
    record(["requestPaymentMethod"]);
    answer(null, { nonce: "fake-valid-nonce" });
  } });
} } };
"""


@pytest.mark.skipif(bool(chromium_unavailable()), reason=chromium_unavailable() or "")
def test_braintree_drop_in_posts_its_nonce_in_a_real_browser(
    braintree: BraintreeDouble, signed_in: Client
) -> None:
    from playwright.sync_api import Route, sync_playwright

    page_html = signed_in.get(PAYMENT_PAGE).content.decode()
    client_token = page_json(page_html, "pay-braintree-client-token")
    posted: list[str] = []

    def checkout(route: Route) -> None:
        if route.request.method == "POST":
            posted.append(route.request.post_data or "")
            route.fulfill(body="paid")
        else:
            route.fulfill(body=page_html, content_type="text/html")

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.route("https://js.braintreegateway.com/**", lambda r: r.fulfill(body=DROP_IN_STAND_IN))
        page.route("**/braintree-dropin.js", lambda r: r.fulfill(body=DROP_IN_JS.read_text()))
        page.route(f"{SITE}/checkout", checkout)
        page.goto(f"{SITE}/checkout")
        page.click("text=Pay and subscribe")
        page.wait_for_function("document.body.textContent === 'paid'")
        calls = page.evaluate("JSON.parse(sessionStorage.getItem('dropinCalls'))")
        browser.close()

    assert calls == [
        ["create", {"authorization": client_token, "container": "#pay-braintree-dropin"}],
        ["requestPaymentMethod"],
    ]
    [form] = posted
    assert parse_qs(form)["payment_method_nonce"] == ["fake-valid-nonce"]
    assert parse_qs(form)["csrfmiddlewaretoken"]


# Lemon Squeezy: the hosted checkout; the subscription comes by webhook


@pytest.fixture
def lemon(settings: Any, db: None) -> LemonSqueezyDouble:
    double = enable_lemon_squeezy(settings)
    bill_with(settings, "lemon_squeezy")
    double.add_variant("102", 2500, product_name="Pro")
    local_price("lemon_squeezy", "102")
    return double


def test_lemon_squeezy_return_before_and_after_the_webhook(
    lemon: LemonSqueezyDouble, signed_in: Client, client: Client, user: Any
) -> None:
    upgrade = signed_in.post("/pay/subscription/upgrade/", {"price": "102"})
    checkout_id = urlsplit(upgrade["Location"]).path.rsplit("/", 1)[-1]
    lemon.complete_checkout(checkout_id)

    early = signed_in.get("/pay/subscription/welcome/", follow=True).content.decode()
    assert "Your payment is being processed" in early
    assert user.active_subscription() is None

    for event in lemon.events:
        body, headers = lemon_delivery(event)
        delivered = client.post(
            "/pay/webhooks/lemon_squeezy/", body, content_type="application/json", headers=headers
        )
        assert delivered.status_code == 200
    late = signed_in.get("/pay/subscription/welcome/", follow=True).content.decode()
    assert "Thank you! Your subscription is active." in late
    user.forget_subscriptions()
    assert user.active_subscription().processor_plan == "102"
