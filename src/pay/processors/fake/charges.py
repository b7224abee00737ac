from __future__ import annotations

import dataclasses

from pay.processors.data import ChargeDetails, ChargeRequest, CustomerDetails

from .ids import new_id


class FakeCharges:
    """Every charge succeeds and is paid by a fake card ending in 4242."""

    def charge(self, customer: CustomerDetails, request: ChargeRequest) -> ChargeDetails:
        return ChargeDetails(
            processor_id=new_id("ch"),
            amount=request.amount,
            currency=request.currency,
            payment_method_type="card",
            brand="Fake",
            last4="4242",
            data=dict(request.options),
        )

    def refund(self, charge: ChargeDetails, amount: int) -> ChargeDetails:
        return dataclasses.replace(charge, amount_refunded=charge.amount_refunded + amount)
