from __future__ import annotations

import pytest

from pay.models import Price, sync_catalogue

pytestmark = pytest.mark.django_db


def test_each_plan_is_a_product_with_one_price(braintree_double):
    sync_catalogue("braintree")

    prices = {
        price.processor_id: (price.product.name, price.amount, price.currency, price.interval)
        for price in Price.objects.select_related("product")
    }
    assert prices == {
        "basic-monthly": ("basic-monthly", 1000, "usd", "month"),
        "pro-monthly": ("pro-monthly", 2500, "usd", "month"),
        "pro-yearly": ("pro-yearly", 25000, "usd", "year"),
    }
