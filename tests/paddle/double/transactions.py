"""Transactions: what a checkout pays and every renewal, with tax and payments."""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import timezone

from .base import DEFAULT_PAYMENT_LINK, Json, PaddleError, invalid, new_id
from .customers import Customers


class Transactions(Customers):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._routes += [
            ("POST", re.compile(r"/transactions"), self._create_transaction),
            ("GET", re.compile(r"/transactions/(txn_\w+)"), self._get_transaction),
        ]

    def _create_transaction(self, *, query: dict[str, str], body: Json) -> tuple[int, Json]:
        items = body.get("items")
        if not items:
            raise invalid("items is required.")
        customer_id = body.get("customer_id")
        if customer_id is not None:
            self._customer(customer_id)
        transaction = self._new_transaction(
            customer_id=customer_id,
            lines=[(self._price(item.get("price_id")), item.get("quantity", 1)) for item in items],
            origin="api",
            custom_data=body.get("custom_data"),
        )
        checkout_url = (body.get("checkout") or {}).get("url") or DEFAULT_PAYMENT_LINK
        transaction["checkout"] = {"url": f"{checkout_url}?_ptxn={transaction['id']}"}
        transaction["status"] = "ready" if customer_id else "draft"
        self._emit("transaction.created", transaction)
        return self._one(transaction, 201)

    def _new_transaction(
        self,
        *,
        customer_id: str | None,
        lines: list[tuple[Json, int]],
        origin: str,
        custom_data: Json | None = None,
        subscription_id: str | None = None,
        billing_period: Json | None = None,
        charged: Sequence[int | None] | None = None,
        proration: Json | None = None,
    ) -> Json:
        """A transaction for ``lines``; ``charged`` overrides line subtotals (prorations)."""
        now = timezone.now()
        currency = lines[0][0]["unit_price"]["currency_code"]
        amounts = charged or [None] * len(lines)
        line_items = [
            self._line_item(price, quantity, subtotal, proration)
            for (price, quantity), subtotal in zip(lines, amounts, strict=True)
        ]
        transaction = {
            "id": new_id("txn"),
            "status": "draft",
            "customer_id": customer_id,
            "address_id": self._address(customer_id),
            "business_id": None,
            "custom_data": custom_data,
            "currency_code": currency,
            "origin": origin,
            "subscription_id": subscription_id,
            "invoice_id": None,
            "invoice_number": None,
            "collection_mode": "automatic",
            "discount_id": None,
            "billing_details": None,
            "billing_period": billing_period,
            "items": [
                {"price": price, "quantity": quantity, "proration": proration}
                for price, quantity in lines
            ],
            "details": self._details(line_items, currency),
            "payments": [],
            "checkout": None,
            "created_at": now,
            "updated_at": now,
            "billed_at": None,
            "revised_at": None,
        }
        self.transactions[transaction["id"]] = transaction
        return transaction

    def _address(self, customer_id: str | None) -> str | None:
        if customer_id is None:
            return None
        return self.addresses.setdefault(customer_id, new_id("add"))

    def _line_item(
        self, price: Json, quantity: int, subtotal: int | None, proration: Json | None
    ) -> Json:
        unit = int(price["unit_price"]["amount"])
        amount = unit * quantity if subtotal is None else subtotal
        tax = self._tax(amount)
        return {
            "id": new_id("txnitm"),
            "price_id": price["id"],
            "quantity": quantity,
            "proration": proration,
            "tax_rate": str(self.tax_rate),
            "unit_totals": self._totals(unit, self._tax(unit)),
            "totals": self._totals(amount, tax),
            "product": self.products[price["product_id"]],
        }

    def _tax(self, amount: int) -> int:
        return int((amount * self.tax_rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @staticmethod
    def _totals(subtotal: int, tax: int) -> Json:
        return {
            "subtotal": str(subtotal),
            "discount": "0",
            "tax": str(tax),
            "total": str(subtotal + tax),
        }

    def _details(self, line_items: list[Json], currency: str) -> Json:
        subtotal = sum(int(line["totals"]["subtotal"]) for line in line_items)
        tax = sum(int(line["totals"]["tax"]) for line in line_items)
        total = subtotal + tax
        fee = total // 20
        money = {
            "subtotal": str(subtotal),
            "tax": str(tax),
            "total": str(total),
            "grand_total": str(total),
            "grand_total_tax": str(tax),
            "fee": str(fee),
            "earnings": str(total - tax - fee),
            "currency_code": currency,
        }
        return {
            "tax_rates_used": [
                {"tax_rate": str(self.tax_rate), "totals": self._totals(subtotal, tax)}
            ],
            "totals": {
                **money,
                "discount": "0",
                "credit": "0",
                "credit_to_balance": "0",
                "balance": str(total),
            },
            "adjusted_totals": {**money, "retained_fee": "0"},
            "payout_totals": None,
            "adjusted_payout_totals": None,
            "line_items": line_items,
        }

    def _get_transaction(self, transaction_id: str, *, query: dict[str, str], body: Json) -> Any:
        return self._one(self._transaction(transaction_id))

    def _transaction(self, transaction_id: str) -> Json:
        if transaction_id not in self.transactions:
            raise PaddleError(404, "not_found", f"Transaction {transaction_id} not found.")
        return self.transactions[transaction_id]

    def _collect(self, transaction: Json) -> bool:
        """Charge the customer's saved card; False (and the transaction past due) if declined."""
        now = timezone.now()
        card = self.cards[transaction["customer_id"]]
        amount = transaction["details"]["totals"]["grand_total"]
        declined = self.declining and int(amount) > 0
        transaction["payments"].append(
            {
                "payment_attempt_id": str(uuid.uuid4()),
                "stored_payment_method_id": card["stored_payment_method_id"],
                "payment_method_id": card["id"],
                "amount": amount,
                "status": "error" if declined else "captured",
                "error_code": "declined" if declined else None,
                "method_details": {
                    "type": "card",
                    "card": card["card"],
                    "underlying_details": None,
                },
                "created_at": now,
                "captured_at": None if declined else now,
            }
        )
        transaction["updated_at"] = now
        if declined:
            transaction["status"] = "past_due"
            self._emit("transaction.payment_failed", transaction)
            self._emit("transaction.past_due", transaction)
            return False
        transaction.update(
            status="completed",
            billed_at=now,
            invoice_id=new_id("inv"),
            invoice_number=f"{secrets.randbelow(900) + 100}-{secrets.randbelow(90000) + 10000}",
        )
        transaction["details"]["totals"]["balance"] = "0"
        self._emit("transaction.paid", transaction)
        self._emit("transaction.completed", transaction)
        return True
