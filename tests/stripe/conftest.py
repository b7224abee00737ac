from __future__ import annotations

from typing import Any

import pytest

from pay.models import Customer
from pay.processors import get_processor
from pay.processors.stripe import StripeProcessor
from tests.stripe_double import StripeDouble


@pytest.fixture
def stripe_customer(stripe_double: StripeDouble, user: Any) -> Customer:
    """Ada's Stripe customer, with a Visa card that always succeeds as the default."""
    customer: Customer = user.set_payment_processor("stripe")
    customer.add_payment_method("pm_card_visa")
    return customer


@pytest.fixture
def stripe_processor(stripe_double: StripeDouble) -> StripeProcessor:
    processor = get_processor("stripe")
    assert isinstance(processor, StripeProcessor)
    return processor
