"""Stripe Checkout and the Customer Portal: pages Stripe hosts for paying and managing billing."""

from __future__ import annotations

from stripe.params.checkout import (
    SessionCreateParams,
    SessionCreateParamsLineItem,
    SessionCreateParamsPaymentIntentData,
    SessionCreateParamsSubscriptionData,
)

from pay.processors.data import (
    CheckoutRequest,
    CheckoutSession,
    CustomerDetails,
    LineItem,
    PaymentMethodDetails,
)

from .client import StripeAPI, idempotency_key, stripe_errors, with_options
from .translate import (
    NAME_KEY,
    OWNER_KEY,
    checkout_session,
    object_id,
    payment_method_details,
    subscription_details,
)

#: Stripe replaces this in ``success_url`` with the session's id.
SESSION_ID_PLACEHOLDER = "{CHECKOUT_SESSION_ID}"


class StripeCheckout(StripeAPI):
    @stripe_errors()
    def create_checkout(
        self, customer: CustomerDetails, request: CheckoutRequest
    ) -> CheckoutSession:
        """A Checkout Session; ``name`` names the subscription, other options go to Stripe.

        ``success_url`` gets ``session_id={CHECKOUT_SESSION_ID}`` so the return page can call
        ``customer.sync_checkout_session(request.GET["session_id"])``.
        """
        options = dict(request.options)
        supplied_key = options.pop("idempotency_key", None)
        name = options.pop("name", "default")
        owner = {OWNER_KEY: customer.owner.reference}
        params: SessionCreateParams = {
            "mode": request.mode,
            "customer": customer.processor_id,
            "client_reference_id": customer.owner.reference,
            "success_url": with_session_id(request.success_url),
            "cancel_url": request.cancel_url,
            "metadata": owner,
        }
        if request.mode != "setup":
            params["line_items"] = [_line_item(item) for item in request.line_items]
        if request.mode == "subscription":
            subscription_data: SessionCreateParamsSubscriptionData = {
                "metadata": {**owner, NAME_KEY: name}
            }
            params["subscription_data"] = with_options(
                subscription_data, options.pop("subscription_data", {})
            )
        elif request.mode == "payment":
            payment_data: SessionCreateParamsPaymentIntentData = {"metadata": owner}
            params["payment_intent_data"] = with_options(
                payment_data, options.pop("payment_intent_data", {})
            )
        else:
            params["currency"] = options.pop("currency", "usd")
        key = idempotency_key("checkout", customer.processor_id, supplied_key)
        session = self.client.v1.checkout.sessions.create(
            with_options(params, options), {"idempotency_key": key}
        )
        return checkout_session(session)

    @stripe_errors()
    def retrieve_checkout(self, session_id: str) -> CheckoutSession:
        session = self.client.v1.checkout.sessions.retrieve(session_id)
        if session.status != "complete" or not session.subscription:
            return checkout_session(session)
        subscription = self.fetch_subscription(object_id(session.subscription))
        method_id = object_id(subscription.default_payment_method)
        return checkout_session(
            session,
            subscription_details(subscription),
            self._paid_with(object_id(session.customer), method_id) if method_id else None,
        )

    def _paid_with(self, customer_id: str, method_id: str) -> PaymentMethodDetails:
        """The card a checkout was paid with; the customer's default unless they chose
        another one as default at Stripe."""
        method = self.client.v1.payment_methods.retrieve(method_id)
        default = self.default_payment_method_id(customer_id) in ("", method_id)
        return payment_method_details(method, default)

    @stripe_errors()
    def billing_portal_url(self, customer: CustomerDetails, return_url: str) -> str:
        session = self.client.v1.billing_portal.sessions.create(
            {"customer": customer.processor_id, "return_url": return_url}
        )
        return session.url


def with_session_id(url: str) -> str:
    """``url`` with ``session_id={CHECKOUT_SESSION_ID}`` in its query, unless already there."""
    if SESSION_ID_PLACEHOLDER in url:
        return url
    base, hash_sign, fragment = url.partition("#")
    separator = "&" if "?" in base else "?"
    return f"{base}{separator}session_id={SESSION_ID_PLACEHOLDER}{hash_sign}{fragment}"


def _line_item(item: LineItem) -> SessionCreateParamsLineItem:
    line: SessionCreateParamsLineItem = {"price": item.price, "quantity": item.quantity}
    if item.adjustable_quantity:
        line["adjustable_quantity"] = {"enabled": True, "minimum": 1}
    return line
