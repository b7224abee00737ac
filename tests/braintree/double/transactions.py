"""Sales, refunds and voids; sales settle only when told, as in the sandbox."""

from __future__ import annotations

import copy
import re
from decimal import Decimal
from typing import Any

from braintree import ErrorCodes as Codes

from .base import GatewayError, Json, money, new_id, now
from .vault import Vault

#: Sales of these amounts are declined by the sandbox's processor.
DECLINED_AMOUNTS = (Decimal("2000.00"), Decimal("3000.99"))


class Transactions(Vault):
    def __init__(self) -> None:
        super().__init__()
        self._routes += [
            ("POST", re.compile(r"/transactions"), self._sale),
            ("GET", re.compile(r"/transactions/([^/]+)"), self._find_transaction),
            ("POST", re.compile(r"/transactions/([^/]+)/refund"), self._refund),
            ("PUT", re.compile(r"/transactions/([^/]+)/void"), self._void),
            ("PUT", re.compile(r"/transactions/([^/]+)/settle"), self._settle),
        ]

    def settle(self, transaction_id: str) -> None:
        """Settle a sale, as Braintree's nightly batch (or the sandbox's testing API) does."""
        self._settle(transaction_id, body={})

    def _sale(self, body: Json) -> tuple[str, Any]:
        params = body.get("transaction", {})
        token = params.get("payment_method_token", "")
        method = self.payment_methods.get(token)
        if method is None or method["customer_id"] != params.get("customer_id", ""):
            raise GatewayError(
                "transaction",
                "payment_method_token",
                Codes.Transaction.PaymentMethodTokenIsInvalid,
                "Payment method token is invalid.",
            )
        sale = self._new_sale(money(params.get("amount") or 0), token)
        if sale["status"] != "submitted_for_settlement":
            raise self._declined(sale)
        return "transaction", self._render_transaction(sale)

    def _declined(self, sale: Json) -> GatewayError:
        """A declined sale: no validation errors, just the transaction that failed."""
        text = sale["processor_response_text"]
        return GatewayError("", "", "", text, transaction=self._render_transaction(sale))

    def _new_sale(self, amount: Decimal, token: str, subscription_id: str | None = None) -> Json:
        method = self._method(token)
        declined = DECLINED_AMOUNTS[0] <= amount <= DECLINED_AMOUNTS[1]
        sale = {
            "id": new_id(),
            "type": "sale",
            "amount": amount,
            "currency_iso_code": self.currency,
            "merchant_account_id": "pay_double_usd",
            "status": "processor_declined" if declined else "submitted_for_settlement",
            "processor_response_code": "2000" if declined else "1000",
            "processor_response_text": "Do Not Honor" if declined else "Approved",
            "subscription_id": subscription_id,
            "customer_id": method["customer_id"],
            "payment_method_token": token,
            "refund_ids": [],
            "refunded_transaction_id": None,
            "created_at": now(),
            "updated_at": now(),
        }
        self.transactions[sale["id"]] = sale
        return sale

    def _find_transaction(self, transaction_id: str, body: Json) -> tuple[str, Any]:
        return "transaction", self._render_transaction(self._transaction(transaction_id))

    def _refund(self, transaction_id: str, body: Json) -> tuple[str, Any]:
        sale = self._transaction(transaction_id)
        if sale["status"] not in ("settled", "settling"):
            raise GatewayError(
                "transaction",
                "base",
                Codes.Transaction.CannotRefundUnlessSettled,
                "Cannot refund a transaction unless it is settled.",
            )
        refunded = sum((self.transactions[r]["amount"] for r in sale["refund_ids"]), start=money(0))
        params = body.get("transaction", {})
        amount = money(params.get("amount") or sale["amount"] - refunded)
        if amount + refunded > sale["amount"]:
            raise GatewayError(
                "transaction",
                "amount",
                Codes.Transaction.RefundAmountIsTooLarge,
                "Refund amount is too large.",
            )
        refund = {
            **self._new_sale(amount, sale["payment_method_token"]),
            "type": "credit",
            "refunded_transaction_id": sale["id"],
        }
        self.transactions[refund["id"]] = refund
        sale["refund_ids"].append(refund["id"])
        return "transaction", self._render_transaction(refund)

    def _void(self, transaction_id: str, body: Json) -> tuple[str, Any]:
        sale = self._transaction(transaction_id)
        if sale["status"] not in ("authorized", "submitted_for_settlement", "settlement_pending"):
            raise GatewayError(
                "transaction",
                "base",
                Codes.Transaction.CannotBeVoided,
                "Transaction can only be voided if status is authorized, "
                "submitted_for_settlement, or - for PayPal - settlement_pending.",
            )
        sale.update(status="voided", updated_at=now())
        return "transaction", self._render_transaction(sale)

    def _settle(self, transaction_id: str, body: Json) -> tuple[str, Any]:
        sale = self._transaction(transaction_id)
        if sale["status"] == "submitted_for_settlement":
            sale.update(status="settled", updated_at=now())
            subject = {"transaction": self._render_transaction(sale)}
            self.notifications.append(("transaction_settled", now(), copy.deepcopy(subject)))
        return "transaction", self._render_transaction(sale)
