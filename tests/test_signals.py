"""Signals fire once for each change, whichever way the change arrived."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from pay import signals

pytestmark = pytest.mark.django_db

SIGNALS = {
    "subscription_created": signals.subscription_created,
    "subscription_updated": signals.subscription_updated,
    "subscription_cancelled": signals.subscription_cancelled,
    "subscription_ended": signals.subscription_ended,
    "charge_succeeded": signals.charge_succeeded,
    "charge_refunded": signals.charge_refunded,
}


@pytest.fixture
def received():
    counts: Counter[str] = Counter()
    receivers = {}
    for name, signal in SIGNALS.items():
        receivers[name] = lambda sender, _name=name, **kwargs: counts.update([_name])
        signal.connect(receivers[name])
    yield counts
    for name, signal in SIGNALS.items():
        signal.disconnect(receivers[name])


def test_subscription_life_signals(customer, received, time_machine):
    subscription = customer.subscribe()
    assert received == {"subscription_created": 1}

    subscription.cancel()
    assert received["subscription_cancelled"] == 1
    assert received["subscription_ended"] == 0

    time_machine.move_to(subscription.ends_at + timedelta(seconds=1))
    subscription.sync()
    subscription.sync()
    assert received["subscription_ended"] == 1, "ended once, however often it is synced"
    assert received["subscription_cancelled"] == 1


def test_cancel_now_sends_cancelled_and_ended(customer, received):
    customer.subscribe().cancel_now()
    assert received["subscription_cancelled"] == 1
    assert received["subscription_ended"] == 1


def test_charge_signals(customer, received):
    charge = customer.charge(700)
    charge.refund(200)
    assert received["charge_succeeded"] == 1
    assert received["charge_refunded"] == 1


def test_sync_subscriptions_updates_every_known_subscription(customer, time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    first = customer.subscribe(plan="pro-monthly")
    customer.subscribe(name="support", trial_period_days=3)
    time_machine.shift(timedelta(days=40))

    synced = customer.sync_subscriptions()

    assert {s.name for s in synced} == {"default", "support"}
    first.refresh_from_db()
    assert first.current_period_end > timezone.now()
    assert customer.subscription("support").status == "active"
    assert customer.sync_subscriptions(status="canceled") == []
