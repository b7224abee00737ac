from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from pay.models import Customer
from pay.processors import get_processor
from pay.processors.braintree import BraintreeProcessor

from .double import BraintreeDouble, enable_braintree


@pytest.fixture
def braintree_double(settings: Any) -> Iterator[BraintreeDouble]:
    """The Braintree double, with plans basic-monthly ($10), pro-monthly ($25) and
    pro-yearly ($250), the seat add-on and the plan-credit discount."""
    double = enable_braintree(settings)
    yield double
    double.stop()


@pytest.fixture
def processor(braintree_double: BraintreeDouble) -> BraintreeProcessor:
    backend = get_processor("braintree")
    assert isinstance(backend, BraintreeProcessor)
    return backend


@pytest.fixture
def braintree_customer(braintree_double: BraintreeDouble, user: Any) -> Customer:
    """Ada's Braintree customer, with a Visa card vaulted as the default."""
    customer: Customer = user.set_payment_processor("braintree")
    customer.add_payment_method("fake-valid-nonce")
    return customer
