"""The contract every processor meets, run against each one's harness.

An operation a processor lists in ``unsupported`` must raise NotSupported and
change nothing; every other operation must behave the same on every processor.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from pay.errors import NotSupported
from pay.models import Customer, Subscription

from .harnesses import HARNESSES, Harness

pytestmark = pytest.mark.django_db


@pytest.fixture(params=sorted(HARNESSES))
def harness(request: pytest.FixtureRequest, settings: Any) -> Iterator[Harness]:
    harness = HARNESSES[request.param]()
    harness.start(settings)
    yield harness
    harness.stop()


@pytest.fixture
def contract_customer(harness: Harness, user: Any) -> Customer:
    return harness.customer(user)


def supported_or_refused(customer: Customer, operation: str, run: Callable[[], Any]) -> bool:
    """Run ``operation``; if the processor does not support it, check that it says so cleanly."""
    if operation not in customer.backend.unsupported:
        run()
        return True
    before = list(Subscription.objects.values())
    with pytest.raises(NotSupported, match=customer.backend.name):
        run()
    assert list(Subscription.objects.values()) == before
    return False


def test_subscribe_through_the_api_or_refuse(harness, contract_customer):
    if supported_or_refused(
        contract_customer,
        "subscribe",
        lambda: contract_customer.subscribe(plan=harness.plans[0]),
    ):
        assert contract_customer.subscribed(processor_plan=harness.plans[0])


def test_subscribe(harness, contract_customer):
    subscription = harness.subscribe(contract_customer, plan=harness.plans[0], quantity=2)

    assert subscription.processor_id
    assert subscription.status == "active"
    assert subscription.quantity == 2
    assert subscription.processor_plan == harness.plans[0]
    assert subscription.current_period_end > timezone.now()
    assert contract_customer.subscribed(processor_plan=harness.plans[0])


def test_subscribe_with_trial(harness, contract_customer):
    subscription = harness.subscribe(contract_customer, plan=harness.plans[0], trial_period_days=7)

    assert subscription.status == "trialing"
    assert subscription.on_trial()
    assert abs(subscription.trial_ends_at - (timezone.now() + timedelta(days=7))) < timedelta(
        minutes=5
    )


def test_sync_keeps_state(harness, contract_customer):
    subscription = harness.subscribe(contract_customer, plan=harness.plans[0])
    before = subscription.details()

    subscription.sync()

    assert subscription.details().processor_id == before.processor_id
    assert subscription.processor_plan == before.plan
    assert subscription.active()


def test_cancel_then_resume(harness, contract_customer):
    subscription = harness.subscribe(contract_customer, plan=harness.plans[0])

    subscription.cancel()
    assert subscription.on_grace_period()
    assert subscription.active()

    if supported_or_refused(contract_customer, "resume", subscription.resume):
        assert not subscription.cancelled()
        assert subscription.active()


def test_cancel_now(harness, contract_customer):
    subscription = harness.subscribe(contract_customer, plan=harness.plans[0])

    if supported_or_refused(contract_customer, "cancel_now", subscription.cancel_now):
        assert subscription.ended()
        assert not subscription.active()
        assert not contract_customer.subscribed()


def test_swap(harness, contract_customer):
    subscription = harness.subscribe(contract_customer, plan=harness.plans[0])

    if supported_or_refused(contract_customer, "swap", lambda: subscription.swap(harness.plans[1])):
        current = contract_customer.subscription()
        assert current.processor_plan == harness.plans[1]
        assert current.active()


def test_change_quantity(harness, contract_customer):
    subscription = harness.subscribe(contract_customer, plan=harness.plans[0], quantity=1)

    if supported_or_refused(
        contract_customer, "change_quantity", lambda: subscription.change_quantity(4)
    ):
        subscription.sync()
        assert subscription.quantity == 4


def test_pause_and_resume(harness, contract_customer):
    subscription = harness.subscribe(contract_customer, plan=harness.plans[0])

    if supported_or_refused(contract_customer, "pause", subscription.pause):
        assert subscription.pause_starts_at is not None or subscription.paused()
        subscription.resume()
        assert not subscription.paused()
        assert subscription.active()


def test_charge_through_the_api_or_refuse(harness, contract_customer):
    if supported_or_refused(
        contract_customer, "charge", lambda: contract_customer.charge(2500, "usd")
    ):
        assert contract_customer.charges.get().amount == 2500


def test_charge_and_refund(harness, contract_customer):
    charge = harness.charge(contract_customer, 2500, "usd")

    assert charge.amount == 2500
    assert charge.currency == "usd"
    assert charge.processor_id

    if supported_or_refused(contract_customer, "refund", lambda: charge.refund(1000)):
        assert charge.amount_refunded == 1000


def test_payment_method_is_recorded_as_default(harness, contract_customer):
    if supported_or_refused(
        contract_customer,
        "add_payment_method",
        lambda: contract_customer.add_payment_method(harness.valid_payment_token()),
    ):
        method = contract_customer.default_payment_method
        assert method is not None
        assert method.processor_id


def test_sync_subscriptions_finds_them_all(harness, contract_customer):
    harness.subscribe(contract_customer, plan=harness.plans[0])
    harness.subscribe(contract_customer, name="addon", plan=harness.plans[1])

    synced = contract_customer.sync_subscriptions()

    assert len(synced) == 2
    assert {s.processor_plan for s in synced} == set(harness.plans)
