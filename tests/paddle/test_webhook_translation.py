"""What Paddle's events mean for django-pay: the changes the webhook machinery applies."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from pay.errors import InvalidOwnerReference, ProcessorError, WebhookInvalid
from pay.owners import resolve_owner, signed_owner_reference
from pay.processors.data import (
    ChargeChanged,
    PaymentMethodChanged,
    PaymentMethodRemoved,
    PaymentProblem,
    SubscriptionChanged,
)

from .conftest import BASIC, TRIAL, checkout
from .double import signed_delivery

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures"


def fixture(event_type, owner=None):
    """An event shaped like Paddle's documented example, carrying ``owner``'s reference."""
    text = (FIXTURES / f"{event_type}.json").read_text()
    if owner is not None:
        text = text.replace("SIGNED_OWNER", signed_owner_reference(owner))
    return json.loads(text)


def translated(processor, event):
    return processor.translate_webhook(processor.verify_webhook(*signed_delivery(event)))


def test_subscription_created(processor, user):
    [change] = translated(processor, fixture("subscription.created", user))

    assert isinstance(change, SubscriptionChanged)
    assert change.customer_processor_id == "ctm_01hv6y1jedq4p1n0yqn5ba3ky4"
    assert resolve_owner(change.owner_reference) == user
    subscription = change.subscription
    assert subscription.processor_id == "sub_01hv8x29kz0t586xy6zn1a62ny"
    assert subscription.plan == "pri_01gsz8x8sawmvhz1pv30nge1ke"
    assert subscription.quantity == 10
    assert subscription.status == "active"
    assert subscription.name == "default"
    assert subscription.current_period_end == datetime(2024, 5, 12, 10, 18, 47, 635628, tzinfo=UTC)
    assert subscription.ends_at is None


def test_a_forged_owner_reference_is_passed_on_but_resolves_to_no_one(processor, user, team):
    event = fixture("subscription.created", team)
    custom = event["data"]["custom_data"]
    custom["pay_owner"] = custom["pay_owner"].replace(f"team:{team.pk}", f"user:{user.pk}")

    [change] = translated(processor, event)

    with pytest.raises(InvalidOwnerReference, match="signature"):
        resolve_owner(change.owner_reference)


@pytest.mark.parametrize("custom_data", [None, {}, {"pay_owner": 42}])
def test_a_missing_owner_reference_is_empty(processor, custom_data):
    event = fixture("subscription.created")
    event["data"]["custom_data"] = custom_data

    [change] = translated(processor, event)

    assert change.owner_reference == ""
    with pytest.raises(InvalidOwnerReference):
        resolve_owner(change.owner_reference)


def test_transaction_completed_is_a_charge_and_the_card_that_paid(processor, user):
    charged, card = translated(processor, fixture("transaction.completed", user))

    assert isinstance(charged, ChargeChanged)
    assert charged.customer_processor_id == "ctm_01hv6y1jedq4p1n0yqn5ba3ky4"
    assert charged.charge.processor_id == "txn_01hv8wptq8987qeep44cyrewp9"
    assert charged.charge.amount == 32662
    assert charged.charge.currency == "usd"
    assert charged.charge.subscription_processor_id == "sub_01hv8x29kz0t586xy6zn1a62ny"
    assert (charged.charge.brand, charged.charge.last4) == ("mastercard", "4444")
    assert isinstance(card, PaymentMethodChanged)
    assert card.payment_method.processor_id == "paymtd_01hv8x1tpjfnttxddw73xnqx6s"
    assert (card.payment_method.exp_month, card.payment_method.exp_year) == (6, 2028)
    assert card.payment_method.default


def test_payment_method_deleted(processor):
    [change] = translated(processor, fixture("payment_method.deleted"))

    assert change == PaymentMethodRemoved(
        customer_processor_id="ctm_01hv6y1jedq4p1n0yqn5ba3ky4",
        payment_method_processor_id="paymtd_01hs8zx6x377xfsfrt2bqsevbw",
    )


def test_events_of_no_interest_imply_nothing(processor, paddle):
    event = {**fixture("payment_method.deleted"), "event_type": "customer.updated"}
    calls = len(paddle.requests)

    assert translated(processor, event) == []
    assert len(paddle.requests) == calls


def test_subscription_data_that_is_not_a_subscription_is_refused(processor):
    event = fixture("subscription.created")
    del event["data"]["items"]

    with pytest.raises(WebhookInvalid, match="not a Paddle subscription"):
        translated(processor, event)


def test_a_status_django_pay_does_not_know_is_an_error(processor):
    event = fixture("subscription.created")
    event["data"]["status"] = "hibernating"

    with pytest.raises(ProcessorError, match="hibernating"):
        translated(processor, event)


def last_change(processor, paddle, event_type):
    [change] = translated(processor, paddle.events_of(event_type)[-1])
    return change


def test_each_subscription_event_carries_the_new_state(
    processor, paddle, paddle_customer, user, time_machine
):
    subscription = checkout(paddle_customer, paddle, name="seats")
    created = last_change(processor, paddle, "subscription.created")
    assert created.subscription.name == "seats"
    assert resolve_owner(created.owner_reference) == user
    assert last_change(processor, paddle, "subscription.activated").subscription.status == "active"

    subscription.pause()
    scheduled = last_change(processor, paddle, "subscription.updated").subscription
    assert scheduled.pause_starts_at == subscription.current_period_end

    time_machine.move_to(subscription.current_period_end + timedelta(minutes=1))
    paddle.advance()
    paused = last_change(processor, paddle, "subscription.paused").subscription
    assert paused.status == "paused"

    subscription.sync()
    subscription.resume()
    assert last_change(processor, paddle, "subscription.resumed").subscription.status == "active"

    subscription.cancel_now()
    canceled = last_change(processor, paddle, "subscription.canceled").subscription
    assert canceled.status == "canceled"
    assert canceled.ends_at <= timezone.now()


def test_a_trial_event_and_its_free_checkout(processor, paddle, paddle_customer):
    checkout(paddle_customer, paddle, TRIAL)

    trialing = last_change(processor, paddle, "subscription.trialing").subscription
    [card] = translated(processor, paddle.events_of("transaction.completed")[-1])

    assert trialing.status == "trialing"
    assert trialing.trial_ends_at > timezone.now() + timedelta(days=13)
    assert isinstance(card, PaymentMethodChanged)  # the card was saved; nothing was charged


def test_a_failed_renewal_asks_the_customer_to_update_their_card(
    processor, paddle, paddle_customer, time_machine
):
    subscription = checkout(paddle_customer, paddle, BASIC)
    paddle.declining = True
    time_machine.move_to(subscription.current_period_end + timedelta(minutes=1))
    paddle.advance()

    problem = last_change(processor, paddle, "transaction.payment_failed")
    past_due = last_change(processor, paddle, "subscription.past_due").subscription

    assert isinstance(problem, PaymentProblem)
    assert problem.subscription_processor_id == subscription.processor_id
    assert problem.reason == "declined"
    assert (problem.amount, problem.currency) == (1000, "usd")
    assert problem.action_url.endswith(f"{subscription.processor_id}/update-payment-method")
    assert past_due.status == "past_due"
