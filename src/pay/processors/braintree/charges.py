from __future__ import annotations

from typing import Any

from pay.errors import InvalidAction
from pay.processors.data import ChargeDetails, ChargeRequest, CustomerDetails

from .client import BraintreeAPI, braintree_errors, succeeded
from .translate import charge_details, to_decimal

#: Sales Braintree has not settled yet: it can void them, whole, but not refund them.
UNSETTLED = ("authorized", "submitted_for_settlement", "settlement_pending")
SETTLED = ("settling", "settled")


class BraintreeCharges(BraintreeAPI):
    """One-off sales, submitted for settlement at once; refunded, or voided before settlement."""

    def charge(self, customer: CustomerDetails, request: ChargeRequest) -> ChargeDetails:
        """Charge ``payment_method_token`` (default: the customer's default payment method).

        The merchant account decides the currency: pass ``merchant_account_id`` for one
        in another currency. A sale in a currency other than the one asked for is voided.
        """
        options = dict(request.options)
        token = options.pop("payment_method_token", None) or self.default_payment_method_token(
            customer.processor_id
        )
        params = {
            "amount": to_decimal(request.amount, request.currency),
            "customer_id": customer.processor_id,
            "payment_method_token": token,
            "options": {"submit_for_settlement": True},
            **options,
        }
        with braintree_errors("charge the customer"):
            try:
                result = self.gateway.transaction.sale(params)
            except KeyError as error:
                keys = str(error.args[0]).removeprefix("Invalid keys: ")
                raise InvalidAction(f"Braintree sales do not take {keys}.") from None
        sale = succeeded(result, "charge the customer").transaction
        if sale.currency_iso_code.lower() != request.currency:
            self._void(sale.id)
            raise InvalidAction(
                f"This Braintree merchant account charges in {sale.currency_iso_code}, not "
                f"{request.currency.upper()}; pass the merchant_account_id of an account in "
                f"{request.currency.upper()}. Nothing was charged."
            )
        return charge_details(sale, [])

    def refund(self, charge: ChargeDetails, amount: int) -> ChargeDetails:
        """Refund a settled sale, in part or whole; void an unsettled one, whole only."""
        sale = self._find(charge.processor_id)
        if sale.status in UNSETTLED:
            if amount != charge.amount - charge.amount_refunded:
                raise InvalidAction(
                    "Braintree has not settled this charge yet (it usually does within a day), "
                    "so it can only cancel it whole: refund all of it now, or part of it "
                    "once settled."
                )
            self._void(sale.id)
        elif sale.status in SETTLED:
            with braintree_errors("refund the charge"):
                result = self.gateway.transaction.refund(
                    sale.id, to_decimal(amount, charge.currency)
                )
            succeeded(result, "refund the charge")
        else:
            raise InvalidAction(f"Braintree cannot refund a charge that is {sale.status}.")
        return charge_state(self.gateway, charge.processor_id)

    def _find(self, transaction_id: str) -> Any:
        return find_transaction(self.gateway, transaction_id)

    def _void(self, transaction_id: str) -> None:
        with braintree_errors("void the charge"):
            succeeded(self.gateway.transaction.void(transaction_id), "void the charge")


def charge_state(gateway: Any, transaction_id: str) -> ChargeDetails:
    """A sale as it is now, with every refund made against it."""
    return sale_details(gateway, find_transaction(gateway, transaction_id))


def sale_details(gateway: Any, sale: Any) -> ChargeDetails:
    refunds = [find_transaction(gateway, refund_id) for refund_id in sale.refund_ids]
    return charge_details(sale, refunds)


def find_transaction(gateway: Any, transaction_id: str) -> Any:
    with braintree_errors(f"find transaction {transaction_id}"):
        return gateway.transaction.find(transaction_id)
