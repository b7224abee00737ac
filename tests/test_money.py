"""Minor units written for people, with the right number of decimals for the currency."""

from __future__ import annotations

import pytest

from pay.models import Price, Product
from pay.money import format_money, major_units


@pytest.mark.parametrize(
    ("amount", "currency", "written"),
    [(1999, "usd", "19.99 USD"), (5, "eur", "0.05 EUR"), (500, "jpy", "500 JPY"), (7, "", "7")],
)
def test_format_money(amount: int, currency: str, written: str) -> None:
    assert format_money(amount, currency) == written


def test_grouped_thousands() -> None:
    assert major_units(123456789, "usd", grouped=True) == "1,234,567.89"
    assert major_units(1234567, "KRW", grouped=True) == "1,234,567"


def test_a_price_in_a_currency_without_minor_units() -> None:
    product = Product(processor="fake_processor", processor_id="prod_x", name="X")
    price = Price(product=product, processor="fake_processor", amount=3000, currency="jpy")
    assert price.display_amount() == "3,000 JPY"
