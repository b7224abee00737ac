from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from paddle_billing.Entities.DateTime import DateTime
from paddle_billing.Entities.Subscriptions import (
    SubscriptionEffectiveFrom,
    SubscriptionOnPaymentFailure,
    SubscriptionProrationBillingMode,
    SubscriptionResumeEffectiveFrom,
    SubscriptionStatus,
)
from paddle_billing.Resources.Subscriptions.Operations import (
    CancelSubscription,
    ListSubscriptions,
    PauseSubscription,
    ResumeSubscription,
    UpdateSubscription,
)
from paddle_billing.Resources.Subscriptions.Operations.Update import SubscriptionUpdateItem

from pay.errors import InvalidAction, InvalidOwnerReference
from pay.owners import unsign_reference
from pay.processors.data import CustomerDetails, SubscribeRequest, SubscriptionDetails

from .client import PaddleAPI, paddle_errors
from .translate import OWNER_KEY, custom_data, subscription_details

#: How Paddle bills an item change (swap, quantity); Pay's default is to prorate now.
PRORATION_MODES = (
    "prorated_immediately",
    "prorated_next_billing_period",
    "full_immediately",
    "full_next_billing_period",
    "do_not_bill",
)
DEFAULT_PRORATION_MODE = "prorated_immediately"
ON_PAYMENT_FAILURE = ("prevent_change", "apply_change")

#: ``pause(behavior=...)``: when the pause starts. The default keeps the paid period.
PAUSE_BEHAVIORS = ("next_billing_period", "immediately")


class PaddleSubscriptions(PaddleAPI):
    """Subscriptions that Paddle Checkout created, changed through Paddle's API."""

    def subscribe(
        self, customer: CustomerDetails, request: SubscribeRequest
    ) -> SubscriptionDetails:
        raise self.not_supported("subscribe")

    def cancel(self, subscription: SubscriptionDetails) -> SubscriptionDetails:
        """At the end of the period; a paused one has no next billing date, so it ends now."""
        paused = self._fetch(subscription).status == SubscriptionStatus.Paused
        return self._cancel(subscription, "immediately" if paused else "next_billing_period")

    def cancel_now(self, subscription: SubscriptionDetails) -> SubscriptionDetails:
        return self._cancel(subscription, "immediately")

    def _cancel(
        self, subscription: SubscriptionDetails, effective_from: str
    ) -> SubscriptionDetails:
        operation = CancelSubscription(effective_from=SubscriptionEffectiveFrom(effective_from))
        with paddle_errors("cancel the subscription"):
            canceled = self.client.subscriptions.cancel(subscription.processor_id, operation)
        return subscription_details(canceled)

    def resume(self, subscription: SubscriptionDetails) -> SubscriptionDetails:
        """End a pause now, or drop a scheduled cancellation or pause."""
        current = self._fetch(subscription)
        with paddle_errors("resume the subscription"):
            if current.status == SubscriptionStatus.Paused:
                resumed = self.client.subscriptions.resume(
                    current.id,
                    ResumeSubscription(effective_from=SubscriptionResumeEffectiveFrom.Immediately),
                )
            elif current.scheduled_change is not None:
                resumed = self.client.subscriptions.update(
                    current.id, UpdateSubscription(scheduled_change=None)
                )
            else:
                raise InvalidAction(
                    f"Paddle subscription {current.id} is neither paused nor scheduled to "
                    "cancel or pause, so there is nothing to resume."
                )
        return subscription_details(resumed)

    def swap(
        self, subscription: SubscriptionDetails, plan: str, options: Mapping[str, Any]
    ) -> SubscriptionDetails:
        """Replace the plan's price, keeping its quantity; ``proration_billing_mode`` says how
        to bill the difference (default ``prorated_immediately``)."""
        return self._change_plan_item(subscription, options, price_id=plan)

    def change_quantity(
        self, subscription: SubscriptionDetails, quantity: int, options: Mapping[str, Any]
    ) -> SubscriptionDetails:
        if quantity < 1:
            raise InvalidAction("Paddle bills at least one unit; cancel the subscription instead.")
        return self._change_plan_item(subscription, options, quantity=quantity)

    def _change_plan_item(
        self,
        subscription: SubscriptionDetails,
        options: Mapping[str, Any],
        *,
        price_id: str | None = None,
        quantity: int | None = None,
    ) -> SubscriptionDetails:
        """PATCH the item list: Paddle removes any item the request leaves out."""
        update = _item_update(options)
        current = self._fetch(subscription)
        plan_index = _plan_item_index(current, subscription.plan)
        update.items = [
            SubscriptionUpdateItem(price_id=item.price.id, quantity=item.quantity)
            for item in current.items
        ]
        plan_item = update.items[plan_index]
        plan_item.price_id = price_id or plan_item.price_id
        plan_item.quantity = quantity or plan_item.quantity
        with paddle_errors("change the subscription's items"):
            updated = self.client.subscriptions.update(current.id, update)
        return subscription_details(updated)

    def pause(
        self, subscription: SubscriptionDetails, behavior: str | None, resumes_at: datetime | None
    ) -> SubscriptionDetails:
        """Pause at the end of the paid period (active until then), or ``"immediately"``."""
        effective_from = behavior or "next_billing_period"
        if effective_from not in PAUSE_BEHAVIORS:
            raise InvalidAction(
                f"Paddle pauses at 'next_billing_period' or 'immediately', not {behavior!r}."
            )
        operation = PauseSubscription(
            effective_from=SubscriptionEffectiveFrom(effective_from),
            resume_at=_paddle_time(resumes_at) if resumes_at is not None else None,
        )
        with paddle_errors("pause the subscription"):
            paused = self.client.subscriptions.pause(subscription.processor_id, operation)
        return subscription_details(paused)

    def retrieve_subscription(self, subscription: SubscriptionDetails) -> SubscriptionDetails:
        return subscription_details(self._fetch(subscription))

    def list_subscriptions(
        self,
        customer: CustomerDetails,
        status: str = "all",
        known: Sequence[SubscriptionDetails] = (),
    ) -> list[SubscriptionDetails]:
        """The customer's subscriptions, leaving out any a checkout signed for another owner.

        Paddle keys customers by email, so two owners sharing one could share a
        Paddle customer; the signed owner reference keeps their subscriptions apart.
        """
        statuses = [] if status == "all" else [SubscriptionStatus(status)]
        if statuses and not statuses[0].is_known():
            return []
        operation = ListSubscriptions(customer_ids=[customer.processor_id], statuses=statuses)
        with paddle_errors("list the customer's subscriptions"):
            listed = list(self.client.subscriptions.list(operation))
        return [
            subscription_details(subscription)
            for subscription in listed
            if not _signed_for_another_owner(subscription, customer)
        ]

    def processor_subscription(self, subscription: SubscriptionDetails) -> Any:
        """The SDK's Subscription, with fresh ``management_urls``."""
        return self._fetch(subscription)

    def management_urls(self, subscription: SubscriptionDetails) -> dict[str, str]:
        """Paddle's pages where the customer cancels or updates the payment method.

        The links are short-lived: fetch them when the customer asks, don't store them.
        """
        urls = self._fetch(subscription).management_urls
        if urls is None:
            return {}
        found = {"cancel": urls.cancel, "update_payment_method": urls.update_payment_method}
        return {action: url for action, url in found.items() if url}

    def _fetch(self, subscription: SubscriptionDetails) -> Any:
        with paddle_errors("fetch the subscription"):
            return self.client.subscriptions.get(subscription.processor_id)


def _item_update(options: Mapping[str, Any]) -> UpdateSubscription:
    unknown = set(options) - {"proration_billing_mode", "on_payment_failure"}
    if unknown:
        raise InvalidAction(
            f"Paddle does not take {', '.join(sorted(unknown))}; it takes "
            "proration_billing_mode and on_payment_failure."
        )
    mode = options.get("proration_billing_mode", DEFAULT_PRORATION_MODE)
    if mode not in PRORATION_MODES:
        raise InvalidAction(
            f"proration_billing_mode must be one of {', '.join(PRORATION_MODES)}, not {mode!r}."
        )
    update = UpdateSubscription(proration_billing_mode=SubscriptionProrationBillingMode(mode))
    if "on_payment_failure" in options:
        on_failure = options["on_payment_failure"]
        if on_failure not in ON_PAYMENT_FAILURE:
            raise InvalidAction(
                f"on_payment_failure must be prevent_change or apply_change, not {on_failure!r}."
            )
        update.on_payment_failure = SubscriptionOnPaymentFailure(on_failure)
    return update


def _plan_item_index(subscription: Any, plan: str) -> int:
    """The item billing ``plan``; the first one if the plan was changed elsewhere."""
    prices = [item.price.id for item in subscription.items]
    return prices.index(plan) if plan in prices else 0


def _paddle_time(moment: datetime) -> DateTime:
    return DateTime(moment.astimezone(UTC).isoformat())


def _signed_for_another_owner(subscription: Any, customer: CustomerDetails) -> bool:
    signed = custom_data(subscription).get(OWNER_KEY)
    if not signed:
        return False
    try:
        return unsign_reference(signed) != customer.owner.reference
    except InvalidOwnerReference:
        return True
