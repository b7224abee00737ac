from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client, TestCase

from tests.braintree.conftest import braintree_customer, braintree_double
from tests.lemon_squeezy.conftest import lemon, lemon_customer
from tests.paddle.conftest import BASIC, PRO, checkout, paddle, paddle_customer
from tests.stripe.conftest import stripe_customer, stripe_processor
from tests.stripe_double import StripeDouble, sign_webhook
from tests.stripe_double.plugin import WEBHOOK_SECRET

#: Fixtures shared with the processors' own tests.
__all__ = [
    "braintree_customer",
    "braintree_double",
    "lemon",
    "lemon_customer",
    "paddle",
    "paddle_customer",
    "stripe_customer",
    "stripe_processor",
]

STRIPE_URL = "/stripe/webhook/"


def post(
    client: Client,
    url: str,
    body: bytes,
    headers: dict[str, str],
    content_type: str = "application/json",
) -> Any:
    """POST a webhook; what waits for the commit (emails, Celery) happens before it returns,
    even inside a test's transaction."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(url, body, content_type=content_type, headers=_http_headers(headers))


def _http_headers(headers: dict[str, str]) -> dict[str, str]:
    return {key: value for key, value in headers.items() if key.lower() != "content-type"}


def deliver_stripe(client: Client, event: dict[str, Any], url: str = STRIPE_URL) -> Any:
    """POST ``event`` to the endpoint, signed as Stripe signs it."""
    return post(client, url, *sign_webhook(event, WEBHOOK_SECRET))


def deliver_all(client: Client, double: StripeDouble) -> list[int]:
    """Deliver every event the double recorded, in order; the answers' status codes."""
    return [deliver_stripe(client, event).status_code for event in double.events]


def state(subscription: Any) -> Any:
    subscription.refresh_from_db()
    return subscription.details()


@pytest.fixture
def paddle_lifecycle(paddle, paddle_customer, time_machine):
    """A Paddle subscription created, updated twice and cancelled, a minute apart; its
    four snapshot events and the final state."""
    time_machine.move_to("2026-01-01T00:00:00Z", tick=False)
    subscription = checkout(paddle_customer, paddle, BASIC)
    for change in (lambda: subscription.change_quantity(3), lambda: subscription.swap(PRO)):
        time_machine.shift(timedelta(minutes=1))
        change()
    time_machine.shift(timedelta(minutes=1))
    subscription.cancel_now()
    types = ("subscription.created", "subscription.updated", "subscription.canceled")
    events = [event for event in paddle.events if event["event_type"] in types]
    assert [e["event_type"] for e in events] == [
        "subscription.created",
        "subscription.updated",
        "subscription.updated",
        "subscription.canceled",
    ]
    return events, state(subscription)
