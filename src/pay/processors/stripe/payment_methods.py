from __future__ import annotations

from dataclasses import dataclass

import stripe

from pay.processors.data import CustomerDetails, PaymentMethodDetails

from .client import StripeAPI, idempotency_key, stripe_errors
from .translate import OWNER_KEY, object_id, payment_method_details


@dataclass(frozen=True)
class SetupIntentDetails:
    """A SetupIntent: Stripe.js confirms ``client_secret`` to save a card for later."""

    processor_id: str
    client_secret: str
    status: str
    payment_method_processor_id: str = ""


class StripePaymentMethods(StripeAPI):
    @stripe_errors()
    def add_payment_method(
        self, customer: CustomerDetails, token: str, default: bool
    ) -> PaymentMethodDetails:
        """Attach a PaymentMethod id (``pm_…``) or a card token (``tok_…``) to the customer.

        Attaching a method that is already the customer's (e.g. saved by a SetupIntent)
        changes nothing, so this also records a card saved through Stripe.js.
        """
        method_id = self._card_from_token(token) if token.startswith("tok_") else token
        method = self.client.v1.payment_methods.attach(
            method_id,
            {"customer": customer.processor_id},
            {"idempotency_key": idempotency_key("attach", method_id, customer.processor_id)},
        )
        if default:
            self.client.v1.customers.update(
                customer.processor_id, {"invoice_settings": {"default_payment_method": method.id}}
            )
        return payment_method_details(method, default)

    @stripe_errors()
    def create_setup_intent(self, customer: CustomerDetails) -> SetupIntentDetails:
        """Start saving a card that Stripe.js collects (and authenticates) for later payments."""
        intent = self.client.v1.setup_intents.create(
            {
                "customer": customer.processor_id,
                "usage": "off_session",
                "automatic_payment_methods": {"enabled": True},
                "metadata": {OWNER_KEY: customer.owner.reference},
            },
            {"idempotency_key": idempotency_key("setup", customer.processor_id)},
        )
        return _setup_intent_details(intent)

    @stripe_errors()
    def retrieve_setup_intent(self, setup_intent_id: str) -> SetupIntentDetails:
        return _setup_intent_details(self.client.v1.setup_intents.retrieve(setup_intent_id))

    def _card_from_token(self, token: str) -> str:
        method = self.client.v1.payment_methods.create(
            {"type": "card", "card": {"token": token}},
            {"idempotency_key": idempotency_key("card", "token", token)},
        )
        return method.id


def _setup_intent_details(intent: stripe.SetupIntent) -> SetupIntentDetails:
    return SetupIntentDetails(
        processor_id=intent.id,
        client_secret=intent.client_secret or "",
        status=intent.status,
        payment_method_processor_id=object_id(intent.payment_method),
    )
