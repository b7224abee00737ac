"""Verifying Stripe's webhook signatures and translating its events into changes."""

from __future__ import annotations

import json
import logging
import time
from datetime import timedelta

import pytest

from pay.errors import ConfigurationError, WebhookInvalid
from pay.processors.data import (
    ChargeChanged,
    ChargeRefunded,
    ChargeSucceeded,
    CustomerRemoved,
    PaymentActionRequired,
    PaymentMethodChanged,
    PaymentMethodRemoved,
    PaymentProblem,
    RenewalUpcoming,
    SubscriptionChanged,
    TrialEnding,
)
from pay.processors.stripe.webhooks import verify_signature
from tests.stripe_double import sign_payload, sign_webhook
from tests.stripe_double.plugin import WEBHOOK_SECRET

pytestmark = pytest.mark.django_db

EVENT = {
    "id": "evt_1",
    "object": "event",
    "type": "customer.subscription.updated",
    "created": 1700000000,
    "data": {"object": {"id": "sub_1", "object": "subscription"}},
}


def signed(event=EVENT, secret=WEBHOOK_SECRET, at=None):
    return sign_webhook(event, secret, timestamp=at)


# Verification


def test_a_correctly_signed_event_is_parsed(stripe_processor):
    body, headers = signed()

    event = stripe_processor.verify_webhook(body, headers)

    assert (event.event_id, event.event_type) == ("evt_1", "customer.subscription.updated")
    assert event.created.timestamp() == 1700000000
    assert event.payload == EVENT


def test_header_names_are_case_insensitive_and_django_meta_style_works(stripe_processor):
    body, headers = signed()
    header = headers["Stripe-Signature"]

    assert stripe_processor.verify_webhook(body, {"stripe-signature": header})
    assert stripe_processor.verify_webhook(body, {"HTTP_STRIPE_SIGNATURE": header})


def test_any_v1_signature_may_match(stripe_processor):
    body, headers = signed()
    header = headers["Stripe-Signature"].replace("v1=", "v1=" + "0" * 64 + ",v0=x,v1=")

    assert stripe_processor.verify_webhook(body, {"Stripe-Signature": header})


def test_several_secrets_allow_rotation(stripe_processor, settings):
    settings.STRIPE_WEBHOOK_SECRET = ["whsec_new", WEBHOOK_SECRET]
    body, headers = signed()

    assert stripe_processor.verify_webhook(body, headers)


def test_the_dj_stripe_setting_is_honoured(stripe_processor, settings):
    settings.STRIPE_WEBHOOK_SECRET = None
    settings.DJSTRIPE_WEBHOOK_SECRET = "whsec_djstripe"
    body, headers = signed(secret="whsec_djstripe")

    assert stripe_processor.verify_webhook(body, headers)


def test_the_secret_may_come_from_the_environment(stripe_processor, settings, monkeypatch):
    settings.STRIPE_WEBHOOK_SECRET = None
    monkeypatch.setenv("STRIPE_WEBHOOK_SECRET", "whsec_a, whsec_env")
    body, headers = signed(secret="whsec_env")

    assert stripe_processor.verify_webhook(body, headers)


@pytest.mark.parametrize(
    ("mangle", "reason"),
    [
        (lambda body, header: (body + b" ", header), "No signature matches"),
        (lambda body, header: (body, header.replace("v1=", "v1=f")), "No signature matches"),
        (lambda body, header: (body, "garbage"), "malformed"),
        (lambda body, header: (body, header.split(",")[1]), "malformed"),
        (lambda body, header: (body, "t=abc," + header.split(",")[1]), "malformed"),
        (lambda body, header: (body, ""), "has no Stripe-Signature header"),
    ],
)
def test_tampering_is_refused_with_a_short_reason(stripe_processor, mangle, reason):
    body, headers = signed()
    body, header = mangle(body, headers["Stripe-Signature"])

    with pytest.raises(WebhookInvalid, match=reason):
        stripe_processor.verify_webhook(body, {"Stripe-Signature": header} if header else {})


def test_a_signature_under_another_secret_is_refused(stripe_processor):
    body, headers = signed(secret="whsec_someone_else")

    with pytest.raises(WebhookInvalid, match="No signature matches"):
        stripe_processor.verify_webhook(body, headers)


@pytest.mark.parametrize(
    ("offset", "valid"), [(-300, True), (300, True), (-301, False), (301, False)]
)
def test_the_timestamp_must_be_within_five_minutes_either_way(offset, valid):
    now = time.time()
    body, headers = signed(at=int(now) + offset)
    check = lambda: verify_signature(body, headers["Stripe-Signature"], [WEBHOOK_SECRET], int(now))  # noqa: E731

    if valid:
        check()
    else:
        with pytest.raises(WebhookInvalid, match="tolerance"):
            check()


@pytest.mark.parametrize(
    "body", [b"not json", b"\xff\xfe", b"[]", json.dumps({"id": "evt_1"}).encode()]
)
def test_a_body_that_is_not_an_event_is_refused(stripe_processor, body):
    body, headers = sign_payload(body, WEBHOOK_SECRET)

    with pytest.raises(WebhookInvalid, match=r"JSON|Stripe event"):
        stripe_processor.verify_webhook(body, headers)


def test_without_a_secret_the_error_names_the_setting(stripe_processor, settings, monkeypatch):
    settings.STRIPE_WEBHOOK_SECRET = None
    monkeypatch.delenv("STRIPE_WEBHOOK_SECRET", raising=False)
    monkeypatch.delenv("DJSTRIPE_WEBHOOK_SECRET", raising=False)

    with pytest.raises(ConfigurationError, match="STRIPE_WEBHOOK_SECRET"):
        stripe_processor.verify_webhook(*signed())


def test_the_secret_is_never_logged(stripe_processor, caplog):
    caplog.set_level(logging.DEBUG)
    body, headers = signed(secret="whsec_wrong")

    with pytest.raises(WebhookInvalid) as raised:
        stripe_processor.verify_webhook(body, headers)

    assert WEBHOOK_SECRET not in caplog.text
    assert WEBHOOK_SECRET not in str(raised.value)


# Translation of the events the double recorded


def translate(processor, event):
    body, headers = sign_webhook(event, WEBHOOK_SECRET)
    return processor.translate_webhook(processor.verify_webhook(body, headers))


def last_event(double, event_type):
    return double.events_of(event_type)[-1]


def test_subscription_events_describe_the_current_subscription(
    stripe_double, stripe_processor, stripe_customer, user
):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")
    created = last_event(stripe_double, "customer.subscription.created")
    subscription.cancel()

    (change,) = translate(stripe_processor, created)

    assert isinstance(change, SubscriptionChanged)
    assert change.customer_processor_id == stripe_customer.processor_id
    assert change.owner_reference == f"testapp.user:{user.pk}"
    assert change.subscription.processor_id == subscription.processor_id
    # Re-read from Stripe: the late "created" event already knows about the cancellation.
    assert change.subscription.ends_at == subscription.ends_at


@pytest.mark.parametrize(
    ("event_type", "change_type"),
    [
        ("customer.subscription.deleted", SubscriptionChanged),
        ("customer.subscription.trial_will_end", TrialEnding),
        ("customer.subscription.updated", SubscriptionChanged),
    ],
)
def test_every_subscription_event_type(
    stripe_double, stripe_processor, stripe_customer, time_machine, event_type, change_type
):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly", trial_period_days=5)
    time_machine.move_to(subscription.trial_ends_at + timedelta(hours=1))
    subscription.cancel_now()

    changes = translate(stripe_processor, last_event(stripe_double, event_type))

    assert [type(c) for c in changes] == [change_type]
    assert changes[0].subscription.status == "canceled"


def test_paused_and_resumed_events(stripe_double, stripe_processor, user, time_machine):
    customer = user.set_payment_processor("stripe")
    subscription = customer.subscribe(
        plan="price_basic_monthly",
        trial_period_days=1,
        trial_settings={"end_behavior": {"missing_payment_method": "pause"}},
    )
    time_machine.move_to(subscription.trial_ends_at + timedelta(hours=1))
    subscription.sync()
    customer.add_payment_method("pm_card_visa")
    subscription.resume()

    for event_type in ("customer.subscription.paused", "customer.subscription.resumed"):
        (change,) = translate(stripe_processor, last_event(stripe_double, event_type))
        assert change.subscription.status == "active"


def test_checkout_completed_carries_the_subscription_and_the_owner(
    stripe_double, stripe_processor, user
):
    customer = user.set_payment_processor("stripe")
    session = customer.checkout(
        line_items=[{"price": "price_basic_monthly"}],
        success_url="https://app.test/",
        cancel_url="https://app.test/",
    )
    stripe_double.complete_checkout(session.processor_id)

    (change,) = translate(stripe_processor, last_event(stripe_double, "checkout.session.completed"))

    assert isinstance(change, SubscriptionChanged)
    assert change.owner_reference == f"testapp.user:{user.pk}"
    assert change.subscription.status == "active"


def test_payment_checkout_completed_carries_the_charge(
    stripe_double, stripe_processor, stripe_customer
):
    session = stripe_customer.checkout(
        mode="payment",
        line_items=[{"price": "price_one_off_ebook"}],
        success_url="https://app.test/",
        cancel_url="https://app.test/",
    )
    stripe_double.complete_checkout(session.processor_id, payment_method="pm_card_amex")

    (change,) = translate(stripe_processor, last_event(stripe_double, "checkout.session.completed"))

    assert isinstance(change, ChargeChanged)
    assert (change.charge.amount, change.charge.brand) == (1500, "amex")


def test_setup_checkout_completed_carries_the_payment_method(
    stripe_double, stripe_processor, stripe_customer
):
    session = stripe_customer.checkout(
        mode="setup", line_items=[], success_url="https://app.test/", cancel_url="https://app.test/"
    )
    stripe_double.complete_checkout(session.processor_id, payment_method="pm_card_mastercard")

    (change,) = translate(stripe_processor, last_event(stripe_double, "checkout.session.completed"))

    assert isinstance(change, PaymentMethodChanged)
    assert change.payment_method.brand == "mastercard"


def test_invoice_paid_links_the_charge_to_the_subscription(
    stripe_double, stripe_processor, stripe_customer
):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")

    changes = translate(stripe_processor, last_event(stripe_double, "invoice.payment_succeeded"))

    assert [type(c) for c in changes] == [SubscriptionChanged, ChargeChanged]
    assert changes[1].charge.subscription_processor_id == subscription.processor_id
    assert changes[1].charge.amount == 1000


@pytest.mark.parametrize(
    ("card", "event_type", "reason", "problem_type"),
    [
        ("pm_card_chargeCustomerFail", "invoice.payment_failed", "failed", PaymentProblem),
        (
            "pm_card_authenticationRequired",
            "invoice.payment_action_required",
            "authenticate",
            PaymentActionRequired,
        ),
    ],
)
def test_invoice_problems(
    stripe_double,
    stripe_processor,
    stripe_customer,
    time_machine,
    card,
    event_type,
    reason,
    problem_type,
):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")
    stripe_customer.add_payment_method(card)
    time_machine.move_to(subscription.current_period_end + timedelta(hours=1))

    subscription.sync()
    changes = translate(stripe_processor, last_event(stripe_double, event_type))

    assert [type(c) for c in changes] == [SubscriptionChanged, problem_type]
    problem = changes[1]
    assert reason in problem.reason
    assert (problem.amount, problem.currency) == (1000, "usd")
    assert problem.subscription_processor_id == subscription.processor_id
    assert problem.action_url.startswith("https://invoice.stripe.com/")
    if problem_type is PaymentActionRequired:
        assert problem.payment_intent_id.startswith("pi_")


@pytest.mark.parametrize(
    ("plan", "change_type"),
    [("price_pro_annual", RenewalUpcoming), ("price_basic_monthly", SubscriptionChanged)],
)
def test_invoice_upcoming_announces_a_yearly_renewal(
    stripe_double, stripe_processor, stripe_customer, time_machine, plan, change_type
):
    subscription = stripe_customer.subscribe(plan=plan)
    time_machine.move_to(subscription.current_period_end - timedelta(days=6))
    subscription.sync()

    changes = translate(stripe_processor, last_event(stripe_double, "invoice.upcoming"))

    assert [type(change) for change in changes] == [change_type]


def test_invoice_upcoming_refreshes_the_subscription(
    stripe_double, stripe_processor, stripe_customer, time_machine
):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")
    time_machine.move_to(subscription.current_period_end - timedelta(days=6))
    subscription.sync()

    (change,) = translate(stripe_processor, last_event(stripe_double, "invoice.upcoming"))

    assert change.subscription.processor_id == subscription.processor_id


@pytest.mark.parametrize(
    ("event_type", "change_type"),
    [("charge.succeeded", ChargeSucceeded), ("charge.refunded", ChargeRefunded)],
)
def test_charge_events(stripe_double, stripe_processor, stripe_customer, event_type, change_type):
    charge = stripe_customer.charge(4000)
    charge.refund(1000)

    (change,) = translate(stripe_processor, last_event(stripe_double, event_type))

    assert type(change) is change_type

    assert change.customer_processor_id == stripe_customer.processor_id
    assert change.charge.processor_id == charge.processor_id
    assert change.charge.amount_refunded == 1000


def test_payment_method_events(stripe_double, stripe_processor, stripe_customer):
    method = stripe_customer.default_payment_method
    stripe_double.update_card(method.processor_id, exp_month=3, exp_year=2031, last4="1881")

    (attached,) = translate(stripe_processor, last_event(stripe_double, "payment_method.attached"))
    (updated,) = translate(
        stripe_processor, last_event(stripe_double, "payment_method.automatically_updated")
    )

    assert attached.payment_method.default
    assert (updated.payment_method.last4, updated.payment_method.exp_year) == ("1881", 2031)

    stripe_processor.client.v1.payment_methods.detach(method.processor_id)
    (removed,) = translate(stripe_processor, last_event(stripe_double, "payment_method.detached"))

    assert removed == PaymentMethodRemoved(stripe_customer.processor_id, method.processor_id)


def test_customer_events(stripe_double, stripe_processor, stripe_customer):
    (updated,) = translate(stripe_processor, last_event(stripe_double, "customer.updated"))
    assert isinstance(updated, PaymentMethodChanged)
    assert updated.payment_method.default

    stripe_customer.delete_processor_customer()
    (deleted,) = translate(stripe_processor, last_event(stripe_double, "customer.deleted"))
    assert deleted == CustomerRemoved(stripe_customer.processor_id)


def test_unknown_events_change_nothing(stripe_double, stripe_processor, stripe_customer):
    assert translate(stripe_processor, last_event(stripe_double, "customer.created")) == []
    assert translate(stripe_processor, {**EVENT, "type": "radar.early_fraud_warning.created"}) == []
