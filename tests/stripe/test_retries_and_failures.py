"""Every operation survives a lost response (retried with the same idempotency key) and
reports declined cards and 3-D Secure the same way."""

from __future__ import annotations

import pytest

from pay.errors import ActionRequired, PaymentDeclined, ProcessorError
from pay.processors.data import WebhookEvent

pytestmark = pytest.mark.django_db


def lose_next_response(double, path):
    double.fail_next("lost_response", path)


def test_swap_with_an_immediate_invoice_charges_once(stripe_double, stripe_customer):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")
    lose_next_response(stripe_double, f"/v1/subscriptions/{subscription.processor_id}")

    subscription.swap("price_pro_monthly", proration_behavior="always_invoice")

    assert subscription.processor_plan == "price_pro_monthly"
    assert len(stripe_double.events_of("charge.succeeded")) == 2


def test_change_quantity_with_an_immediate_invoice_charges_once(stripe_double, stripe_customer):
    subscription = stripe_customer.subscribe(plan="price_seat_monthly", quantity=1)
    lose_next_response(stripe_double, f"/v1/subscriptions/{subscription.processor_id}")

    subscription.change_quantity(4, proration_behavior="always_invoice")

    assert subscription.quantity == 4
    assert len(stripe_double.events_of("charge.succeeded")) == 2


def test_change_quantity_declined_and_needing_authentication(stripe_double, stripe_customer):
    subscription = stripe_customer.subscribe(plan="price_seat_monthly", quantity=1)
    stripe_customer.add_payment_method("pm_card_chargeCustomerFail")

    subscription.change_quantity(2, proration_behavior="always_invoice")
    assert subscription.status == "past_due"

    stripe_customer.add_payment_method("pm_card_authenticationRequired")
    with pytest.raises(ActionRequired):
        subscription.change_quantity(3, proration_behavior="always_invoice")
    subscription.refresh_from_db()
    assert subscription.quantity == 3


@pytest.mark.parametrize("action", ["cancel", "pause", "cancel_now"])
def test_updates_survive_a_lost_response(stripe_double, stripe_customer, action):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")
    lose_next_response(stripe_double, f"/v1/subscriptions/{subscription.processor_id}")

    getattr(subscription, action)()

    remote = stripe_double.object(subscription.processor_id)
    assert remote["cancel_at_period_end"] or remote["pause_collection"] or remote["ended_at"]


def test_adding_a_card_survives_a_lost_response(stripe_double, stripe_customer):
    lose_next_response(stripe_double, "/v1/payment_methods/")

    method = stripe_customer.add_payment_method("tok_visa")

    attached = [m for m in stripe_double.store.all("payment_method") if m["customer"] is not None]
    assert len(attached) == 2
    assert method.processor_id in {m["id"] for m in attached}


def test_checkout_survives_a_lost_response(stripe_double, stripe_customer):
    lose_next_response(stripe_double, "/v1/checkout/sessions")

    session = stripe_customer.checkout(
        line_items=[{"price": "price_basic_monthly"}],
        success_url="https://app.test/",
        cancel_url="https://app.test/",
    )

    assert [s["id"] for s in stripe_double.store.all("checkout.session")] == [session.processor_id]


def test_stripe_refusals_become_processor_errors(stripe_double, stripe_customer):
    with pytest.raises(ProcessorError, match="No such price"):
        stripe_customer.subscribe(plan="price_that_does_not_exist")

    with pytest.raises(PaymentDeclined):
        stripe_customer.charge(1000, payment_method="pm_card_chargeDeclined")


def test_an_event_about_an_object_stripe_no_longer_has_is_a_processor_error(stripe_processor):
    event = WebhookEvent(
        event_id="evt_1",
        event_type="customer.subscription.updated",
        created=None,  # type: ignore[arg-type]
        payload={"data": {"object": {"id": "sub_gone", "object": "subscription"}}},
    )

    with pytest.raises(ProcessorError, match="sub_gone"):
        stripe_processor.translate_webhook(event)


def test_after_the_sdks_retries_run_out_the_error_says_so(stripe_double, stripe_customer):
    stripe_double.fail_next("connection", "/v1/payment_intents", times=3)

    with pytest.raises(ProcessorError, match="Stripe"):
        stripe_customer.charge(1000)

    assert not stripe_double.store.all("charge")
