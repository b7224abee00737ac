"""Pytest fixtures for the Stripe double; tests/conftest.py loads this plugin."""

from __future__ import annotations

from typing import Any

import pytest

from .double import StripeDouble

TEST_SECRET_KEY = "sk_test_double"
TEST_PUBLIC_KEY = "pk_test_double"
WEBHOOK_SECRET = "whsec_double"

#: Prices every test can subscribe to, as if created in the Dashboard.
PRICES: dict[str, dict[str, Any]] = {
    "price_basic_monthly": {"unit_amount": 1000, "interval": "month"},
    "price_pro_monthly": {"unit_amount": 3000, "interval": "month"},
    "price_pro_annual": {"unit_amount": 30000, "interval": "year"},
    "price_seat_monthly": {"unit_amount": 500, "interval": "month"},
    "price_one_off_ebook": {"unit_amount": 1500, "interval": None},
}


def configure(settings: Any, double: StripeDouble) -> None:
    """Point the Stripe processor at ``double`` through pytest-django's ``settings``."""
    if "stripe" not in settings.PAY_PROCESSORS:
        settings.PAY_PROCESSORS = [*settings.PAY_PROCESSORS, "stripe"]
    settings.STRIPE_LIVE_MODE = False
    settings.STRIPE_TEST_SECRET_KEY = TEST_SECRET_KEY
    settings.STRIPE_TEST_PUBLIC_KEY = TEST_PUBLIC_KEY
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.STRIPE_HTTP_CLIENT = double.http_client
    for price_id, price in PRICES.items():
        double.add_price(price_id, **price)


@pytest.fixture
def stripe_double(settings: Any) -> StripeDouble:
    """A fresh Stripe double with the standard prices, and the Stripe processor using it."""
    double = StripeDouble()
    configure(settings, double)
    return double
