"""Refund adjustments: split over items, pending until Paddle reviews them."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from django.utils import timezone

from .base import Json, PaddleError, invalid, new_id
from .transactions import Transactions


class Refunds(Transactions):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._routes += [
            ("POST", re.compile(r"/adjustments"), self._create_adjustment),
            ("GET", re.compile(r"/adjustments"), self._list_adjustments),
        ]

    def _create_adjustment(self, *, query: dict[str, str], body: Json) -> tuple[int, Json]:
        if body.get("action") != "refund":
            raise invalid("This double makes refunds only.")
        if not body.get("reason"):
            raise invalid("reason is required.")
        transaction = self._transaction(body.get("transaction_id", ""))
        if transaction["status"] != "completed":
            raise PaddleError(
                400,
                "adjustment_transaction_invalid_status_for_refund",
                "Only completed transactions can be refunded.",
            )
        lines = {line["id"]: line for line in transaction["details"]["line_items"]}
        items = [
            self._adjustment_item(transaction, lines, item) for item in body.get("items") or []
        ]
        if not items:
            raise invalid("items is required for a partial refund.")
        total = sum(int(item["totals"]["total"]) for item in items)
        tax = sum(int(item["totals"]["tax"]) for item in items)
        now = timezone.now()
        adjustment = {
            "id": new_id("adj"),
            "action": "refund",
            "type": "partial",
            "transaction_id": transaction["id"],
            "subscription_id": transaction["subscription_id"],
            "customer_id": transaction["customer_id"],
            "reason": body["reason"],
            "credit_applied_to_balance": None,
            "currency_code": transaction["currency_code"],
            "status": "pending_approval",
            "items": items,
            "totals": {
                "subtotal": str(total - tax),
                "tax": str(tax),
                "total": str(total),
                "fee": "0",
                "earnings": str(-(total - tax)),
                "retained_fee": "0",
                "currency_code": transaction["currency_code"],
            },
            "payout_totals": None,
            "tax_rates_used": [],
            "created_at": now,
            "updated_at": now,
        }
        self.adjustments[adjustment["id"]] = adjustment
        self._emit("adjustment.created", adjustment)
        return self._one(adjustment, 201)

    def _adjustment_item(self, transaction: Json, lines: dict[str, Json], item: Json) -> Json:
        line = lines.get(str(item.get("item_id")))
        if line is None:
            raise invalid(f"{item.get('item_id')} is not an item of {transaction['id']}.")
        left = int(line["totals"]["total"]) - self._refunded(line["id"])
        amount = left if item.get("type") == "full" else int(item.get("amount") or 0)
        if item.get("type") == "full" and left != int(line["totals"]["total"]):
            raise invalid("A full refund of an item that was partly refunded is not allowed.")
        if amount <= 0 or amount > left:
            raise PaddleError(
                400,
                "adjustment_amount_above_remaining_allowed",
                f"Refund of {amount} exceeds the {left} left on {line['id']}.",
            )
        tax = int(
            Decimal(amount) * Decimal(line["totals"]["tax"]) / Decimal(line["totals"]["total"] or 1)
        )
        return {
            "id": new_id("adjitm"),
            "item_id": line["id"],
            "type": item.get("type", "partial"),
            "amount": str(amount),
            "proration": None,
            "totals": {"subtotal": str(amount - tax), "tax": str(tax), "total": str(amount)},
        }

    def _refunded(self, line_id: str) -> int:
        return sum(
            int(item["totals"]["total"])
            for adjustment in self.adjustments.values()
            if adjustment["status"] in ("pending_approval", "approved")
            for item in adjustment["items"]
            if item["item_id"] == line_id
        )

    def _list_adjustments(self, *, query: dict[str, str], body: Json) -> tuple[int, Json]:
        wanted = {
            key: query[key].split(",")
            for key in ("transaction_id", "action", "status")
            if key in query
        }
        found = [
            adjustment
            for adjustment in self.adjustments.values()
            if all(adjustment[key] in values for key, values in wanted.items())
        ]
        return self._page(found, "/adjustments", query)

    def review_refund(self, adjustment_id: str, status: str) -> Json:
        """Paddle's review of a refund: ``"approved"`` or ``"rejected"``."""
        adjustment = self.adjustments[adjustment_id]
        adjustment.update(status=status, updated_at=timezone.now())
        self._emit("adjustment.updated", adjustment)
        return adjustment
