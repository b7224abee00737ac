from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

import stripe
from stripe.params import (
    SubscriptionCreateParams,
    SubscriptionListParams,
    SubscriptionUpdateParams,
    SubscriptionUpdateParamsItem,
    SubscriptionUpdateParamsPauseCollection,
)

from pay.errors import ActionRequired, InvalidAction, PaymentDeclined
from pay.processors.data import CustomerDetails, SubscribeRequest, SubscriptionDetails

from .client import StripeAPI, idempotency_key, stripe_errors, with_options
from .translate import (
    NAME_KEY,
    OWNER_KEY,
    PAUSE_STARTS_KEY,
    latest_payment_intent_id,
    subscription_details,
    timestamp,
)

PAUSE_BEHAVIORS = ("mark_uncollectible", "keep_as_draft", "void")
#: Stripe's payment_intent statuses that wait for the customer (3-D Secure and the like).
_NEEDS_CUSTOMER = ("requires_action", "requires_confirmation")


class StripeSubscriptions(StripeAPI):
    """Subscriptions on Stripe Billing.

    Creating and updating use ``payment_behavior="allow_incomplete"``: a first payment
    that needs 3-D Secure leaves the subscription ``incomplete`` and raises
    ActionRequired carrying what the confirmation page needs; a declined first payment
    cancels the incomplete subscription and raises PaymentDeclined.
    """

    @stripe_errors()
    def subscribe(
        self, customer: CustomerDetails, request: SubscribeRequest
    ) -> SubscriptionDetails:
        options = dict(request.options)
        supplied_key = options.pop("idempotency_key", None)
        params: SubscriptionCreateParams = {
            "customer": customer.processor_id,
            "items": [{"price": request.plan, "quantity": request.quantity}],
            "metadata": {OWNER_KEY: customer.owner.reference, NAME_KEY: request.name},
            "payment_behavior": "allow_incomplete",
            "expand": self.SUBSCRIPTION_EXPAND,
        }
        if request.trial_period_days:
            params["trial_period_days"] = request.trial_period_days
        key = idempotency_key("subscribe", f"{customer.processor_id}-{request.name}", supplied_key)
        subscription = self.client.v1.subscriptions.create(
            with_options(params, options), {"idempotency_key": key}
        )
        return self._settled(subscription, cancel_if_declined=True)

    @stripe_errors()
    def cancel(self, subscription: SubscriptionDetails) -> SubscriptionDetails:
        return self._update(subscription.processor_id, {"cancel_at_period_end": True})

    @stripe_errors()
    def cancel_now(self, subscription: SubscriptionDetails) -> SubscriptionDetails:
        try:
            cancelled = self.client.v1.subscriptions.cancel(subscription.processor_id)
        except stripe.InvalidRequestError:
            # DELETE carries no idempotency key: when the SDK retries one whose answer was
            # lost, Stripe refuses to cancel twice. Cancelled is what was asked for.
            cancelled = self.fetch_subscription(subscription.processor_id)
            if cancelled.status != "canceled":
                raise
        return subscription_details(cancelled)

    @stripe_errors()
    def resume(self, subscription: SubscriptionDetails) -> SubscriptionDetails:
        """End a pause (a ``paused`` status or paused collection) or undo a cancellation."""
        if subscription.status == "paused":
            resumed = self.client.v1.subscriptions.resume(
                subscription.processor_id, {"expand": self.SUBSCRIPTION_EXPAND}
            )
            return self._settled(resumed)
        return self._update(
            subscription.processor_id,
            {
                "cancel_at_period_end": False,
                "pause_collection": "",
                "metadata": {PAUSE_STARTS_KEY: ""},
            },
        )

    @stripe_errors()
    def swap(
        self, subscription: SubscriptionDetails, plan: str, options: Mapping[str, Any]
    ) -> SubscriptionDetails:
        """Move the plan item to ``plan``; ``options`` such as proration_behavior go to Stripe."""
        return self._change_plan_item(subscription.processor_id, {"price": plan}, options)

    @stripe_errors()
    def change_quantity(
        self, subscription: SubscriptionDetails, quantity: int, options: Mapping[str, Any]
    ) -> SubscriptionDetails:
        return self._change_plan_item(subscription.processor_id, {"quantity": quantity}, options)

    @stripe_errors()
    def pause(
        self, subscription: SubscriptionDetails, behavior: str | None, resumes_at: datetime | None
    ) -> SubscriptionDetails:
        """Pause collection (Stripe's ``pause_collection``) from the end of the paid period."""
        behavior = behavior or "mark_uncollectible"
        if behavior not in PAUSE_BEHAVIORS:
            raise InvalidAction(
                f"Stripe pauses with one of {', '.join(PAUSE_BEHAVIORS)}, not {behavior!r}."
            )
        current = self.fetch_subscription(subscription.processor_id)
        paid_until = current.items.data[0].current_period_end
        pause: SubscriptionUpdateParamsPauseCollection = {"behavior": behavior}
        if resumes_at is not None:
            pause["resumes_at"] = timestamp(resumes_at)
        return self._update(
            subscription.processor_id,
            {"pause_collection": pause, "metadata": {PAUSE_STARTS_KEY: str(paid_until)}},
        )

    @stripe_errors()
    def retrieve_subscription(self, subscription: SubscriptionDetails) -> SubscriptionDetails:
        return subscription_details(self.fetch_subscription(subscription.processor_id))

    @stripe_errors()
    def list_subscriptions(
        self,
        customer: CustomerDetails,
        status: str = "all",
        known: Sequence[SubscriptionDetails] = (),
    ) -> list[SubscriptionDetails]:
        """Every subscription of the customer at Stripe, including ones made in the Dashboard."""
        params: SubscriptionListParams = {
            "customer": customer.processor_id,
            "status": status,
            "limit": 100,
            "expand": [f"data.{path}" for path in self.SUBSCRIPTION_EXPAND],
        }
        listed = self.client.v1.subscriptions.list(params)
        return [subscription_details(s) for s in listed.auto_paging_iter()]

    @stripe_errors()
    def processor_subscription(self, subscription: SubscriptionDetails) -> stripe.Subscription:
        return self.fetch_subscription(subscription.processor_id)

    # Plumbing

    def _update(
        self, subscription_id: str, params: SubscriptionUpdateParams
    ) -> SubscriptionDetails:
        params = {"payment_behavior": "allow_incomplete", **params}
        params["expand"] = self.SUBSCRIPTION_EXPAND
        return self._settled(self.client.v1.subscriptions.update(subscription_id, params))

    def _change_plan_item(
        self,
        subscription_id: str,
        change: SubscriptionUpdateParamsItem,
        options: Mapping[str, Any],
    ) -> SubscriptionDetails:
        """Change the first item, the one that carries the plan."""
        items = self.fetch_subscription(subscription_id).items.data
        if not items:
            raise InvalidAction(f"Stripe subscription {subscription_id} has no items to change.")
        params: SubscriptionUpdateParams = {"items": [{**change, "id": items[0].id}]}
        return self._update(subscription_id, with_options(params, options))

    def _settled(
        self, subscription: stripe.Subscription, cancel_if_declined: bool = False
    ) -> SubscriptionDetails:
        """The subscription's details, or the error its unpaid latest invoice calls for."""
        details = subscription_details(subscription)
        intent_id = latest_payment_intent_id(subscription)
        if subscription.status not in ("incomplete", "past_due") or not intent_id:
            return details
        intent = self.client.v1.payment_intents.retrieve(intent_id)
        if intent.status in _NEEDS_CUSTOMER:
            raise ActionRequired(
                "The payment needs the customer's confirmation (3-D Secure). "
                "Send them to the payment confirmation page.",
                client_secret=intent.client_secret or "",
                payment_intent_id=intent.id,
                subscription=details,
            )
        if cancel_if_declined and intent.status == "requires_payment_method":
            self.client.v1.subscriptions.cancel(subscription.id)
            error = intent.last_payment_error
            reason = (error.message if error else None) or "The card was declined."
            raise PaymentDeclined(f"{reason} Ask the customer for another payment method.")
        return details
