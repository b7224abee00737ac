from __future__ import annotations

from pay.processors.data import ChargeDetails, ChargeRequest, CustomerDetails

from .client import LemonSqueezyAPI, document
from .translate import charge_details


class LemonSqueezyCharges(LemonSqueezyAPI):
    """Charges are orders (one-off purchases) and subscription invoices (renewals included)."""

    def charge(self, customer: CustomerDetails, request: ChargeRequest) -> ChargeDetails:
        raise self.not_supported("charge")

    def refund(self, charge: ChargeDetails, amount: int) -> ChargeDetails:
        """Refund ``amount`` of the order or subscription invoice; Lemon Squeezy refunds at once."""
        kind, _, resource_id = charge.processor_id.partition("/")
        refunded = self.api(
            "POST",
            f"{charge.processor_id}/refund",
            "refund the charge",
            document=document(kind, {"amount": amount}, resource_id=resource_id),
        )
        return charge_details(refunded["data"])
