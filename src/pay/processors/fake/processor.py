from __future__ import annotations

from pay.processors.base import Processor

from .catalogue import FakeCatalogue
from .charges import FakeCharges
from .checkout import FakeCheckout
from .customers import FakeCustomers
from .payment_methods import FakePaymentMethods
from .subscriptions import FakeSubscriptions


class FakeProcessor(
    FakeCustomers,
    FakeCheckout,
    FakeSubscriptions,
    FakeCharges,
    FakePaymentMethods,
    FakeCatalogue,
    Processor,
):
    name = "fake_processor"
