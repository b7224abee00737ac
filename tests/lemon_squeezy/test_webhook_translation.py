"""Events become changes built from Lemon Squeezy's current state, never from a stale body."""

from __future__ import annotations

import copy

import pytest

from pay.errors import InvalidOwnerReference
from pay.models import Charge, Subscription
from pay.owners import resolve_owner, sign_reference
from pay.processors.data import (
    ChargeRefunded,
    ChargeSucceeded,
    PaymentProblem,
    SubscriptionChanged,
    SubscriptionStatus,
)

from .conftest import BASIC, ONCE, TRIAL
from .flows import deliver, latest_event, only, start_checkout

pytestmark = pytest.mark.django_db


def buy(lemon, customer, variant=BASIC, **checkout_options):
    session = start_checkout(customer, variant, **checkout_options)
    return lemon.complete_checkout(session.processor_id)


def subscription_created(lemon, customer, subscription):
    event = latest_event(lemon, "subscription_created", subscription["id"])
    return only(deliver(customer, event), SubscriptionChanged)


def test_subscription_created_carries_the_signed_owner_and_the_name(lemon, lemon_customer, user):
    subscription = buy(lemon, lemon_customer, quantity=3, name="seats")

    change = subscription_created(lemon, lemon_customer, subscription)

    assert change.customer_processor_id == lemon_customer.processor_id
    assert resolve_owner(change.owner_reference) == user
    details = change.subscription
    assert (details.processor_id, details.plan, details.quantity, details.name) == (
        subscription["id"],
        BASIC,
        3,
        "seats",
    )
    assert details.status == SubscriptionStatus.ACTIVE
    assert details.current_period_end == subscription["renews_at"]


def test_a_trial_is_trialing_until_it_ends(lemon, lemon_customer):
    subscription = buy(lemon, lemon_customer, TRIAL)

    change = subscription_created(lemon, lemon_customer, subscription)

    assert change.subscription.status == SubscriptionStatus.TRIALING
    assert change.subscription.trial_ends_at == subscription["trial_ends_at"]


@pytest.mark.parametrize(
    "custom",
    [
        {},
        {"pay_owner": "testapp.user:1"},
        {"pay_owner": sign_reference("testapp.user:1")[:-1] + "x"},
        {"pay_owner": sign_reference("testapp.user:999")},
    ],
    ids=["missing", "unsigned", "forged", "no-such-owner"],
)
def test_a_missing_forged_or_altered_owner_reference_resolves_to_no_one(
    lemon, lemon_customer, custom
):
    """The buyer's browser can rewrite the checkout's custom data; it cannot sign it."""
    session = start_checkout(lemon_customer, BASIC)
    subscription = lemon.complete_checkout(session.processor_id, custom=custom)

    change = subscription_created(lemon, lemon_customer, subscription)

    with pytest.raises(InvalidOwnerReference):
        resolve_owner(change.owner_reference)
    assert not Subscription.objects.exists()


def test_a_replayed_old_event_applies_the_current_state(lemon, lemon_customer, processor):
    subscription = buy(lemon, lemon_customer)
    created = latest_event(lemon, "subscription_created", subscription["id"])
    changed = only(deliver(lemon_customer, created), SubscriptionChanged)
    lemon_customer.record_subscription(changed.subscription).cancel()

    replayed = only(deliver(lemon_customer, created), SubscriptionChanged)

    assert replayed.subscription.ends_at is not None
    assert replayed.subscription.data["lemon_squeezy_status"] == "cancelled"


def test_a_subscription_payment_is_a_charge_and_its_order_is_not_counted_twice(
    lemon, lemon_customer
):
    subscription = buy(lemon, lemon_customer, quantity=2)

    order_changes = deliver(lemon_customer, latest_event(lemon, "order_created", "1"))
    paid = only(
        deliver(lemon_customer, lemon.events_of("subscription_payment_success")[-1]),
        ChargeSucceeded,
    )

    assert order_changes == []
    assert paid.charge.processor_id == "subscription-invoices/1"
    assert paid.charge.amount == 2000
    assert paid.charge.subscription_processor_id == subscription["id"]
    assert (paid.charge.brand, paid.charge.last4) == ("visa", "4242")


def test_a_one_off_order_is_a_charge_and_its_refund_updates_it(lemon, lemon_customer):
    order = buy(lemon, lemon_customer, ONCE, mode="payment")
    charged = only(
        deliver(lemon_customer, latest_event(lemon, "order_created", order["id"])),
        ChargeSucceeded,
    )
    charge = Charge.objects.record(lemon_customer, charged.charge)

    charge.refund(1500)
    refunded = only(
        deliver(lemon_customer, latest_event(lemon, "order_refunded", order["id"])),
        ChargeRefunded,
    )

    assert charge.processor_id == f"orders/{order['id']}"
    assert (charge.amount, charge.currency, charge.amount_refunded) == (5000, "usd", 1500)
    assert refunded.charge.amount_refunded == 1500
    assert lemon.orders[order["id"]]["status"] == "partial_refund"


def test_a_failed_payment_points_at_the_card_update_page(lemon, lemon_customer):
    subscription = buy(lemon, lemon_customer)
    failed = copy.deepcopy(lemon.events_of("subscription_payment_success")[-1])
    failed["meta"]["event_name"] = "subscription_payment_failed"
    failed["data"]["attributes"].update(status="failed", status_formatted="Failed")

    problem = only(deliver(lemon_customer, failed), PaymentProblem)

    assert problem.subscription_processor_id == subscription["id"]
    assert (problem.amount, problem.currency) == (1000, "usd")
    assert problem.action_url == subscription["urls"]["update_payment_method"]


def test_events_django_pay_does_not_use_change_nothing(lemon, lemon_customer):
    buy(lemon, lemon_customer)
    event = copy.deepcopy(lemon.events[0])
    event["meta"]["event_name"] = "license_key_created"

    assert deliver(lemon_customer, event) == []
