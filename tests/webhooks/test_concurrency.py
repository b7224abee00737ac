"""Parallel deliveries on PostgreSQL: every side effect happens once, and nothing answers 500."""

from __future__ import annotations

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from pay.models import Charge, PaymentMethod, Subscription, Webhook
from pay.webhooks import subscribe, unsubscribe
from tests.paddle.double import signed_delivery

from .conftest import deliver_stripe, post

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def serial_stripe(stripe_double, monkeypatch):
    """The double keeps its state in plain dicts: one request at a time, as one Stripe would."""
    lock = threading.Lock()
    handle = stripe_double.handle

    def locked(*args, **kwargs):
        with lock:
            return handle(*args, **kwargs)

    monkeypatch.setattr(stripe_double, "handle", locked)
    return stripe_double


@pytest.fixture
def handled():
    """Calls of a custom handler subscribed to every event type in the test, by event id."""
    calls: Counter[str] = Counter()
    subscribed: list[str] = []

    def handler(webhook):
        calls[webhook.event_id] += 1

    def listen(event_types):
        for event_type in set(event_types):
            subscribed.append(f"stripe.{event_type}")
            subscribe(subscribed[-1], handler)

    yield calls, listen
    for name in subscribed:
        unsubscribe(name, handler)


def deliver_in_parallel(events, threads=8):
    def deliver(event):
        try:
            return deliver_stripe(Client(), event).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(deliver, events))


def test_the_same_event_five_times_at_once(serial_stripe, stripe_customer, mailoutbox, handled):
    stripe_customer.charge(2500)
    Charge.objects.all().delete()
    (succeeded,) = serial_stripe.events_of("charge.succeeded")
    calls, listen = handled
    listen(["charge.succeeded"])

    answers = deliver_in_parallel([succeeded] * 5, threads=5)

    assert answers == [200] * 5
    assert Charge.objects.count() == 1
    assert len(mailoutbox) == 1
    assert calls == {succeeded["id"]: 1}
    assert Webhook.objects.get().attempts == 1


def test_twenty_deliveries_of_ten_events_in_parallel(
    serial_stripe, stripe_customer, mailoutbox, handled
):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")
    stripe_customer.charge(2500).refund(500)
    subscription.cancel()
    events = serial_stripe.events[-10:]
    Subscription.objects.all().delete()
    Charge.objects.all().delete()
    PaymentMethod.objects.all().delete()
    calls, listen = handled
    listen(event["type"] for event in events)
    deliveries = events * 2
    random.Random(4).shuffle(deliveries)

    answers = deliver_in_parallel(deliveries)

    assert answers == [200] * 20
    assert Webhook.objects.filter(status=Webhook.Status.PROCESSED, attempts=1).count() == 10
    assert calls == {event["id"]: 1 for event in events}
    types = Counter(event["type"] for event in events)
    assert types["charge.succeeded"] + types["charge.refunded"] >= 2
    assert len(mailoutbox) == types["charge.succeeded"] + types["charge.refunded"]
    assert Subscription.objects.get().ends_at is not None
    assert Charge.objects.filter(amount_refunded=500).count() == 1


def test_paddle_snapshots_racing_each_other_leave_the_newest_state(paddle_lifecycle):
    events, expected = paddle_lifecycle
    Subscription.objects.all().delete()
    deliveries = events * 5
    random.Random(7).shuffle(deliveries)

    def deliver(event):
        try:
            return post(Client(), "/pay/webhooks/paddle_billing/", *signed_delivery(event))
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = [response.status_code for response in pool.map(deliver, deliveries)]

    assert answers == [200] * 20
    assert Subscription.objects.get().details() == expected
    assert Webhook.objects.filter(status=Webhook.Status.PROCESSED, attempts=1).count() == 4
