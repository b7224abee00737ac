from __future__ import annotations

from collections import Counter
from typing import Any

from paddle_billing import Client
from paddle_billing.Entities.Shared import Action, AdjustmentType
from paddle_billing.Resources.Adjustments.Operations import (
    CreateAdjustment,
    CreateAdjustmentItem,
    ListAdjustments,
)

from pay.errors import InvalidAmount
from pay.processors.data import ChargeDetails, ChargeRequest, CustomerDetails

from .client import PaddleAPI, paddle_errors
from .translate import COUNTED_REFUND_STATUSES, charge_details

REFUND_REASON = "Refund requested through the application"


class PaddleCharges(PaddleAPI):
    """Charges are Paddle transactions; refunds are adjustments, which Paddle may still reject."""

    def charge(self, customer: CustomerDetails, request: ChargeRequest) -> ChargeDetails:
        raise self.not_supported("charge")

    def refund(self, charge: ChargeDetails, amount: int) -> ChargeDetails:
        """Refund ``amount`` across the transaction's items, in order, as a pending adjustment."""
        with paddle_errors("fetch the charge"):
            transaction = self.client.transactions.get(charge.processor_id)
        refunds = list_refunds(self.client, charge.processor_id)
        adjustment = CreateAdjustment.partial(
            action=Action.Refund,
            items=_refund_items(transaction, refunds, amount),
            reason=REFUND_REASON,
            transaction_id=transaction.id,
        )
        with paddle_errors("refund the charge"):
            created = self.client.adjustments.create(adjustment)
        return charge_details(transaction, [*refunds, created])


def list_refunds(client: Client, transaction_id: str) -> list[Any]:
    """Every refund adjustment of a transaction, whatever its status."""
    operation = ListAdjustments(transaction_ids=[transaction_id], action=Action.Refund)
    with paddle_errors("list the charge's refunds"):
        return list(client.adjustments.list(operation))


def _refund_items(transaction: Any, refunds: list[Any], amount: int) -> list[CreateAdjustmentItem]:
    """Split ``amount`` over the line items, each up to what is left of it."""
    refunded: Counter[str] = Counter()
    for refund in refunds:
        if str(refund.status) in COUNTED_REFUND_STATUSES:
            for item in refund.items:
                refunded[item.item_id] += int(item.totals.total)
    items, left = [], amount
    for line in transaction.details.lineItems:  # the SDK's spelling of line_items
        total = int(line.totals.total)
        take = min(total - refunded[line.id], left)
        if take <= 0:
            continue
        whole = take == total
        items.append(
            CreateAdjustmentItem(
                item_id=line.id,
                type=AdjustmentType.Full if whole else AdjustmentType.Partial,
                amount=None if whole else str(take),
            )
        )
        left -= take
        if not left:
            return items
    raise InvalidAmount(
        f"Paddle can refund only {amount - left} more of charge {transaction.id}, not {amount}."
    )
