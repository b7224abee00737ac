from __future__ import annotations

from typing import Any

import pytest

from pay.models import Customer
from pay.processors import get_processor
from pay.processors.paddle import PaddleProcessor

from .double import PaddleDouble, enable_paddle
from .flows import subscribe_through_checkout

BASIC, PRO, ANNUAL, TRIAL, SETUP_FEE = (
    "pri_basic_monthly",
    "pri_pro_monthly",
    "pri_pro_annual",
    "pri_basic_trial",
    "pri_setup_fee",
)


@pytest.fixture
def paddle(settings: Any) -> PaddleDouble:
    """The Paddle double with a small catalog: two monthly plans, a yearly one, a trial one
    and a one-time fee."""
    double = enable_paddle(settings)
    double.add_price(BASIC, 1000, product_name="Basic")
    double.add_price(PRO, 2500, product_name="Pro")
    double.add_price(ANNUAL, 25000, interval="year", product_name="Pro")
    double.add_price(TRIAL, 1000, trial_days=14, product_name="Basic")
    double.add_price(SETUP_FEE, 5000, interval=None, product_name="Setup")
    return double


@pytest.fixture
def processor(paddle: PaddleDouble) -> PaddleProcessor:
    backend = get_processor("paddle_billing")
    assert isinstance(backend, PaddleProcessor)
    return backend


@pytest.fixture
def paddle_customer(paddle: PaddleDouble, user: Any) -> Customer:
    """The user's Paddle customer, created at Paddle."""
    customer: Customer = user.set_payment_processor("paddle_billing")
    customer.details()
    return customer


def checkout(customer: Customer, paddle: PaddleDouble, price: str = BASIC, **options: Any) -> Any:
    """Subscribe the way Paddle does: a checkout the buyer pays, then a sync of its result."""
    return subscribe_through_checkout(customer, paddle, price, **options)
