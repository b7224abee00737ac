"""Paddle Checkout: transactions to pay, Paddle.js buttons, and what comes back from them."""

from __future__ import annotations

import html
import json
import re

import pytest
from django.template import Context, Template

from pay.errors import ConfigurationError, InvalidAction, NotSupported
from pay.owners import resolve_owner
from pay.processors.data import SubscriptionChanged

from .conftest import BASIC, PRO, SETUP_FEE
from .double import CLIENT_TOKEN, DEFAULT_PAYMENT_LINK, signed_delivery
from .flows import start_checkout

pytestmark = pytest.mark.django_db

BASIC_ITEM = {"price": BASIC}


def test_a_checkout_is_a_transaction_carrying_the_signed_owner(paddle, paddle_customer, user):
    session = start_checkout(
        paddle_customer, {"price": BASIC}, {"price": SETUP_FEE}, name="team-plan"
    )

    transaction = paddle.transactions[session.processor_id]
    assert session.url == f"{DEFAULT_PAYMENT_LINK}?_ptxn={session.processor_id}"
    assert session.status == "open"
    assert session.customer_processor_id == paddle_customer.processor_id
    assert [item["price"]["id"] for item in transaction["items"]] == [BASIC, SETUP_FEE]
    assert transaction["custom_data"]["pay_name"] == "team-plan"
    assert resolve_owner(transaction["custom_data"]["pay_owner"]) == user


def test_a_checkout_can_use_another_page_with_paddle_js(paddle, paddle_customer):
    session = start_checkout(
        paddle_customer, BASIC_ITEM, checkout_url="https://app.example.test/buy"
    )

    assert session.url == f"https://app.example.test/buy?_ptxn={session.processor_id}"


def test_checkout_options_paddle_does_not_have_are_refused(paddle, paddle_customer):
    with pytest.raises(InvalidAction, match="do not take allow_promotion_codes"):
        start_checkout(paddle_customer, BASIC_ITEM, allow_promotion_codes=True)
    with pytest.raises(NotSupported, match="setup-mode"):
        start_checkout(paddle_customer, BASIC_ITEM, mode="setup")
    assert not paddle.transactions


def test_retrieving_a_paid_checkout_gives_its_subscription(paddle, paddle_customer, processor):
    session = start_checkout(paddle_customer, BASIC_ITEM, name="team-plan")
    assert processor.retrieve_checkout(session.processor_id).subscription is None

    paddle.complete_checkout(session.processor_id)
    completed = processor.retrieve_checkout(session.processor_id)

    assert completed.status == "complete"
    assert completed.mode == "subscription"
    assert completed.subscription.plan == BASIC
    subscription = paddle_customer.sync_checkout_session(session.processor_id)
    assert subscription.name == "team-plan"
    assert subscription.processor_id == completed.subscription.processor_id


def test_a_one_time_checkout_has_no_subscription(paddle, paddle_customer, processor):
    session = start_checkout(paddle_customer, {"price": SETUP_FEE}, mode="payment")
    paddle.complete_checkout(session.processor_id)

    completed = processor.retrieve_checkout(session.processor_id)

    assert completed.mode == "payment"
    assert completed.subscription is None
    assert paddle_customer.sync_checkout_session(session.processor_id) is None


def test_another_customers_checkout_cannot_be_claimed(paddle, paddle_customer, team):
    session = start_checkout(paddle_customer, BASIC_ITEM)
    paddle.complete_checkout(session.processor_id)
    other = team.set_payment_processor("paddle_billing")
    other.details()

    with pytest.raises(InvalidAction, match="another customer"):
        other.sync_checkout_session(session.processor_id)
    assert not other.subscriptions.exists()


def test_the_billing_portal_is_paddles_customer_portal(paddle, paddle_customer):
    url = paddle_customer.billing_portal(return_url="https://app.example.test/account")

    assert url.startswith("https://sandbox-customer-portal.paddle.com/")


# Paddle.js in templates


def render(source, **context):
    return Template("{% load pay_paddle %}" + source).render(Context(context))


def found(pattern, text):
    match = re.search(pattern, text)
    assert match is not None, f"{pattern} not in {text}"
    return match.group(1)


def button_options(rendered):
    return json.loads(html.unescape(found(r'data-pay-paddle-checkout="([^"]*)"', rendered)))


def test_paddle_js_is_started_with_the_client_token(paddle):
    rendered = render('{% paddle_js success_url="https://app.example.test/done" %}')

    config = json.loads(
        found(r'<script id="pay-paddle-config" type="application/json">(.*?)</script>', rendered)
    )
    assert config == {
        "token": CLIENT_TOKEN,
        "environment": "sandbox",
        "checkout": {"settings": {"successUrl": "https://app.example.test/done"}},
    }
    assert '<script src="https://cdn.paddle.com/paddle/v2/paddle.js"></script>' in rendered
    assert "pay/paddle-checkout.js" in rendered


def test_paddle_js_needs_the_client_token(paddle, settings):
    del settings.PADDLE_CLIENT_TOKEN

    with pytest.raises(ConfigurationError, match="PADDLE_CLIENT_TOKEN"):
        render("{% paddle_js %}")


def test_a_checkout_button_opens_the_overlay_for_the_owner(paddle, user):
    rendered = render(
        '{% paddle_checkout_button user price quantity=3 label="Go Pro" css_class="btn" %}',
        user=user,
        price=PRO,
    )

    options = button_options(rendered)
    assert 'class="btn"' in rendered
    assert ">Go Pro</button>" in rendered
    assert options["items"] == [{"priceId": PRO, "quantity": 3}]
    assert options["customer"] == {"email": "ada@example.com"}
    assert options["settings"] == {"displayMode": "overlay"}
    assert resolve_owner(options["customData"]["pay_owner"]) == user


def test_a_known_paddle_customer_checks_out_as_itself(paddle, paddle_customer, user):
    options = button_options(render("{% paddle_checkout_button user 'pri_x' %}", user=user))

    assert options["customer"] == {"id": paddle_customer.processor_id}


def test_a_button_checkout_comes_back_linked_to_its_owner(paddle, processor, team):
    """The whole round trip: button, Paddle.js checkout, signed webhook, owner."""
    options = button_options(
        render("{% paddle_checkout_button team price name='seats' %}", team=team, price=BASIC)
    )

    paddle.open_overlay_checkout(options, email="billing@engines.test")

    created = paddle.events_of("subscription.created")[-1]
    event = processor.verify_webhook(*signed_delivery(created))
    [change] = processor.translate_webhook(event)
    assert isinstance(change, SubscriptionChanged)
    assert change.subscription.name == "seats"
    assert change.subscription.plan == BASIC
    assert resolve_owner(change.owner_reference) == team
    assert (
        change.customer_processor_id == paddle.subscriptions[created["data"]["id"]]["customer_id"]
    )
