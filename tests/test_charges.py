"""Charges and refunds in integer minor units; payment methods and their default."""

from __future__ import annotations

import pytest

from pay.errors import InvalidAmount
from pay.models import Charge, PaymentMethod

pytestmark = pytest.mark.django_db


def test_charge_records_money_as_minor_units(customer):
    charge = customer.charge(1999, "EUR", description="Consulting")

    assert charge.amount == 1999
    assert charge.currency == "eur"
    assert charge.processor_id.startswith("fake_ch_")
    assert (charge.brand, charge.last4) == ("Fake", "4242")
    assert charge.data == {"description": "Consulting"}
    assert list(customer.charges.all()) == [charge]


@pytest.mark.parametrize("amount", [0, -5, 10.5, "100", True, None])
def test_charge_refuses_anything_but_positive_whole_minor_units(customer, amount):
    with pytest.raises(InvalidAmount, match="minor units"):
        customer.charge(amount)
    assert not Charge.objects.exists()


@pytest.mark.parametrize("currency", ["dollars", "u$", ""])
def test_charge_refuses_bad_currency(customer, currency):
    with pytest.raises(InvalidAmount, match="ISO 4217"):
        customer.charge(100, currency)
    assert not Charge.objects.exists()


def test_partial_then_full_refund(customer):
    charge = customer.charge(5000)

    charge.refund(1500)
    assert charge.amount_refunded == 1500
    assert charge.refundable_amount == 3500
    assert not charge.fully_refunded()

    charge.refund()
    charge.refresh_from_db()
    assert charge.amount_refunded == 5000
    assert charge.fully_refunded()


@pytest.mark.parametrize("amount", [5001, 0, -1, 2.5])
def test_refund_refuses_impossible_amounts(customer, amount):
    charge = customer.charge(5000)
    with pytest.raises(InvalidAmount):
        charge.refund(amount)
    charge.refresh_from_db()
    assert charge.amount_refunded == 0


def test_nothing_left_to_refund(customer):
    charge = customer.charge(100)
    charge.refund()
    with pytest.raises(InvalidAmount):
        charge.refund()


def test_add_payment_method_moves_the_default(customer):
    first = customer.add_payment_method("pm_first")
    second = customer.add_payment_method("pm_second")
    spare = customer.add_payment_method("pm_spare", default=False)

    first.refresh_from_db()
    assert not first.default
    assert second.default
    assert not spare.default
    assert customer.default_payment_method == second
    assert PaymentMethod.objects.filter(customer=customer).count() == 3


def test_adding_the_same_payment_method_again_updates_it(customer):
    customer.add_payment_method("pm_same")
    customer.add_payment_method("pm_same")
    assert customer.payment_methods.count() == 1
    assert str(customer.default_payment_method) == "Fake •••• 4242"
