"""Every processor's events come in through ``/pay/webhooks/<processor>/`` the same way."""

from __future__ import annotations

import pytest

from pay.models import Customer, Subscription, Webhook
from tests.braintree.webhooks import delivery
from tests.lemon_squeezy.conftest import BASIC
from tests.lemon_squeezy.double import signed_delivery
from tests.lemon_squeezy.flows import latest_event, start_checkout

from .conftest import post

pytestmark = pytest.mark.django_db


def test_braintree(braintree_customer, client):
    subscription = braintree_customer.subscribe(plan="basic-monthly")
    backend = braintree_customer.backend
    backend.gateway.subscription.cancel(subscription.processor_id)  # in the Control Panel
    body = delivery(backend, "subscription_canceled", subscription.processor_id)
    form = "application/x-www-form-urlencoded"

    answers = [post(client, "/pay/webhooks/braintree/", body, {}, form) for _ in range(2)]

    assert [answer.status_code for answer in answers] == [200, 200]
    assert Webhook.objects.get().status == Webhook.Status.PROCESSED
    subscription.refresh_from_db()
    assert subscription.status == "canceled"


def test_braintree_refuses_a_forged_notification(braintree_customer, client):
    body = delivery(braintree_customer.backend, "subscription_canceled", "sub1")

    response = post(client, "/pay/webhooks/braintree/", body.replace(b"bt_", b"xx_"), {})

    assert response.status_code == 400
    assert not Webhook.objects.exists()


def test_lemon_squeezy_creates_the_customer_of_a_checkout(lemon, lemon_customer, client, user):
    session = start_checkout(lemon_customer, BASIC)
    bought = lemon.complete_checkout(session.processor_id)
    Customer.objects.all().delete()
    event = latest_event(lemon, "subscription_created", bought["id"])

    response = post(client, "/pay/webhooks/lemon_squeezy/", *signed_delivery(event))

    assert response.status_code == 200
    customer = Customer.objects.get()
    assert customer.owner == user
    assert Subscription.objects.get(customer=customer).processor_id == str(bought["id"])


def test_lemon_squeezy_payments_send_receipts(lemon, lemon_customer, client, mailoutbox):
    session = start_checkout(lemon_customer, BASIC)
    bought = lemon.complete_checkout(session.processor_id)
    events = [
        latest_event(lemon, "subscription_created", bought["id"]),
        *lemon.events_of("subscription_payment_success"),
    ]

    for event in events * 2:
        post(client, "/pay/webhooks/lemon_squeezy/", *signed_delivery(event))

    (email,) = mailoutbox
    assert email.subject.startswith("Your receipt:")
    assert email.to == ["ada@example.com"]
