from __future__ import annotations

import pytest

from pay.errors import InvalidAction, PaymentDeclined
from pay.models import Charge

pytestmark = pytest.mark.django_db


def test_a_charge_is_a_sale_submitted_for_settlement(braintree_double, braintree_customer):
    charge = braintree_customer.charge(1999, "usd")

    sale = braintree_double.transactions[charge.processor_id]
    assert str(sale["amount"]) == "19.99"
    assert sale["status"] == "submitted_for_settlement"
    assert (charge.amount, charge.currency, charge.brand, charge.last4) == (
        1999,
        "usd",
        "Visa",
        "1111",
    )
    assert charge.payment_method_type == "card"


def test_a_declined_sale_records_nothing(braintree_double, braintree_customer):
    with pytest.raises(PaymentDeclined, match=r"Do Not Honor\. Ask the customer"):
        braintree_customer.charge(200000, "usd")  # the sandbox declines $2000.00

    assert not Charge.objects.exists()


def test_charging_needs_a_payment_method(braintree_double, user):
    customer = user.set_payment_processor("braintree")

    with pytest.raises(InvalidAction, match="no payment method yet"):
        customer.charge(1000)

    assert not braintree_double.transactions


def test_a_sale_in_another_currency_than_the_merchant_account_is_voided(
    braintree_double, braintree_customer
):
    with pytest.raises(InvalidAction, match=r"charges in USD, not EUR.*Nothing was charged"):
        braintree_customer.charge(1000, "eur")

    assert [sale["status"] for sale in braintree_double.transactions.values()] == ["voided"]
    assert not Charge.objects.exists()


def test_refunding_an_unsettled_charge_voids_it(braintree_double, braintree_customer):
    charge = braintree_customer.charge(2500)

    charge.refund()

    assert braintree_double.transactions[charge.processor_id]["status"] == "voided"
    assert charge.amount_refunded == 2500
    assert charge.fully_refunded()


def test_an_unsettled_charge_cannot_be_refunded_in_part(braintree_double, braintree_customer):
    charge = braintree_customer.charge(2500)

    with pytest.raises(InvalidAction, match="not settled this charge yet"):
        charge.refund(1000)

    charge.refresh_from_db()
    assert charge.amount_refunded == 0
    assert braintree_double.transactions[charge.processor_id]["status"] == (
        "submitted_for_settlement"
    )


def test_a_settled_charge_is_refunded_in_parts(braintree_double, braintree_customer):
    charge = braintree_customer.charge(2500)
    braintree_double.settle(charge.processor_id)

    charge.refund(1000)
    charge.refund()

    assert charge.amount_refunded == 2500
    assert [refund["amount"] for refund in charge.data["refunds"]] == [1000, 1500]


def test_zero_decimal_currencies_are_whole_units():
    from pay.processors.braintree.translate import to_decimal, to_minor

    assert str(to_decimal(1000, "jpy")) == "1000"
    assert str(to_decimal(1999, "usd")) == "19.99"
    assert to_minor("19.99", "usd") == 1999
    assert to_minor("1.234", "kwd") == 1234
