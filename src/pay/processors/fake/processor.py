from __future__ import annotations

from pay.processors.base import Processor

from .charges import FakeCharges
from .customers import FakeCustomers
from .payment_methods import FakePaymentMethods
from .subscriptions import FakeSubscriptions


class FakeProcessor(FakeCustomers, FakeSubscriptions, FakeCharges, FakePaymentMethods, Processor):
    name = "fake_processor"
