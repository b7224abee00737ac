"""Paddle subscriptions through the real SDK: everything after the checkout that made them."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from pay.errors import InvalidAction, NotSupported
from pay.models import Subscription
from pay.owners import sign_reference

from .conftest import ANNUAL, BASIC, PRO, TRIAL, checkout

pytestmark = pytest.mark.django_db


def paddle_state(paddle, subscription):
    return paddle.subscriptions[subscription.processor_id]


def requests_to(paddle, method, path_end):
    return [body for m, path, body in paddle.requests if m == method and path.endswith(path_end)]


def test_subscribing_through_the_api_points_to_checkout(paddle_customer):
    with pytest.raises(NotSupported, match=r"paddle_billing .* subscribe.*Paddle Checkout"):
        paddle_customer.subscribe(plan=BASIC)
    assert not Subscription.objects.exists()


def test_a_checkout_subscription_is_recorded_as_paddle_reports_it(paddle, paddle_customer):
    subscription = checkout(paddle_customer, paddle, BASIC, quantity=3)

    state = paddle_state(paddle, subscription)
    assert subscription.status == "active"
    assert subscription.processor_plan == BASIC
    assert subscription.quantity == 3
    assert subscription.current_period_start == state["current_billing_period"]["starts_at"]
    assert subscription.current_period_end == state["current_billing_period"]["ends_at"]
    assert subscription.data["customer_id"] == paddle_customer.processor_id
    assert subscription.data["currency"] == "usd"


def test_a_trial_price_starts_a_trial(paddle, paddle_customer):
    subscription = checkout(paddle_customer, paddle, TRIAL)

    assert subscription.status == "trialing"
    assert subscription.on_trial()
    assert subscription.trial_ends_at == subscription.current_period_end
    assert subscription.trial_ends_at - timezone.now() > timedelta(days=13)


def test_cancel_keeps_access_until_the_period_ends(paddle, paddle_customer, time_machine):
    subscription = checkout(paddle_customer, paddle)

    subscription.cancel()

    assert requests_to(paddle, "POST", "/cancel")[-1] == {"effective_from": "next_billing_period"}
    assert subscription.ends_at == subscription.current_period_end
    assert subscription.on_grace_period()
    assert subscription.active()
    assert paddle_state(paddle, subscription)["scheduled_change"]["action"] == "cancel"

    time_machine.move_to(subscription.ends_at + timedelta(minutes=1))
    subscription.sync()

    assert subscription.status == "canceled"
    assert subscription.ended()
    assert not subscription.active()
    assert paddle.events_of("subscription.canceled")


def test_cancel_during_a_trial_ends_with_the_trial(paddle, paddle_customer):
    subscription = checkout(paddle_customer, paddle, TRIAL)

    subscription.cancel()

    assert subscription.ends_at == subscription.trial_ends_at
    assert subscription.on_trial()
    assert subscription.on_grace_period()


def test_cancel_now_ends_at_once(paddle, paddle_customer):
    subscription = checkout(paddle_customer, paddle)

    subscription.cancel_now()

    assert requests_to(paddle, "POST", "/cancel")[-1] == {"effective_from": "immediately"}
    assert subscription.status == "canceled"
    assert subscription.ended()
    assert not paddle_customer.subscribed()


def test_resume_drops_a_scheduled_cancellation(paddle, paddle_customer):
    subscription = checkout(paddle_customer, paddle)
    subscription.cancel()

    subscription.resume()

    assert requests_to(paddle, "PATCH", subscription.processor_id)[-1] == {"scheduled_change": None}
    assert paddle_state(paddle, subscription)["scheduled_change"] is None
    assert not subscription.cancelled()
    assert subscription.active()


def test_a_canceled_subscription_cannot_resume(paddle, paddle_customer):
    subscription = checkout(paddle_customer, paddle)
    subscription.cancel_now()

    with pytest.raises(InvalidAction, match="already ended"):
        subscription.resume()


def test_swap_prorates_immediately_by_default(paddle, paddle_customer, time_machine):
    subscription = checkout(paddle_customer, paddle, BASIC, quantity=2)
    halfway = (
        subscription.current_period_start
        + (subscription.current_period_end - subscription.current_period_start) / 2
    )
    time_machine.move_to(halfway)

    subscription.swap(PRO)

    assert requests_to(paddle, "PATCH", subscription.processor_id)[-1] == {
        "items": [{"price_id": PRO, "quantity": 2}],
        "proration_billing_mode": "prorated_immediately",
    }
    assert subscription.processor_plan == PRO
    assert subscription.quantity == 2
    proration = paddle.transactions[paddle.events_of("transaction.completed")[-1]["data"]["id"]]
    assert proration["origin"] == "subscription_update"
    # Half a period of (2 x 2500) - (2 x 1000).
    assert proration["details"]["totals"]["grand_total"] == "1500"


def test_swap_bills_as_the_proration_mode_says(paddle, paddle_customer):
    subscription = checkout(paddle_customer, paddle)
    transactions = len(paddle.transactions)

    subscription.swap(PRO, proration_billing_mode="do_not_bill")

    assert requests_to(paddle, "PATCH", subscription.processor_id)[-1][
        "proration_billing_mode"
    ] == ("do_not_bill")
    assert len(paddle.transactions) == transactions
    assert subscription.processor_plan == PRO


def test_swap_to_another_interval_starts_a_new_period(paddle, paddle_customer, time_machine):
    subscription = checkout(paddle_customer, paddle)
    time_machine.move_to(timezone.now() + timedelta(days=10))

    subscription.swap(ANNUAL)

    assert subscription.current_period_start.date() == timezone.now().date()
    assert (subscription.current_period_end - subscription.current_period_start).days >= 365


@pytest.mark.parametrize(
    ("options", "reason"),
    [
        ({"proration_billing_mode": "sometimes"}, "proration_billing_mode must be one of"),
        ({"proration_behavior": "none"}, "does not take proration_behavior"),
        ({"on_payment_failure": "shrug"}, "on_payment_failure must be"),
    ],
)
def test_bad_swap_options_are_refused_before_calling_paddle(
    paddle, paddle_customer, options, reason
):
    subscription = checkout(paddle_customer, paddle)
    calls = len(paddle.requests)

    with pytest.raises(InvalidAction, match=reason):
        subscription.swap(PRO, **options)

    assert len(paddle.requests) == calls
    assert Subscription.objects.get().processor_plan == BASIC


def test_swap_keeps_the_other_items(paddle, paddle_customer):
    paddle.add_price("pri_addon", 500, product_name="Add-on")
    session = paddle_customer.checkout(
        line_items=[{"price": BASIC}, {"price": "pri_addon", "quantity": 4}],
        success_url="https://app.example.test/done",
        cancel_url="https://app.example.test/pricing",
    )
    paddle.complete_checkout(session.processor_id)
    subscription = paddle_customer.sync_checkout_session(session.processor_id)

    subscription.swap(PRO, proration_billing_mode="prorated_next_billing_period")

    assert subscription.data["items"] == [
        {"price_id": PRO, "quantity": 1},
        {"price_id": "pri_addon", "quantity": 4},
    ]


def test_change_quantity(paddle, paddle_customer):
    subscription = checkout(paddle_customer, paddle)

    subscription.change_quantity(5, on_payment_failure="apply_change")

    assert requests_to(paddle, "PATCH", subscription.processor_id)[-1] == {
        "items": [{"price_id": BASIC, "quantity": 5}],
        "proration_billing_mode": "prorated_immediately",
        "on_payment_failure": "apply_change",
    }
    subscription.sync()
    assert subscription.quantity == 5


def test_a_quantity_of_zero_is_refused(paddle, paddle_customer):
    subscription = checkout(paddle_customer, paddle)

    with pytest.raises(InvalidAction, match="at least one unit"):
        subscription.change_quantity(0)

    assert paddle_state(paddle, subscription)["items"][0]["quantity"] == 1


def test_pause_keeps_the_subscription_active_until_the_period_ends(
    paddle, paddle_customer, time_machine
):
    subscription = checkout(paddle_customer, paddle)

    subscription.pause()

    assert requests_to(paddle, "POST", "/pause")[-1] == {
        "effective_from": "next_billing_period",
        "resume_at": None,
    }
    assert subscription.pause_starts_at == subscription.current_period_end
    assert subscription.pause_resumes_at is None
    assert not subscription.paused()
    assert subscription.active()

    time_machine.move_to(subscription.pause_starts_at + timedelta(minutes=1))
    subscription.sync()

    assert subscription.status == "paused"
    assert subscription.paused()
    assert not subscription.active()
    assert paddle.events_of("subscription.paused")


def test_resume_ends_a_pause_and_bills_a_new_period(paddle, paddle_customer, time_machine):
    subscription = checkout(paddle_customer, paddle)
    subscription.pause(behavior="immediately")
    assert subscription.paused()
    time_machine.move_to(timezone.now() + timedelta(days=40))
    charges = len(paddle.events_of("transaction.completed"))

    subscription.resume()

    assert requests_to(paddle, "POST", "/resume")[-1] == {"effective_from": "immediately"}
    assert subscription.status == "active"
    assert not subscription.paused()
    assert subscription.current_period_start.date() == timezone.now().date()
    assert len(paddle.events_of("transaction.completed")) == charges + 1


def test_resume_before_a_scheduled_pause_drops_it(paddle, paddle_customer):
    subscription = checkout(paddle_customer, paddle)
    subscription.pause()

    subscription.resume()

    assert paddle_state(paddle, subscription)["scheduled_change"] is None
    assert subscription.pause_starts_at is None
    assert subscription.active()


def test_a_pause_with_a_resume_date_ends_by_itself(paddle, paddle_customer, time_machine):
    subscription = checkout(paddle_customer, paddle)
    resumes_at = timezone.now() + timedelta(days=7)

    subscription.pause(behavior="immediately", resumes_at=resumes_at)

    assert subscription.paused()
    assert subscription.pause_resumes_at == resumes_at
    time_machine.move_to(resumes_at + timedelta(minutes=1))
    subscription.sync()
    assert subscription.status == "active"
    assert not subscription.paused()
    assert paddle.events_of("subscription.resumed")


def test_pause_behaviors_are_paddles(paddle, paddle_customer):
    subscription = checkout(paddle_customer, paddle)

    with pytest.raises(InvalidAction, match="next_billing_period' or 'immediately'"):
        subscription.pause(behavior="void")


def test_cancelling_a_paused_subscription_ends_it_now(paddle, paddle_customer):
    subscription = checkout(paddle_customer, paddle)
    subscription.pause(behavior="immediately")

    subscription.cancel()

    assert requests_to(paddle, "POST", "/cancel")[-1] == {"effective_from": "immediately"}
    assert subscription.status == "canceled"
    assert subscription.ended()


def test_sync_follows_renewals(paddle, paddle_customer, time_machine):
    subscription = checkout(paddle_customer, paddle)
    first_period_end = subscription.current_period_end

    time_machine.move_to(first_period_end + timedelta(days=1))
    subscription.sync()

    assert subscription.current_period_start == first_period_end
    assert subscription.current_period_end > timezone.now()
    assert subscription.active()


def test_a_failed_renewal_makes_the_subscription_past_due(paddle, paddle_customer, time_machine):
    subscription = checkout(paddle_customer, paddle)
    paddle.declining = True

    time_machine.move_to(subscription.current_period_end + timedelta(hours=1))
    subscription.sync()

    assert subscription.status == "past_due"
    assert paddle_customer.has_incomplete_payment()
    assert paddle.events_of("transaction.payment_failed")


def test_sync_subscriptions_finds_every_subscription_of_the_customer(paddle, paddle_customer):
    paddle.per_page = 1  # the SDK follows Paddle's cursor pagination
    checkout(paddle_customer, paddle, BASIC)
    checkout(paddle_customer, paddle, PRO, name="addon")
    Subscription.objects.all().delete()

    synced = paddle_customer.sync_subscriptions()

    assert sorted((s.name, s.processor_plan) for s in synced) == [
        ("addon", PRO),
        ("default", BASIC),
    ]


def test_sync_subscriptions_leaves_out_those_signed_for_another_owner(
    paddle, paddle_customer, team
):
    """Paddle has one customer per email; a team billed to the same email keeps its own."""
    mine = checkout(paddle_customer, paddle, BASIC)
    theirs = checkout(paddle_customer, paddle, PRO)
    paddle.subscriptions[theirs.processor_id]["custom_data"]["pay_owner"] = sign_reference(
        f"testapp.team:{team.pk}"
    )
    made_in_dashboard = checkout(paddle_customer, paddle, ANNUAL)
    paddle.subscriptions[made_in_dashboard.processor_id]["custom_data"] = None

    synced = paddle_customer.sync_subscriptions()

    assert {s.processor_id for s in synced} == {mine.processor_id, made_in_dashboard.processor_id}


def test_sync_subscriptions_by_status(paddle, paddle_customer):
    active = checkout(paddle_customer, paddle, BASIC)
    checkout(paddle_customer, paddle, PRO).cancel_now()

    assert [s.processor_id for s in paddle_customer.sync_subscriptions("active")] == [
        active.processor_id
    ]
    assert paddle_customer.sync_subscriptions("incomplete") == []


def test_management_urls_come_fresh_from_paddle(paddle, paddle_customer, processor):
    subscription = checkout(paddle_customer, paddle)

    urls = processor.management_urls(subscription.details())

    assert urls["cancel"].endswith(f"{subscription.processor_id}/cancel")
    assert urls["update_payment_method"].endswith(
        f"{subscription.processor_id}/update-payment-method"
    )


def test_processor_subscription_is_the_sdks_entity(paddle, paddle_customer):
    subscription = checkout(paddle_customer, paddle)

    entity = subscription.processor_subscription()

    assert entity.id == subscription.processor_id
    assert entity.items[0].price.id == BASIC
    assert entity.management_urls.cancel
