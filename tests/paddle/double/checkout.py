"""What the buyer does in Paddle Checkout, which no API can do."""

from __future__ import annotations

import uuid

from django.utils import timezone

from .base import Json, new_id
from .subscriptions import Subscriptions


class Checkout(Subscriptions):
    def complete_checkout(
        self, transaction_id: str, *, email: str = "", card_last4: str = "4242"
    ) -> Json:
        """The buyer pays the transaction in Paddle Checkout; a subscription follows if it
        has recurring prices. Returns the transaction."""
        transaction = self._transaction(transaction_id)
        if transaction["status"] not in ("draft", "ready"):
            raise AssertionError(f"{transaction_id} is {transaction['status']}, not payable.")
        if transaction["customer_id"] is None:
            customer = next(
                (c for c in self.customers.values() if c["email"] == email), None
            ) or self._new_customer(email)
            transaction.update(customer_id=customer["id"], address_id=self._address(customer["id"]))
        self._save_card(transaction["customer_id"], card_last4)
        recurring = [item for item in transaction["items"] if item["price"]["billing_cycle"]]
        trial = bool(recurring) and all(item["price"]["trial_period"] for item in recurring)
        if trial:
            self._zero_recurring_lines(transaction)
        if not self._collect(transaction):
            return transaction
        if recurring:
            self._start_subscription(transaction, recurring, trial)
        return transaction

    def open_overlay_checkout(self, options: Json, *, email: str = "") -> Json:
        """What ``Paddle.Checkout.open(options)`` leads to once the buyer pays."""
        customer = options.get("customer", {})
        customer_id = customer.get("id")
        transaction = self._new_transaction(
            customer_id=customer_id,
            lines=[(self._price(item["priceId"]), item["quantity"]) for item in options["items"]],
            origin="web",
            custom_data=options.get("customData"),
        )
        return self.complete_checkout(transaction["id"], email=customer.get("email", email))

    def _save_card(self, customer_id: str, last4: str) -> None:
        year = timezone.now().year + 3
        self.cards[customer_id] = {
            "id": new_id("paymtd"),
            "stored_payment_method_id": str(uuid.uuid4()),
            "card": {
                "type": "visa",
                "last4": last4,
                "expiry_month": 12,
                "expiry_year": year,
                "cardholder_name": "Ada Lovelace",
            },
        }

    def _zero_recurring_lines(self, transaction: Json) -> None:
        """A trial's checkout takes the card but charges nothing for the recurring items."""
        lines = [
            self._line_item(
                item["price"], item["quantity"], 0 if item["price"]["billing_cycle"] else None, None
            )
            for item in transaction["items"]
        ]
        transaction["details"] = self._details(lines, transaction["currency_code"])
