from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from pay.errors import InvalidAction
from pay.processors.data import CustomerDetails, SubscribeRequest, SubscriptionDetails

from .client import LemonSqueezyAPI, Resource, document, store_id
from .translate import lemon_squeezy_time, subscription_details, variant_id

#: Options of a plan or quantity change: how Lemon Squeezy bills the difference.
#: By default it prorates and bills the difference at the next renewal.
CHANGE_OPTIONS = ("invoice_immediately", "disable_prorations")

#: ``pause(behavior=...)``: Lemon Squeezy's pause modes. ``void`` (the default) offers
#: nothing while paused; ``free`` keeps the product available free of charge.
PAUSE_MODES = ("void", "free")


class LemonSqueezySubscriptions(LemonSqueezyAPI):
    """Subscriptions that Lemon Squeezy's checkout created, changed through its API."""

    def subscribe(
        self, customer: CustomerDetails, request: SubscribeRequest
    ) -> SubscriptionDetails:
        raise self.not_supported("subscribe")

    def cancel(self, subscription: SubscriptionDetails) -> SubscriptionDetails:
        """Lemon Squeezy's only cancellation: it runs until ``ends_at``, then expires."""
        cancelled = self.api("DELETE", self._path(subscription), "cancel the subscription")
        return subscription_details(cancelled["data"], subscription.name)

    def cancel_now(self, subscription: SubscriptionDetails) -> SubscriptionDetails:
        raise self.not_supported("cancel_now")

    def resume(self, subscription: SubscriptionDetails) -> SubscriptionDetails:
        """End a pause, or undo a cancellation before it ends."""
        current = self._fetch(subscription)
        attributes = current["attributes"]
        if attributes.get("pause"):
            change: dict[str, Any] = {"pause": None}
        elif attributes["cancelled"] and attributes["status"] == "cancelled":
            change = {"cancelled": False}
        else:
            raise InvalidAction(
                f"Lemon Squeezy subscription {current['id']} is neither paused nor cancelled, "
                "so there is nothing to resume."
            )
        return self._update(subscription, change, "resume the subscription")

    def swap(
        self, subscription: SubscriptionDetails, plan: str, options: Mapping[str, Any]
    ) -> SubscriptionDetails:
        """Move to another variant; ``invoice_immediately`` or ``disable_prorations`` say how
        to bill the difference (by default: prorated, at the next renewal)."""
        change = {"variant_id": variant_id(plan), **_change_options(options)}
        return self._update(subscription, change, "swap the subscription's plan")

    def change_quantity(
        self, subscription: SubscriptionDetails, quantity: int, options: Mapping[str, Any]
    ) -> SubscriptionDetails:
        """Change the subscription item's quantity, billed like a swap."""
        if quantity < 1:
            raise InvalidAction(
                "Lemon Squeezy bills at least one unit; cancel the subscription instead."
            )
        item_id = _item_id(self._fetch(subscription))
        self.api(
            "PATCH",
            f"subscription-items/{item_id}",
            "change the subscription's quantity",
            document=document(
                "subscription-items",
                {"quantity": quantity, **_change_options(options)},
                resource_id=item_id,
            ),
        )
        return self.retrieve_subscription(subscription)

    def pause(
        self, subscription: SubscriptionDetails, behavior: str | None, resumes_at: datetime | None
    ) -> SubscriptionDetails:
        """Pause payment collection now, until ``resumes_at`` or ``resume()``."""
        mode = behavior or "void"
        if mode not in PAUSE_MODES:
            raise InvalidAction(f"Lemon Squeezy pauses in 'void' or 'free' mode, not {behavior!r}.")
        pause = {
            "mode": mode,
            "resumes_at": lemon_squeezy_time(resumes_at) if resumes_at is not None else None,
        }
        return self._update(subscription, {"pause": pause}, "pause the subscription")

    def retrieve_subscription(self, subscription: SubscriptionDetails) -> SubscriptionDetails:
        return subscription_details(self._fetch(subscription), subscription.name)

    def list_subscriptions(
        self,
        customer: CustomerDetails,
        status: str = "all",
        known: Sequence[SubscriptionDetails] = (),
    ) -> list[SubscriptionDetails]:
        """The customer's subscriptions in the store (Lemon Squeezy lists them by email)."""
        email = self.fetch(f"customers/{customer.processor_id}", "fetch the customer")[
            "attributes"
        ]["email"]
        listed = self.fetch_all(
            "subscriptions",
            "list the customer's subscriptions",
            {"store_id": store_id(), "user_email": email},
        )
        names = {details.processor_id: details.name for details in known}
        found = [
            subscription_details(resource, names.get(str(resource["id"]), "default"))
            for resource in listed
            if str(resource["attributes"]["customer_id"]) == customer.processor_id
        ]
        return [details for details in found if status in ("all", details.status)]

    def processor_subscription(self, subscription: SubscriptionDetails) -> Any:
        """The subscription as Lemon Squeezy's JSON:API resource, with fresh ``urls``."""
        return self._fetch(subscription)

    def management_urls(self, subscription: SubscriptionDetails) -> dict[str, str]:
        """Lemon Squeezy's signed pages where the customer updates the card
        (``update_payment_method``) or manages billing (``customer_portal``).

        The links expire: fetch them when the customer asks, don't store them.
        """
        urls = self._fetch(subscription)["attributes"].get("urls") or {}
        return {action: str(url) for action, url in urls.items() if url}

    def _fetch(self, subscription: SubscriptionDetails) -> Resource:
        return self.fetch(self._path(subscription), "fetch the subscription")

    def _update(
        self, subscription: SubscriptionDetails, attributes: Mapping[str, Any], doing: str
    ) -> SubscriptionDetails:
        updated = self.api(
            "PATCH",
            self._path(subscription),
            doing,
            document=document("subscriptions", attributes, resource_id=subscription.processor_id),
        )
        return subscription_details(updated["data"], subscription.name)

    @staticmethod
    def _path(subscription: SubscriptionDetails) -> str:
        return f"subscriptions/{subscription.processor_id}"


def _change_options(options: Mapping[str, Any]) -> dict[str, bool]:
    unknown = set(options) - set(CHANGE_OPTIONS)
    if unknown:
        raise InvalidAction(
            f"Lemon Squeezy does not take {', '.join(sorted(unknown))}; it takes "
            "invoice_immediately and disable_prorations."
        )
    for option, value in options.items():
        if not isinstance(value, bool):
            raise InvalidAction(f"{option} must be True or False, not {value!r}.")
    return dict(options)


def _item_id(subscription: Resource) -> str:
    item = subscription["attributes"].get("first_subscription_item") or {}
    if not item.get("id"):
        raise InvalidAction(
            f"Lemon Squeezy subscription {subscription['id']} has no item whose quantity "
            "could change."
        )
    return str(item["id"])
