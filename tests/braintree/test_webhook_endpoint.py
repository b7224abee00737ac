"""Braintree notifications through the webhook endpoint: applied once, or refused with 400."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta

import pytest
from django.test import TestCase

from pay.models import Charge, Subscription, Webhook

from .webhooks import delivery, fields, form, signed

pytestmark = pytest.mark.django_db

URL = "/pay/webhooks/braintree/"
NOW = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)


@pytest.fixture
def subscription(braintree_customer):
    return braintree_customer.subscribe(plan="basic-monthly")


def post(client, body):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(URL, body, content_type="application/x-www-form-urlencoded")


def test_a_cancellation_in_the_control_panel_is_applied(client, processor, subscription):
    processor.gateway.subscription.cancel(subscription.processor_id)

    response = post(client, delivery(processor, "subscription_canceled", subscription.processor_id))

    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.status == "canceled"
    assert subscription.ended()
    assert Webhook.objects.get().status == Webhook.Status.PROCESSED


def test_a_renewal_records_its_charge(
    client, braintree_double, processor, subscription, time_machine
):
    time_machine.move_to(datetime(2026, 4, 10, 8, tzinfo=UTC))
    processor.fetch_subscription(subscription.processor_id)  # Braintree renews it
    body = signed(braintree_double.notification("subscription_charged_successfully"))

    assert post(client, body).status_code == 200

    renewal = Charge.objects.get()
    assert (renewal.amount, renewal.subscription) == (1000, subscription)
    subscription.refresh_from_db()
    assert subscription.current_period_start == datetime(2026, 4, 10, tzinfo=UTC)


def test_the_same_notification_twice_is_taken_once(client, processor, subscription):
    body = delivery(processor, "subscription_went_active", subscription.processor_id)

    assert post(client, body).status_code == 200
    assert post(client, body).status_code == 200

    assert Webhook.objects.count() == 1


def _tampered(processor, subscription_id):
    genuine = fields(delivery(processor, "subscription_canceled", subscription_id))
    xml = base64.b64decode(genuine["bt_payload"]).replace(b"canceled", b"expired")
    return form(genuine["bt_signature"], base64.encodebytes(xml))


def _forged(processor, subscription_id):
    genuine = fields(delivery(processor, "subscription_canceled", subscription_id))
    return signed(base64.b64decode(genuine["bt_payload"]), private_key="an-attackers-key")


@pytest.mark.parametrize("make", [_tampered, _forged])
def test_a_tampered_or_forged_notification_is_refused(client, processor, subscription, make):
    processor.gateway.subscription.cancel(subscription.processor_id)

    response = post(client, make(processor, subscription.processor_id))

    assert response.status_code == 400
    assert not Webhook.objects.exists()
    subscription.refresh_from_db()
    assert subscription.status == "active"


def test_a_stale_replay_is_refused(client, processor, subscription, time_machine):
    processor.gateway.subscription.cancel(subscription.processor_id)
    body = delivery(processor, "subscription_canceled", subscription.processor_id)
    time_machine.move_to(NOW + timedelta(days=2))

    response = post(client, body)

    assert response.status_code == 400
    assert b"too old" in response.content
    assert not Webhook.objects.exists()
    assert Subscription.objects.get().status == "active"
