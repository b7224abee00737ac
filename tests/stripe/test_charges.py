"""One-off charges and refunds through PaymentIntents."""

from __future__ import annotations

import pytest

from pay.errors import ActionRequired, InvalidAction, InvalidAmount, PaymentDeclined
from pay.models import Charge

pytestmark = pytest.mark.django_db


def test_charge_records_card_details_and_receipt(stripe_double, stripe_customer, user):
    charge = stripe_customer.charge(2500, "EUR", description="Consulting")

    assert (charge.amount, charge.currency) == (2500, "eur")
    assert (charge.brand, charge.last4, charge.payment_method_type) == ("visa", "4242", "card")
    remote = stripe_double.object(charge.processor_id)
    assert charge.receipt_url == remote["receipt_url"]
    assert remote["description"] == "Consulting"
    intent = stripe_double.object(remote["payment_intent"])
    assert intent["metadata"] == {"pay_owner": f"testapp.user:{user.pk}"}
    assert charge.data["payment_intent"] == intent["id"]


def test_charge_a_given_payment_method(stripe_double, stripe_customer):
    charge = stripe_customer.charge(1000, payment_method="pm_card_mastercard")

    assert (charge.brand, charge.last4) == ("mastercard", "4444")


def test_a_declined_charge_records_nothing(stripe_double, stripe_customer):
    with pytest.raises(PaymentDeclined, match="another payment method"):
        stripe_customer.charge(1000, payment_method="pm_card_chargeDeclined")

    assert not Charge.objects.exists()


def test_a_charge_needing_authentication(stripe_double, stripe_customer):
    with pytest.raises(ActionRequired) as raised:
        stripe_customer.charge(1000, payment_method="pm_card_authenticationRequired")

    intent = stripe_double.object(raised.value.payment_intent_id)
    assert intent["status"] == "requires_action"
    assert raised.value.client_secret == intent["client_secret"]
    assert not Charge.objects.exists()


def test_network_error_then_retry_charges_once(stripe_double, stripe_customer):
    stripe_double.fail_next("lost_response", "/v1/payment_intents")
    stripe_double.fail_next("server_error", "/v1/payment_intents")

    charge = stripe_customer.charge(1000)

    assert len(stripe_double.store.all("charge")) == 1
    assert charge.processor_id == stripe_double.store.all("charge")[0]["id"]


def test_the_caller_can_make_a_retried_charge_idempotent(stripe_double, stripe_customer):
    first = stripe_customer.charge(1000, idempotency_key="order-7")
    again = stripe_customer.charge(1000, idempotency_key="order-7")

    assert first.pk == again.pk
    assert len(stripe_double.store.all("charge")) == 1


def test_two_deliberate_charges_of_the_same_amount_are_two(stripe_double, stripe_customer):
    stripe_customer.charge(1000)
    stripe_customer.charge(1000)

    assert stripe_customer.charges.count() == 2


def test_charge_needs_a_payment_method(stripe_double, user):
    customer = user.set_payment_processor("stripe")

    with pytest.raises(InvalidAction, match="add_payment_method"):
        customer.charge(1000)


def test_partial_then_full_refund(stripe_double, stripe_customer):
    charge = stripe_customer.charge(3000)

    charge.refund(1000)
    assert charge.amount_refunded == 1000
    assert [r["amount"] for r in charge.data["refunds"]] == [1000]

    charge.refund()
    assert charge.fully_refunded()
    assert stripe_double.object(charge.processor_id)["refunded"] is True
    assert sorted(r["amount"] for r in charge.data["refunds"]) == [1000, 2000]


def test_refund_more_than_is_left_is_refused_before_asking_stripe(stripe_double, stripe_customer):
    charge = stripe_customer.charge(3000)

    with pytest.raises(InvalidAmount):
        charge.refund(3001)

    assert not stripe_double.created("/v1/refunds")


def test_a_retried_refund_refunds_once(stripe_double, stripe_customer):
    charge = stripe_customer.charge(3000)
    stripe_double.fail_next("lost_response", "/v1/refunds")

    charge.refund(500)

    assert len(stripe_double.store.all("refund")) == 1
    assert charge.amount_refunded == 500
