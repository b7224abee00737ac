"""Lemon Squeezy's deliveries at ``/pay/webhooks/lemon_squeezy/``: verified, recorded once,
applied as the current state, and linked to an owner only by a signed reference."""

from __future__ import annotations

import pytest

from pay.models import Charge, Customer, Subscription, Webhook
from pay.owners import owner_reference, sign_reference
from pay.processors.data import CheckoutRequest, CustomerDetails, LineItem, OwnerDetails
from tests.webhooks.conftest import post

from .conftest import BASIC, ONCE
from .double import signed_delivery
from .flows import latest_event, start_checkout, subscribe_through_checkout

pytestmark = pytest.mark.django_db

URL = "/pay/webhooks/lemon_squeezy/"


def deliver(client, event, secret=None):
    body, headers = signed_delivery(event) if secret is None else signed_delivery(event, secret)
    return post(client, URL, body, headers)


def checkout_elsewhere(lemon, processor, owner, custom=None):
    """A checkout for ``owner``, who has no Lemon Squeezy customer here yet; the buyer pays
    it (their browser may have rewritten its ``custom`` data). Returns the subscription."""
    details = CustomerDetails(
        processor_id="",
        owner=OwnerDetails(reference=owner_reference(owner), email="new@example.com"),
    )
    request = CheckoutRequest(
        mode="subscription",
        line_items=(LineItem(BASIC),),
        success_url="https://app.example.test/thanks",
        cancel_url="",
    )
    session = processor.create_checkout(details, request)
    return lemon.complete_checkout(session.processor_id, custom=custom)


def test_a_signed_owner_reference_creates_the_customer_and_the_subscription(
    client, lemon, processor, user
):
    subscription = checkout_elsewhere(lemon, processor, user)

    response = deliver(client, latest_event(lemon, "subscription_created", subscription["id"]))

    assert response.status_code == 200
    customer = Customer.objects.get()
    assert (customer.owner, customer.processor_id) == (user, str(subscription["customer_id"]))
    assert customer.subscriptions.get().processor_plan == BASIC
    assert Webhook.objects.get().status == Webhook.Status.PROCESSED


@pytest.mark.parametrize(
    "custom",
    [
        {},
        {"pay_owner": "testapp.user:1"},
        {"pay_owner": sign_reference("testapp.user:1") + "0"},
    ],
    ids=["missing", "unsigned", "altered"],
)
def test_a_forged_owner_reference_creates_nothing(client, lemon, processor, user, custom):
    subscription = checkout_elsewhere(lemon, processor, user, custom=custom)

    response = deliver(client, latest_event(lemon, "subscription_created", subscription["id"]))

    assert response.status_code == 200  # Lemon Squeezy signed it: a retry cannot help
    assert not Customer.objects.exists()
    assert not Subscription.objects.exists()
    webhook = Webhook.objects.get()
    assert webhook.status == Webhook.Status.FAILED
    assert "InvalidOwnerReference" in webhook.last_error


@pytest.fixture
def created_event(lemon, lemon_customer):
    session = start_checkout(lemon_customer, BASIC)
    subscription = lemon.complete_checkout(session.processor_id)
    return latest_event(lemon, "subscription_created", subscription["id"])


def _forged(event):
    return signed_delivery(event, secret="someone-else")


def _tampered(event):
    body, headers = signed_delivery(event)
    tampered = body.replace(b'"quantity": 1', b'"quantity": 9')
    assert tampered != body
    return tampered, headers


def _unsigned(event):
    body, _ = signed_delivery(event)
    return body, {"X-Event-Name": "subscription_created"}


@pytest.mark.parametrize(
    ("make_request", "reason"),
    [
        (_forged, "does not match"),
        (_tampered, "does not match"),
        (_unsigned, "no X-Signature header"),
    ],
    ids=["forged", "tampered", "unsigned"],
)
def test_bad_deliveries_are_refused_and_nothing_is_stored(
    client, created_event, make_request, reason
):
    response = post(client, URL, *make_request(created_event))

    assert response.status_code == 400
    assert reason in response.content.decode()
    assert not Webhook.objects.exists()
    assert not Subscription.objects.exists()


def test_a_retried_delivery_is_recorded_and_applied_once(client, created_event):
    first = deliver(client, created_event)
    again = deliver(client, created_event)

    assert (first.status_code, again.status_code) == (200, 200)
    assert again.content == b"Already processed."
    assert Webhook.objects.count() == 1
    assert Subscription.objects.count() == 1


def test_a_replayed_old_event_never_undoes_a_newer_change(client, lemon, lemon_customer):
    subscription = subscribe_through_checkout(lemon_customer, lemon, BASIC)
    created = latest_event(lemon, "subscription_created", subscription.processor_id)
    subscription.cancel()

    deliver(client, created)

    subscription.refresh_from_db()
    assert subscription.ends_at is not None
    assert subscription.on_grace_period()


def test_an_order_becomes_a_charge_and_its_refund_follows(client, lemon, lemon_customer):
    session = start_checkout(lemon_customer, ONCE, mode="payment")
    order = lemon.complete_checkout(session.processor_id)
    deliver(client, latest_event(lemon, "order_created", order["id"]))
    charge = Charge.objects.get()

    lemon_customer.backend.refund(charge.details(), 5000)
    deliver(client, latest_event(lemon, "order_refunded", order["id"]))

    charge.refresh_from_db()
    assert (charge.amount, charge.amount_refunded) == (5000, 5000)
    assert charge.processor_id == f"orders/{order['id']}"
