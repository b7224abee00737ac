from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from pay.errors import InvalidAction, NotSupported, PaymentDeclined, ProcessorError
from pay.models import Subscription

pytestmark = pytest.mark.django_db

START = datetime(2026, 3, 10, 9, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _start(time_machine):
    time_machine.move_to(START, tick=False)


def braintree_subscription(double, subscription):
    return double.subscriptions[subscription.processor_id]


def test_subscribing_needs_a_payment_method_first(braintree_double, user):
    customer = user.set_payment_processor("braintree")

    with pytest.raises(InvalidAction, match=r"add_payment_method\(nonce\)"):
        customer.subscribe(plan="basic-monthly")

    assert not Subscription.objects.exists()
    assert not braintree_double.subscriptions


def test_subscribe_bills_the_first_cycle_and_records_the_paid_period(
    braintree_double, braintree_customer
):
    subscription = braintree_customer.subscribe(plan="basic-monthly")

    assert subscription.status == "active"
    assert subscription.current_period_start == datetime(2026, 3, 10, tzinfo=UTC)
    assert subscription.current_period_end == datetime(2026, 4, 10, tzinfo=UTC)
    sales = braintree_subscription(braintree_double, subscription)["transactions"]
    assert [sale["amount"] for sale in sales] == [Decimal("10.00")]


def test_quantity_is_the_seat_add_on_beyond_the_first_seat(braintree_double, braintree_customer):
    subscription = braintree_customer.subscribe(plan="pro-monthly", quantity=3)

    remote = braintree_subscription(braintree_double, subscription)
    assert [(a["id"], a["amount"], a["quantity"]) for a in remote["add_ons"]] == [
        ("seat", Decimal("25.00"), 2)
    ]
    assert remote["transactions"][0]["amount"] == Decimal("75.00")
    assert subscription.quantity == 3


def test_change_quantity_adds_updates_and_removes_the_seat_add_on(
    braintree_double, braintree_customer
):
    subscription = braintree_customer.subscribe(plan="basic-monthly")

    subscription.change_quantity(4, prorate_charges=False)
    assert subscription.quantity == 4
    subscription.change_quantity(2, prorate_charges=False)
    assert subscription.quantity == 2
    subscription.change_quantity(1)

    assert subscription.quantity == 1
    assert braintree_subscription(braintree_double, subscription)["add_ons"] == []


def test_zero_seats_is_refused(braintree_double, braintree_customer):
    subscription = braintree_customer.subscribe(plan="basic-monthly")

    with pytest.raises(InvalidAction, match="at least one seat"):
        subscription.change_quantity(0)

    subscription.refresh_from_db()
    assert subscription.quantity == 1


def test_a_trial_bills_nothing_until_it_ends(braintree_double, braintree_customer, time_machine):
    subscription = braintree_customer.subscribe(plan="basic-monthly", trial_period_days=14)

    assert subscription.status == "trialing"
    assert subscription.trial_ends_at == START + timedelta(days=14)
    assert braintree_subscription(braintree_double, subscription)["transactions"] == []

    time_machine.move_to(START + timedelta(days=15))
    subscription.sync()

    assert subscription.status == "active"
    assert subscription.current_period_start == datetime(2026, 3, 24, tzinfo=UTC)
    assert len(braintree_subscription(braintree_double, subscription)["transactions"]) == 1


def test_a_declined_first_charge_creates_nothing(braintree_double, braintree_customer):
    braintree_double.add_plan("enterprise", "2000.00")

    with pytest.raises(PaymentDeclined, match="Do Not Honor"):
        braintree_customer.subscribe(plan="enterprise")

    assert not Subscription.objects.exists()
    assert not braintree_double.subscriptions


def test_an_unknown_plan_or_option_is_refused(braintree_double, braintree_customer):
    with pytest.raises(InvalidAction, match=r"no plan 'gold'.*basic-monthly"):
        braintree_customer.subscribe(plan="gold", quantity=2)
    with pytest.raises(InvalidAction, match="do not take colour"):
        braintree_customer.subscribe(plan="basic-monthly", colour="blue")

    assert not braintree_double.subscriptions


def test_subscribe_passes_braintree_options_through(braintree_double, braintree_customer):
    subscription = braintree_customer.subscribe(plan="basic-monthly", price=Decimal("8.00"))

    assert braintree_subscription(braintree_double, subscription)["price"] == Decimal("8.00")


# Cancel: Braintree only cancels at once, so the end of the period is emulated.


def test_cancel_keeps_access_until_the_paid_through_date_then_braintree_expires_it(
    braintree_double, braintree_customer, time_machine
):
    subscription = braintree_customer.subscribe(plan="basic-monthly")
    paid_until = datetime(2026, 4, 10, tzinfo=UTC)  # paid through 9 April

    subscription.cancel()

    remote = braintree_subscription(braintree_double, subscription)
    assert remote["status"] == "Active"
    assert remote["number_of_billing_cycles"] == remote["current_billing_cycle"] == 1
    assert subscription.ends_at == paid_until
    assert subscription.on_grace_period()
    assert subscription.active()

    time_machine.move_to(paid_until - timedelta(seconds=1))
    subscription.sync()
    assert subscription.active()

    time_machine.move_to(paid_until + timedelta(hours=1))
    subscription.sync()

    assert remote["status"] == "Expired"
    assert len(remote["transactions"]) == 1  # nothing billed after the cancellation
    assert subscription.ends_at == paid_until
    assert subscription.ended()
    assert not subscription.active()


def test_resume_during_the_grace_period_lifts_the_limit(
    braintree_double, braintree_customer, time_machine
):
    subscription = braintree_customer.subscribe(plan="basic-monthly")
    subscription.cancel()

    subscription.resume()

    remote = braintree_subscription(braintree_double, subscription)
    assert remote["never_expires"] is True
    assert remote["number_of_billing_cycles"] is None
    assert subscription.ends_at is None

    time_machine.move_to(datetime(2026, 4, 10, 12, tzinfo=UTC))
    subscription.sync()
    assert subscription.active()
    assert len(remote["transactions"]) == 2


def test_cancel_during_a_trial_cancels_at_braintree_and_keeps_the_trial(
    braintree_double, braintree_customer
):
    subscription = braintree_customer.subscribe(plan="basic-monthly", trial_period_days=14)

    subscription.cancel()

    remote = braintree_subscription(braintree_double, subscription)
    assert (remote["status"], remote["number_of_billing_cycles"]) == ("Canceled", 1)
    assert remote["transactions"] == []
    assert subscription.ends_at == subscription.trial_ends_at
    assert subscription.status == "trialing"
    assert subscription.on_trial()
    assert subscription.active()

    subscription.sync()  # Braintree's own state says the same
    assert subscription.ends_at == subscription.trial_ends_at
    assert subscription.active()


def test_resume_after_cancelling_a_trial_starts_a_new_one_for_the_days_left(
    braintree_double, braintree_customer, time_machine
):
    subscription = braintree_customer.subscribe(plan="basic-monthly", trial_period_days=14)
    subscription.cancel()
    cancelled_id = subscription.processor_id
    time_machine.move_to(START + timedelta(days=4))

    subscription.resume()

    assert subscription.processor_id != cancelled_id
    assert subscription.status == "trialing"
    assert subscription.ends_at is None
    assert subscription.trial_ends_at == START + timedelta(days=14)
    assert Subscription.objects.count() == 1


def test_cancelling_a_past_due_subscription_ends_it_at_once(
    braintree_double, braintree_customer, time_machine
):
    subscription = braintree_customer.subscribe(plan="basic-monthly")
    braintree_double.subscriptions[subscription.processor_id]["price"] = 2000  # declined
    time_machine.move_to(datetime(2026, 4, 10, 8, tzinfo=UTC))
    subscription.sync()
    assert subscription.past_due()

    with pytest.raises(ProcessorError, match=r"price changing fields on past due.*91920"):
        subscription.change_quantity(2)
    subscription.cancel()

    assert braintree_subscription(braintree_double, subscription)["status"] == "Canceled"
    assert subscription.ended()


def test_cancel_now_ends_it_at_once(braintree_double, braintree_customer):
    subscription = braintree_customer.subscribe(plan="basic-monthly")

    subscription.cancel_now()

    assert braintree_subscription(braintree_double, subscription)["status"] == "Canceled"
    assert subscription.ends_at == START
    assert subscription.ended()


def test_cancel_now_during_a_cancelled_trial_ends_the_grace_period(
    braintree_double, braintree_customer
):
    subscription = braintree_customer.subscribe(plan="basic-monthly", trial_period_days=14)
    subscription.cancel()

    subscription.cancel_now()

    assert subscription.ended()
    subscription.sync()
    assert subscription.ended()


def test_pause_is_not_possible(braintree_double, braintree_customer):
    subscription = braintree_customer.subscribe(plan="basic-monthly")

    with pytest.raises(NotSupported, match="cannot be paused: cancel"):
        subscription.pause()

    subscription.refresh_from_db()
    assert subscription.pause_starts_at is None


# Swaps


def test_swap_within_a_billing_cycle_length_changes_the_plan_in_place_and_prorates(
    braintree_double, braintree_customer, time_machine
):
    subscription = braintree_customer.subscribe(plan="basic-monthly", quantity=2)
    subscription_id = subscription.processor_id
    time_machine.move_to(datetime(2026, 3, 26, tzinfo=UTC))  # 15 of 31 paid days left

    subscription.swap("pro-monthly")

    remote = braintree_subscription(braintree_double, subscription)
    assert subscription.processor_id == subscription_id
    assert subscription.processor_plan == "pro-monthly"
    assert subscription.quantity == 2
    assert remote["price"] == Decimal("25.00")
    assert remote["add_ons"][0]["amount"] == Decimal("25.00")
    proration = [
        sale
        for sale in braintree_double.transactions.values()
        if sale["subscription_id"] == subscription_id
    ][-1]
    assert proration["amount"] == Decimal("14.52")  # (50 - 20) * 15 / 31


def test_swap_across_billing_cycles_replaces_the_subscription_with_a_credit(
    braintree_double, braintree_customer, time_machine
):
    subscription = braintree_customer.subscribe(plan="pro-monthly")
    monthly_id = subscription.processor_id
    time_machine.move_to(datetime(2026, 3, 26, tzinfo=UTC))  # 15 of 31 paid days left

    subscription.swap("pro-yearly")

    assert braintree_double.subscriptions[monthly_id]["status"] == "Canceled"
    yearly = braintree_subscription(braintree_double, subscription)
    assert subscription.processor_id != monthly_id
    assert subscription.processor_plan == "pro-yearly"
    assert subscription.active()
    assert subscription.current_period_end == datetime(2027, 3, 26, tzinfo=UTC)
    credit = Decimal("12.09")  # 25 * 15 / 31, rounded down
    assert yearly["transactions"][0]["amount"] == Decimal("250.00") - credit
    assert Subscription.objects.get() == subscription


def test_swap_from_yearly_to_monthly_spreads_the_credit_over_several_months(
    braintree_double, braintree_customer, time_machine
):
    subscription = braintree_customer.subscribe(plan="pro-yearly")
    time_machine.move_to(datetime(2026, 9, 10, tzinfo=UTC))  # 181 of 365 paid days left

    subscription.swap("basic-monthly")

    monthly = braintree_subscription(braintree_double, subscription)
    credit = monthly["discounts"][0]
    # 250 * 181 / 365 = 123.97: 13 cycles of 9.53, each within the $10 plan
    assert (credit["amount"], credit["number_of_billing_cycles"]) == (Decimal("9.53"), 13)
    assert monthly["transactions"][0]["amount"] == Decimal("0.47")


def test_swap_across_billing_cycles_without_proration_gives_no_credit(
    braintree_double, braintree_customer
):
    subscription = braintree_customer.subscribe(plan="pro-monthly")

    subscription.swap("pro-yearly", prorate_charges=False)

    yearly = braintree_subscription(braintree_double, subscription)
    assert yearly["discounts"] == []
    assert yearly["transactions"][0]["amount"] == Decimal("250.00")


def test_swap_refuses_options_braintree_does_not_take(braintree_double, braintree_customer):
    subscription = braintree_customer.subscribe(plan="basic-monthly")

    with pytest.raises(InvalidAction, match="proration_behavior"):
        subscription.swap("pro-monthly", proration_behavior="none")

    subscription.refresh_from_db()
    assert subscription.processor_plan == "basic-monthly"


# Syncing


def test_renewals_are_picked_up_by_sync(braintree_double, braintree_customer, time_machine):
    subscription = braintree_customer.subscribe(plan="basic-monthly")

    time_machine.move_to(datetime(2026, 5, 11, tzinfo=UTC))
    subscription.sync()

    assert subscription.current_period_start == datetime(2026, 5, 10, tzinfo=UTC)
    assert subscription.current_period_end > timezone.now()


def test_sync_subscriptions_finds_ones_made_in_the_control_panel(
    braintree_double, braintree_customer, processor
):
    ours = braintree_customer.subscribe(name="team", plan="basic-monthly")
    made_elsewhere = processor.gateway.subscription.create(
        {
            "payment_method_token": braintree_customer.default_payment_method.processor_id,
            "plan_id": "pro-monthly",
        }
    ).subscription

    synced = braintree_customer.sync_subscriptions()

    names = {s.processor_id: s.name for s in synced}
    assert names == {ours.processor_id: "team", made_elsewhere.id: "default"}


def test_processor_subscription_is_the_sdk_object(braintree_double, braintree_customer):
    subscription = braintree_customer.subscribe(plan="basic-monthly")

    remote = subscription.processor_subscription()

    assert remote.id == subscription.processor_id
    assert remote.plan_id == "basic-monthly"


def test_swap_across_billing_cycles_on_a_trial_keeps_the_days_left(
    braintree_double, braintree_customer, time_machine
):
    subscription = braintree_customer.subscribe(plan="pro-monthly", trial_period_days=14)
    time_machine.move_to(START + timedelta(days=4))

    subscription.swap("pro-yearly")

    yearly = braintree_subscription(braintree_double, subscription)
    assert subscription.status == "trialing"
    assert subscription.trial_ends_at == START + timedelta(days=14)
    assert (yearly["transactions"], yearly["discounts"]) == ([], [])


def test_sync_subscriptions_filters_by_status(braintree_double, braintree_customer):
    kept = braintree_customer.subscribe(plan="basic-monthly")
    ended = braintree_customer.subscribe(name="extra", plan="pro-monthly")
    ended.cancel_now()

    assert [s.processor_id for s in braintree_customer.sync_subscriptions("canceled")] == [
        ended.processor_id
    ]
    assert [s.processor_id for s in braintree_customer.sync_subscriptions("active")] == [
        kept.processor_id
    ]


def test_a_plans_own_trial_applies_unless_refused(braintree_double, braintree_customer):
    braintree_double.add_plan("trial-monthly", "10.00", trial_days=7)

    on_trial = braintree_customer.subscribe(name="a", plan="trial-monthly")
    without = braintree_customer.subscribe(name="b", plan="trial-monthly", trial_period=False)

    assert on_trial.status == "trialing"
    assert on_trial.trial_ends_at == START + timedelta(days=7)
    assert without.status == "active"
