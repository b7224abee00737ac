from __future__ import annotations

from typing import Any

import pytest

from pay.models import Customer
from pay.processors import get_processor
from pay.processors.lemon_squeezy import LemonSqueezyProcessor

from .double import LemonSqueezyDouble, enable_lemon_squeezy

BASIC, PRO, ANNUAL, TRIAL, ONCE = "101", "102", "103", "104", "105"


@pytest.fixture
def lemon(settings: Any) -> LemonSqueezyDouble:
    """The double with a small catalog: two monthly variants, a yearly one, one with a
    14-day trial and a one-time purchase."""
    double = enable_lemon_squeezy(settings)
    double.add_variant(BASIC, 1000, product_name="Basic")
    double.add_variant(PRO, 2500, product_name="Pro")
    double.add_variant(ANNUAL, 25000, interval="year", product_name="Pro")
    double.add_variant(TRIAL, 1000, trial_days=14, product_name="Basic")
    double.add_variant(ONCE, 5000, interval=None, product_name="Setup")
    return double


@pytest.fixture
def processor(lemon: LemonSqueezyDouble) -> LemonSqueezyProcessor:
    backend = get_processor("lemon_squeezy")
    assert isinstance(backend, LemonSqueezyProcessor)
    return backend


@pytest.fixture
def lemon_customer(lemon: LemonSqueezyDouble, user: Any) -> Customer:
    """The user's Lemon Squeezy customer, created at Lemon Squeezy."""
    customer: Customer = user.set_payment_processor("lemon_squeezy")
    customer.details()
    return customer
