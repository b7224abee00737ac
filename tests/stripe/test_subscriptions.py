"""Subscriptions on Stripe, through the real SDK against the Stripe double."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import stripe
from django.utils import timezone

from pay.errors import ActionRequired, InvalidAction, PaymentDeclined
from pay.models import Subscription

pytestmark = pytest.mark.django_db


def test_subscribe_charges_the_default_card_and_links_back_to_the_owner(
    stripe_double, stripe_customer, user
):
    subscription = stripe_customer.subscribe(
        name="team", plan="price_seat_monthly", quantity=3, description="Seats for the team"
    )

    assert subscription.status == "active"
    assert subscription.quantity == 3
    assert subscription.processor_plan == "price_seat_monthly"
    remote = stripe_double.object(subscription.processor_id)
    assert remote["metadata"] == {"pay_owner": f"testapp.user:{user.pk}", "pay_name": "team"}
    assert remote["description"] == "Seats for the team"
    item = remote["items"]["data"][0]
    assert subscription.current_period_start == datetime.fromtimestamp(
        item["current_period_start"], tz=UTC
    )
    assert subscription.current_period_end == datetime.fromtimestamp(
        item["current_period_end"], tz=UTC
    )
    invoice = stripe_double.object(remote["latest_invoice"])
    assert (invoice["status"], invoice["amount_paid"]) == ("paid", 1500)


def test_subscribe_with_a_trial_charges_nothing_until_it_ends(stripe_double, stripe_customer):
    subscription = stripe_customer.subscribe(plan="price_pro_monthly", trial_period_days=14)

    assert subscription.status == "trialing"
    assert subscription.on_trial()
    assert subscription.trial_ends_at == subscription.current_period_end
    assert not stripe_double.events_of("charge.succeeded")


def test_a_declined_first_payment_leaves_nothing_behind(stripe_double, stripe_customer):
    stripe_customer.add_payment_method("pm_card_chargeCustomerFail")

    with pytest.raises(PaymentDeclined, match="declined"):
        stripe_customer.subscribe(plan="price_basic_monthly")

    assert not Subscription.objects.exists()
    (remote,) = stripe_double.store.all("subscription")
    assert remote["status"] == "canceled"


def test_a_card_needing_authentication_leaves_the_subscription_incomplete(
    stripe_double, stripe_customer
):
    stripe_customer.add_payment_method("pm_card_authenticationRequired")

    with pytest.raises(ActionRequired) as raised:
        stripe_customer.subscribe(plan="price_basic_monthly")

    error = raised.value
    subscription = error.subscription
    assert isinstance(subscription, Subscription)
    assert subscription.status == "incomplete"
    assert subscription.has_incomplete_payment()
    assert not subscription.active()
    intent = stripe_double.object(error.payment_intent_id)
    assert intent["status"] == "requires_action"
    assert error.client_secret == intent["client_secret"]
    assert subscription.data["payment_intent"] == error.payment_intent_id

    stripe_double.authenticate(error.payment_intent_id)
    subscription.sync()

    assert subscription.status == "active"
    assert subscription.active()


def test_a_network_error_then_retry_creates_one_subscription(stripe_double, stripe_customer):
    stripe_double.fail_next("connection", "/v1/subscriptions")
    stripe_double.fail_next("lost_response", "/v1/subscriptions")

    subscription = stripe_customer.subscribe(plan="price_basic_monthly")

    assert subscription.status == "active"
    assert len(stripe_double.store.all("subscription")) == 1
    assert len(stripe_double.events_of("charge.succeeded")) == 1
    attempts = [r for r in stripe_double.requests if r.path == "/v1/subscriptions"]
    assert len({r.idempotency_key for r in attempts}) == 1
    assert attempts[-1].replayed


def test_a_server_error_is_retried(stripe_double, stripe_customer):
    stripe_double.fail_next("server_error", "/v1/subscriptions", times=2)

    stripe_customer.subscribe(plan="price_basic_monthly")

    assert len(stripe_double.store.all("subscription")) == 1


def test_the_caller_can_make_a_repeated_operation_idempotent(stripe_double, stripe_customer):
    first = stripe_customer.subscribe(plan="price_basic_monthly", idempotency_key="signup-42")
    second = stripe_customer.subscribe(plan="price_basic_monthly", idempotency_key="signup-42")

    assert first.pk == second.pk
    assert len(stripe_double.store.all("subscription")) == 1


def test_cancel_keeps_access_until_the_period_ends_and_resume_undoes_it(
    stripe_double, stripe_customer, time_machine
):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")

    subscription.cancel()

    assert subscription.on_grace_period()
    assert subscription.ends_at == subscription.current_period_end
    assert stripe_double.object(subscription.processor_id)["cancel_at_period_end"] is True

    subscription.resume()

    assert not subscription.cancelled()
    assert stripe_double.object(subscription.processor_id)["cancel_at_period_end"] is False


def test_a_cancelled_subscription_ends_with_its_period(
    stripe_double, stripe_customer, time_machine
):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")
    subscription.cancel()

    time_machine.move_to(subscription.current_period_end + timedelta(minutes=1))
    subscription.sync()

    assert subscription.status == "canceled"
    assert subscription.ended()
    assert stripe_double.events_of("customer.subscription.deleted")


def test_cancel_now_ends_it_at_once(stripe_double, stripe_customer):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")

    subscription.cancel_now()

    assert subscription.status == "canceled"
    assert subscription.ended()


def test_swap_prorates_by_default_without_charging(stripe_double, stripe_customer):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")

    subscription.swap("price_pro_monthly")

    assert subscription.processor_plan == "price_pro_monthly"
    assert len(stripe_double.events_of("charge.succeeded")) == 1
    remote = stripe_double.store.objects[subscription.processor_id]
    assert remote["_pending_prorations"][0]["amount"] > 0


def test_swap_can_invoice_the_proration_at_once(stripe_double, stripe_customer):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")

    subscription.swap("price_pro_monthly", proration_behavior="always_invoice")

    charges = stripe_double.events_of("charge.succeeded")
    assert len(charges) == 2
    assert 0 < charges[-1]["data"]["object"]["amount"] <= 2000


def test_swap_without_proration(stripe_double, stripe_customer):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")

    subscription.swap("price_pro_monthly", proration_behavior="none")

    assert stripe_double.store.objects[subscription.processor_id]["_pending_prorations"] == []


def test_swap_to_another_interval_starts_a_new_period_and_bills_it(stripe_double, stripe_customer):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")

    subscription.swap("price_pro_annual")

    assert subscription.current_period_end - subscription.current_period_start > timedelta(days=360)
    assert len(stripe_double.events_of("charge.succeeded")) == 2


def test_swap_with_a_card_needing_authentication(stripe_double, stripe_customer):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")
    stripe_customer.add_payment_method("pm_card_authenticationRequired")

    with pytest.raises(ActionRequired) as raised:
        subscription.swap("price_pro_monthly", proration_behavior="always_invoice")

    subscription.refresh_from_db()
    assert raised.value.subscription == subscription
    assert subscription.status == "past_due"
    assert subscription.has_incomplete_payment()

    stripe_double.authenticate(raised.value.payment_intent_id)
    subscription.sync()

    assert subscription.status == "active"
    assert subscription.processor_plan == "price_pro_monthly"


def test_swap_with_a_declined_card_leaves_it_past_due(stripe_double, stripe_customer):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")
    stripe_customer.add_payment_method("pm_card_chargeCustomerFail")

    subscription.swap("price_pro_monthly", proration_behavior="always_invoice")

    assert subscription.status == "past_due"
    assert stripe_double.events_of("invoice.payment_failed")


def test_change_quantity(stripe_double, stripe_customer):
    subscription = stripe_customer.subscribe(plan="price_seat_monthly", quantity=2)

    subscription.change_quantity(5, proration_behavior="none")

    assert subscription.quantity == 5
    assert stripe_double.object(subscription.processor_id)["items"]["data"][0]["quantity"] == 5


@pytest.mark.parametrize("behavior", ["mark_uncollectible", "keep_as_draft", "void"])
def test_pause_collection_from_the_end_of_the_paid_period(
    stripe_double, stripe_customer, time_machine, behavior
):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")
    paid_until = subscription.current_period_end

    subscription.pause(behavior=behavior)

    assert subscription.pause_behavior == behavior
    assert subscription.pause_starts_at == paid_until
    assert not subscription.paused()
    assert subscription.active()

    time_machine.move_to(paid_until + timedelta(hours=1))
    subscription.sync()

    assert subscription.paused()
    assert not subscription.active()
    renewal = stripe_double.object(
        stripe_double.object(subscription.processor_id)["latest_invoice"]
    )
    expected = {"mark_uncollectible": "uncollectible", "keep_as_draft": "draft", "void": "void"}
    assert renewal["status"] == expected[behavior]
    assert len(stripe_double.events_of("charge.succeeded")) == 1

    subscription.resume()

    assert not subscription.paused()
    assert subscription.pause_starts_at is None
    assert stripe_double.object(subscription.processor_id)["pause_collection"] is None


def test_a_pause_can_end_by_itself(stripe_double, stripe_customer, time_machine):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")
    resumes_at = timezone.now() + timedelta(days=45)

    subscription.pause(resumes_at=resumes_at)

    assert subscription.pause_resumes_at == resumes_at.replace(microsecond=0)
    time_machine.move_to(resumes_at + timedelta(minutes=1))
    subscription.sync()
    assert subscription.pause_behavior == ""
    assert not subscription.paused()


def test_pause_refuses_a_behaviour_stripe_does_not_have(stripe_customer):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")

    with pytest.raises(InvalidAction, match="mark_uncollectible"):
        subscription.pause(behavior="forever")


def test_renewal_charges_the_card_and_moves_the_period(
    stripe_double, stripe_customer, time_machine
):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")
    first_end = subscription.current_period_end

    time_machine.move_to(first_end + timedelta(hours=1))
    subscription.sync()

    assert subscription.current_period_start == first_end
    assert subscription.current_period_end > first_end + timedelta(days=27)
    assert subscription.status == "active"
    assert len(stripe_double.events_of("invoice.payment_succeeded")) == 2
    assert stripe_double.events_of("invoice.upcoming")


def test_a_failed_renewal_makes_it_past_due(stripe_double, stripe_customer, time_machine):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")
    stripe_customer.add_payment_method("pm_card_chargeCustomerFail")

    time_machine.move_to(subscription.current_period_end + timedelta(hours=1))
    subscription.sync()

    assert subscription.status == "past_due"
    assert not subscription.active()
    assert stripe_double.events_of("invoice.payment_failed")


def test_a_renewal_needing_authentication_asks_for_action(
    stripe_double, stripe_customer, time_machine
):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")
    stripe_customer.add_payment_method("pm_card_authenticationRequired")

    time_machine.move_to(subscription.current_period_end + timedelta(hours=1))
    subscription.sync()

    assert subscription.status == "past_due"
    assert stripe_double.events_of("invoice.payment_action_required")


def test_the_trial_ends_into_a_paid_period(stripe_double, stripe_customer, time_machine):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly", trial_period_days=7)

    time_machine.move_to(subscription.trial_ends_at + timedelta(hours=1))
    subscription.sync()

    assert subscription.status == "active"
    assert not subscription.on_trial()
    assert stripe_double.events_of("customer.subscription.trial_will_end")
    assert len(stripe_double.events_of("charge.succeeded")) == 1


def test_a_trial_without_a_card_can_pause_when_it_ends(stripe_double, user, time_machine):
    customer = user.set_payment_processor("stripe")
    subscription = customer.subscribe(
        plan="price_basic_monthly",
        trial_period_days=7,
        trial_settings={"end_behavior": {"missing_payment_method": "pause"}},
    )

    time_machine.move_to(subscription.trial_ends_at + timedelta(hours=1))
    subscription.sync()

    assert subscription.status == "paused"
    assert subscription.paused()

    customer.add_payment_method("pm_card_visa")
    subscription.resume()

    assert subscription.status == "active"


def test_sync_subscriptions_finds_ones_made_in_the_dashboard(stripe_double, stripe_customer):
    stripe_customer.subscribe(plan="price_basic_monthly")
    client = stripe.StripeClient(
        "sk_test_dashboard",
        stripe_version=stripe_double.expected_version,
        http_client=stripe_double.http_client,
    )
    client.v1.subscriptions.create(
        {"customer": stripe_customer.processor_id, "items": [{"price": "price_pro_annual"}]}
    )

    synced = stripe_customer.sync_subscriptions()

    assert {s.processor_plan for s in synced} == {"price_basic_monthly", "price_pro_annual"}
    dashboard_made = stripe_customer.subscriptions.get(processor_plan="price_pro_annual")
    assert dashboard_made.name == "default"
    assert dashboard_made.active()


def test_sync_subscriptions_by_status(stripe_double, stripe_customer):
    kept = stripe_customer.subscribe(plan="price_basic_monthly")
    stripe_customer.subscribe(name="addon", plan="price_pro_monthly").cancel_now()

    synced = stripe_customer.sync_subscriptions(status="active")

    assert [s.pk for s in synced] == [kept.pk]


def test_processor_subscription_is_stripes_own_object(stripe_customer):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")

    remote = subscription.processor_subscription()

    assert isinstance(remote, stripe.Subscription)
    assert remote.id == subscription.processor_id
