from __future__ import annotations

from dataclasses import dataclass

import stripe
from stripe.params import PaymentIntentCreateParams

from pay.errors import ActionRequired, InvalidAction
from pay.processors.data import ChargeDetails, ChargeRequest, CustomerDetails

from .client import StripeAPI, idempotency_key, stripe_errors, with_options
from .translate import OWNER_KEY, charge_details, object_id


@dataclass(frozen=True)
class PaymentIntentState:
    """What the confirmation page needs to know about a payment waiting for the customer."""

    processor_id: str
    status: str
    client_secret: str
    customer_processor_id: str
    amount: int
    currency: str
    #: The charge, once the payment succeeded.
    charge: ChargeDetails | None = None


class StripeCharges(StripeAPI):
    """One-off payments through PaymentIntents, confirmed at once with a saved card."""

    @stripe_errors()
    def charge(self, customer: CustomerDetails, request: ChargeRequest) -> ChargeDetails:
        """Charge ``payment_method`` (default: the customer's default card) right away.

        Raises PaymentDeclined when the card is declined and ActionRequired when the
        bank wants the customer to authenticate the payment.
        """
        options = dict(request.options)
        supplied_key = options.pop("idempotency_key", None)
        method = options.pop("payment_method", None) or self.default_payment_method_id(
            customer.processor_id
        )
        if not method:
            raise InvalidAction(
                "This customer has no payment method to charge: add one with "
                "add_payment_method() or pass payment_method=…"
            )
        params: PaymentIntentCreateParams = {
            "amount": request.amount,
            "currency": request.currency,
            "customer": customer.processor_id,
            "payment_method": method,
            "confirm": True,
            "automatic_payment_methods": {"enabled": True, "allow_redirects": "never"},
            "metadata": {OWNER_KEY: customer.owner.reference},
            "expand": ["latest_charge"],
        }
        key = idempotency_key("charge", customer.processor_id, supplied_key)
        intent = self.client.v1.payment_intents.create(
            with_options(params, options), {"idempotency_key": key}
        )
        if intent.status != "succeeded":
            raise ActionRequired(
                "The payment needs the customer's confirmation (3-D Secure). "
                "Send them to the payment confirmation page.",
                client_secret=intent.client_secret or "",
                payment_intent_id=intent.id,
            )
        return charge_details(self.fetch_charge(object_id(intent.latest_charge)))

    @stripe_errors()
    def refund(self, charge: ChargeDetails, amount: int) -> ChargeDetails:
        # The already-refunded amount is part of the key: a retry of this refund is
        # recognised, a later refund of the same amount is not mistaken for one.
        key = idempotency_key("refund", charge.processor_id, f"{charge.amount_refunded}+{amount}")
        self.client.v1.refunds.create(
            {"charge": charge.processor_id, "amount": amount}, {"idempotency_key": key}
        )
        refreshed = self.fetch_charge(charge.processor_id)
        return charge_details(refreshed, charge.subscription_processor_id)

    @stripe_errors()
    def payment_intent_state(self, payment_intent_id: str) -> PaymentIntentState:
        intent = self.client.v1.payment_intents.retrieve(
            payment_intent_id, {"expand": ["latest_charge"]}
        )
        charge = self._successful_charge(intent)
        return PaymentIntentState(
            processor_id=intent.id,
            status=intent.status,
            client_secret=intent.client_secret or "",
            customer_processor_id=object_id(intent.customer),
            amount=intent.amount,
            currency=intent.currency,
            charge=charge_details(charge, self._paid_subscription_id(intent.id))
            if charge
            else None,
        )

    def _successful_charge(self, intent: stripe.PaymentIntent) -> stripe.Charge | None:
        if intent.status != "succeeded" or not intent.latest_charge:
            return None
        return self.fetch_charge(object_id(intent.latest_charge))

    def _paid_subscription_id(self, payment_intent_id: str) -> str:
        """The subscription whose invoice the payment paid, if any."""
        payments = self.client.v1.invoice_payments.list(
            {
                "payment": {"type": "payment_intent", "payment_intent": payment_intent_id},
                "expand": ["data.invoice"],
            }
        )
        for payment in payments.data:
            invoice = payment.invoice
            if isinstance(invoice, stripe.Invoice) and invoice.parent is not None:
                details = invoice.parent.subscription_details
                if details is not None:
                    return object_id(details.subscription)
        return ""
