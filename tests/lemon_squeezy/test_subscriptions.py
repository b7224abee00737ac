"""Managing a Lemon Squeezy subscription after its checkout, through the API."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from pay.errors import InvalidAction, NotSupported

from .conftest import ANNUAL, BASIC, PRO, TRIAL
from .flows import subscribe_through_checkout

pytestmark = pytest.mark.django_db


@pytest.fixture
def subscription(lemon, lemon_customer):
    return subscribe_through_checkout(lemon_customer, lemon, BASIC)


def test_cancel_keeps_the_subscription_until_the_period_ends_then_it_expires(lemon, subscription):
    renews_at = lemon.subscriptions[subscription.processor_id]["renews_at"]

    subscription.cancel()

    assert subscription.ends_at == renews_at
    assert subscription.on_grace_period()
    assert subscription.active()
    with time_machine.travel(renews_at + timedelta(seconds=1)):
        subscription.sync()
        assert subscription.status == "canceled"
        assert subscription.ended()
        assert not subscription.active()
    assert lemon.events_of("subscription_expired")


def test_cancelling_a_trial_ends_it_with_the_trial(lemon, lemon_customer):
    subscription = subscribe_through_checkout(lemon_customer, lemon, TRIAL)

    subscription.cancel()

    assert subscription.ends_at == subscription.trial_ends_at
    assert subscription.on_trial()


def test_cancel_now_is_refused_and_changes_nothing(lemon, subscription):
    with pytest.raises(NotSupported, match="end of the billing period"):
        subscription.cancel_now()

    subscription.refresh_from_db()
    assert not subscription.cancelled()
    assert lemon.subscriptions[subscription.processor_id]["status"] == "active"


def test_resume_undoes_a_cancellation(lemon, subscription):
    subscription.cancel()

    subscription.resume()

    assert not subscription.cancelled()
    assert lemon.subscriptions[subscription.processor_id]["status"] == "active"
    assert lemon.events_of("subscription_resumed")


def test_an_expired_subscription_cannot_be_resumed(lemon, subscription):
    subscription.cancel()

    with (
        time_machine.travel(subscription.ends_at + timedelta(days=1)),
        pytest.raises(InvalidAction, match="already ended"),
    ):
        subscription.resume()


def test_swap_moves_to_another_variant_and_bills_at_renewal_by_default(lemon, subscription):
    subscription.swap(PRO)

    assert subscription.processor_plan == PRO
    assert lemon.subscriptions[subscription.processor_id]["variant_id"] == int(PRO)
    assert [invoice["billing_reason"] for invoice in lemon.invoices.values()] == ["initial"]


def test_swap_can_invoice_the_difference_now(lemon, subscription):
    subscription.swap(PRO, invoice_immediately=True)

    [_, upgrade] = lemon.invoices.values()
    assert (upgrade["billing_reason"], upgrade["total"]) == ("updated", 1500)


@pytest.mark.parametrize(
    ("plan", "options", "error"),
    [
        (PRO, {"proration_behavior": "none"}, "does not take proration_behavior"),
        (PRO, {"invoice_immediately": "yes"}, "must be True or False"),
        ("price_pro", {}, "variant id"),
    ],
)
def test_bad_swaps_are_refused_before_anything_is_sent(lemon, subscription, plan, options, error):
    sent = len(lemon.requests)

    with pytest.raises(InvalidAction, match=error):
        subscription.swap(plan, **options)

    assert len(lemon.requests) == sent
    assert subscription.processor_plan == BASIC


def test_change_quantity_patches_the_subscription_item(lemon, subscription):
    subscription.change_quantity(5, disable_prorations=True)

    assert subscription.quantity == 5
    [item] = lemon.items.values()
    assert item["quantity"] == 5
    method, path, body = lemon.requests[-2]
    assert (method, path) == ("PATCH", f"subscription-items/{item['id']}")
    assert body["data"]["attributes"] == {"quantity": 5, "disable_prorations": True}


def test_pause_stops_billing_until_resumed(lemon, subscription):
    subscription.pause()

    assert subscription.paused()
    assert subscription.pause_behavior == "void"
    assert not subscription.active()

    subscription.resume()

    assert not subscription.paused()
    assert subscription.active()
    assert lemon.subscriptions[subscription.processor_id]["pause"] is None


def test_a_free_pause_with_an_end_resumes_by_itself(lemon, subscription):
    resumes_at = timezone.now() + timedelta(days=10)

    subscription.pause(behavior="free", resumes_at=resumes_at)

    assert (subscription.pause_behavior, subscription.pause_resumes_at) == ("free", resumes_at)
    with time_machine.travel(resumes_at + timedelta(seconds=1)):
        subscription.sync()
        assert subscription.status == "active"
        assert not subscription.paused()
    assert lemon.events_of("subscription_unpaused")


def test_an_unknown_pause_mode_is_refused(lemon, subscription):
    with pytest.raises(InvalidAction, match="'void' or 'free'"):
        subscription.pause(behavior="mark_uncollectible")

    assert not subscription.paused()


def test_renewals_roll_the_period_forward_and_bill(lemon, lemon_customer):
    subscription = subscribe_through_checkout(lemon_customer, lemon, ANNUAL)
    first_end = subscription.current_period_end
    assert first_end is not None

    with time_machine.travel(first_end + timedelta(hours=1)):
        subscription.sync()

    assert subscription.current_period_end == first_end.replace(year=first_end.year + 1)
    assert [invoice["billing_reason"] for invoice in lemon.invoices.values()] == [
        "initial",
        "renewal",
    ]


def test_sync_subscriptions_finds_the_customers_subscriptions_and_filters_by_status(
    lemon, lemon_customer, team
):
    subscribe_through_checkout(lemon_customer, lemon, BASIC)
    trial = subscribe_through_checkout(lemon_customer, lemon, TRIAL, name="trial")
    other = team.set_payment_processor("lemon_squeezy")
    subscribe_through_checkout(other, lemon, PRO)

    assert {s.processor_plan for s in lemon_customer.sync_subscriptions()} == {BASIC, TRIAL}
    [trialing] = lemon_customer.sync_subscriptions(status="trialing")
    assert trialing == trial
    assert trialing.name == "trial"


def test_management_urls_and_the_raw_subscription(lemon, subscription):
    urls = subscription.backend.management_urls(subscription.details())
    raw = subscription.processor_subscription()

    assert urls == lemon.subscriptions[subscription.processor_id]["urls"]
    assert raw["type"] == "subscriptions"
    assert raw["id"] == subscription.processor_id


def test_subscribe_through_the_api_is_refused(lemon, lemon_customer):
    with pytest.raises(NotSupported, match="only in its checkout"):
        lemon_customer.subscribe(plan=BASIC)

    assert not lemon.subscriptions
