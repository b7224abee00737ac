from __future__ import annotations

from pay.processors.data import CustomerDetails, PaymentMethodDetails

from .client import BraintreeAPI, braintree_errors, succeeded
from .translate import payment_method_details


class BraintreePaymentMethods(BraintreeAPI):
    """Payment methods vaulted from a nonce, which Braintree's Drop-in UI or Hosted Fields
    create in the browser (``client_token`` authorizes them)."""

    def add_payment_method(
        self, customer: CustomerDetails, token: str, default: bool
    ) -> PaymentMethodDetails:
        """Vault the payment method behind the nonce ``token``; cards are verified first."""
        params = {
            "customer_id": customer.processor_id,
            "payment_method_nonce": token,
            "options": {"make_default": default, "verify_card": True},
        }
        with braintree_errors("save the payment method"):
            result = self.gateway.payment_method.create(params)
        return payment_method_details(succeeded(result, "save the payment method").payment_method)

    def client_token(self, customer: CustomerDetails) -> str:
        """A client token for the Drop-in UI, showing the customer's vaulted methods."""
        with braintree_errors("create a client token"):
            token: str = self.gateway.client_token.generate({"customer_id": customer.processor_id})
        return token
