"""Subscriptions: scheduled changes, pauses, item changes, and time passing."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from pay.processors.fake.periods import add_interval

from .base import Json, PaddleError, invalid, new_id
from .transactions import Transactions


class Subscriptions(Transactions):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._routes += [
            ("GET", re.compile(r"/subscriptions"), self._list_subscriptions),
            ("GET", re.compile(r"/subscriptions/(sub_\w+)"), self._get_subscription),
            ("PATCH", re.compile(r"/subscriptions/(sub_\w+)"), self._update_subscription),
            ("POST", re.compile(r"/subscriptions/(sub_\w+)/cancel"), self._cancel),
            ("POST", re.compile(r"/subscriptions/(sub_\w+)/pause"), self._pause),
            ("POST", re.compile(r"/subscriptions/(sub_\w+)/resume"), self._resume),
        ]

    def _start_subscription(self, transaction: Json, recurring: list[Json], trial: bool) -> None:
        now = timezone.now()
        cycle = recurring[0]["price"]["billing_cycle"]
        trial_period = recurring[0]["price"]["trial_period"]
        end = (
            add_interval(now, trial_period["interval"], trial_period["frequency"])
            if trial
            else add_interval(now, cycle["interval"], cycle["frequency"])
        )
        subscription = {
            "id": new_id("sub"),
            "status": "trialing" if trial else "active",
            "customer_id": transaction["customer_id"],
            "address_id": transaction["address_id"],
            "business_id": None,
            "currency_code": transaction["currency_code"],
            "created_at": now,
            "updated_at": now,
            "started_at": now,
            "first_billed_at": None if trial else now,
            "next_billed_at": end,
            "paused_at": None,
            "canceled_at": None,
            "discount": None,
            "collection_mode": "automatic",
            "billing_details": None,
            "current_billing_period": {"starts_at": now, "ends_at": end},
            "billing_cycle": dict(cycle),
            "scheduled_change": None,
            "items": [
                {
                    "status": "trialing" if trial else "active",
                    "quantity": item["quantity"],
                    "recurring": True,
                    "created_at": now,
                    "updated_at": now,
                    "previously_billed_at": None if trial else now,
                    "next_billed_at": end,
                    "trial_dates": {"starts_at": now, "ends_at": end} if trial else None,
                    "price": item["price"],
                }
                for item in recurring
            ],
            "custom_data": transaction["custom_data"],
            "import_meta": None,
        }
        self.subscriptions[subscription["id"]] = subscription
        transaction.update(
            subscription_id=subscription["id"],
            billing_period={"starts_at": now, "ends_at": end},
        )
        self._emit(
            "subscription.created",
            {**self._webhook_view(subscription), "transaction_id": transaction["id"]},
        )
        self._emit(
            "subscription.trialing" if trial else "subscription.activated",
            self._webhook_view(subscription),
        )

    def _api_view(self, subscription: Json) -> Json:
        base = f"https://sandbox-buyer-portal.paddle.com/subscriptions/{subscription['id']}"
        return {
            **self._webhook_view(subscription),
            "management_urls": {
                "update_payment_method": f"{base}/update-payment-method",
                "cancel": f"{base}/cancel",
            },
            "consent_requirements": [],
        }

    def _webhook_view(self, subscription: Json) -> Json:
        return {
            **subscription,
            "items": [
                {**item, "product": self.products[item["price"]["product_id"]]}
                for item in subscription["items"]
            ],
        }

    def _subscription(self, subscription_id: str) -> Json:
        if subscription_id not in self.subscriptions:
            raise PaddleError(404, "not_found", f"Subscription {subscription_id} not found.")
        subscription = self.subscriptions[subscription_id]
        self._catch_up(subscription)
        return subscription

    def advance(self) -> None:
        """Let every subscription do what fell due by now (renewals, scheduled changes)."""
        for subscription in self.subscriptions.values():
            self._catch_up(subscription)

    def _get_subscription(self, subscription_id: str, *, query: dict[str, str], body: Json) -> Any:
        return self._one(self._api_view(self._subscription(subscription_id)))

    def _list_subscriptions(self, *, query: dict[str, str], body: Json) -> tuple[int, Json]:
        self.advance()
        customers = query["customer_id"].split(",") if "customer_id" in query else None
        statuses = query["status"].split(",") if "status" in query else None
        found = [
            self._api_view(subscription)
            for subscription in self.subscriptions.values()
            if (customers is None or subscription["customer_id"] in customers)
            and (statuses is None or subscription["status"] in statuses)
        ]
        return self._page(found, "/subscriptions", query)

    def _catch_up(self, subscription: Json) -> None:
        """Apply, in order, everything that fell due: scheduled changes and renewals."""
        while True:
            now = timezone.now()
            change = subscription["scheduled_change"]
            renews_at = subscription["next_billed_at"]
            if change is not None and change["effective_at"] <= now:
                self._apply_scheduled_change(subscription, change)
            elif renews_at is not None and renews_at <= now:
                self._renew(subscription, renews_at)
            else:
                return

    def _apply_scheduled_change(self, subscription: Json, change: Json) -> None:
        at = change["effective_at"]
        subscription["scheduled_change"] = None
        if change["action"] == "cancel":
            self._end(subscription, at)
        elif change["action"] == "pause":
            self._pause_now(subscription, at, change["resume_at"])
        else:
            self._resume_now(subscription, at)

    def _renew(self, subscription: Json, start: datetime) -> None:
        was_trialing = subscription["status"] == "trialing"
        end = self._period_end(subscription, start)
        self._set_period(subscription, start, end)
        transaction = self._bill(subscription, "subscription_recurring")
        if transaction["status"] == "completed":
            subscription["status"] = "active"
            subscription["first_billed_at"] = subscription["first_billed_at"] or start
            for item in subscription["items"]:
                item["status"] = "active"
            self._emit(
                "subscription.activated" if was_trialing else "subscription.updated",
                self._webhook_view(subscription),
            )
        else:
            subscription["status"] = "past_due"
            self._emit("subscription.past_due", self._webhook_view(subscription))

    def _period_end(self, subscription: Json, start: datetime) -> datetime:
        cycle = subscription["billing_cycle"]
        return add_interval(start, cycle["interval"], cycle["frequency"])

    def _set_period(self, subscription: Json, start: datetime, end: datetime) -> None:
        subscription.update(
            current_billing_period={"starts_at": start, "ends_at": end},
            next_billed_at=end,
            updated_at=timezone.now(),
        )
        for item in subscription["items"]:
            item.update(previously_billed_at=start, next_billed_at=end)

    def _bill(
        self,
        subscription: Json,
        origin: str,
        charged: Sequence[int | None] | None = None,
        proration: Json | None = None,
    ) -> Json:
        """A transaction for the subscription's items, collected from the saved card."""
        transaction = self._new_transaction(
            customer_id=subscription["customer_id"],
            lines=[(item["price"], item["quantity"]) for item in subscription["items"]],
            origin=origin,
            custom_data=subscription["custom_data"],
            subscription_id=subscription["id"],
            billing_period=subscription["current_billing_period"],
            charged=charged,
            proration=proration,
        )
        self._collect(transaction)
        return transaction

    def _end(self, subscription: Json, at: datetime) -> None:
        subscription.update(
            status="canceled",
            canceled_at=at,
            current_billing_period=None,
            next_billed_at=None,
            scheduled_change=None,
            updated_at=timezone.now(),
        )
        for item in subscription["items"]:
            item.update(status="inactive", next_billed_at=None)
        self._emit("subscription.canceled", self._webhook_view(subscription))

    def _pause_now(self, subscription: Json, at: datetime, resume_at: datetime | None) -> None:
        """Paused: nothing is billed; since December 2024 the billing period is kept."""
        subscription.update(
            status="paused",
            paused_at=at,
            next_billed_at=None,
            scheduled_change=(
                {"action": "resume", "effective_at": resume_at, "resume_at": None}
                if resume_at
                else None
            ),
            updated_at=timezone.now(),
        )
        for item in subscription["items"]:
            item["next_billed_at"] = None
        self._emit("subscription.paused", self._webhook_view(subscription))

    def _resume_now(self, subscription: Json, at: datetime) -> None:
        """``start_new_billing_period``, Paddle's default: a new period from now, billed now."""
        subscription.update(status="active", paused_at=None, scheduled_change=None)
        self._set_period(subscription, at, self._period_end(subscription, at))
        self._bill(subscription, "subscription_recurring")
        self._emit("subscription.resumed", self._webhook_view(subscription))

    def _modifiable(self, subscription: Json) -> None:
        if subscription["status"] == "canceled":
            raise PaddleError(
                400,
                "subscription_update_when_canceled",
                "Subscription is canceled and cannot be changed.",
            )

    def _cancel(self, subscription_id: str, *, query: dict[str, str], body: Json) -> Any:
        subscription = self._subscription(subscription_id)
        self._modifiable(subscription)
        effective_from = body.get("effective_from") or "next_billing_period"
        if effective_from == "immediately":
            self._end(subscription, timezone.now())
        elif subscription["status"] == "paused" or subscription["next_billed_at"] is None:
            raise invalid("A paused subscription can only be canceled immediately.")
        else:
            subscription["scheduled_change"] = {
                "action": "cancel",
                "effective_at": subscription["current_billing_period"]["ends_at"],
                "resume_at": None,
            }
            subscription["updated_at"] = timezone.now()
            self._emit("subscription.updated", self._webhook_view(subscription))
        return self._one(self._api_view(subscription))

    def _pause(self, subscription_id: str, *, query: dict[str, str], body: Json) -> Any:
        subscription = self._subscription(subscription_id)
        if subscription["status"] != "active":
            raise PaddleError(
                400,
                "subscription_not_active",
                f"Only active subscriptions can be paused; this one is {subscription['status']}.",
            )
        effective_from = body.get("effective_from") or "next_billing_period"
        resume_at = datetime.fromisoformat(body["resume_at"]) if body.get("resume_at") else None
        now = timezone.now()
        starts_at = (
            now
            if effective_from == "immediately"
            else subscription["current_billing_period"]["ends_at"]
        )
        if resume_at is not None and resume_at <= starts_at:
            raise invalid("resume_at must be after the pause takes effect.")
        if effective_from == "immediately":
            self._pause_now(subscription, now, resume_at)
        else:
            subscription["scheduled_change"] = {
                "action": "pause",
                "effective_at": starts_at,
                "resume_at": resume_at,
            }
            subscription["updated_at"] = now
            self._emit("subscription.updated", self._webhook_view(subscription))
        return self._one(self._api_view(subscription))

    def _resume(self, subscription_id: str, *, query: dict[str, str], body: Json) -> Any:
        subscription = self._subscription(subscription_id)
        effective_from = body.get("effective_from")
        if not effective_from:
            raise invalid("effective_from is required.")
        now = timezone.now()
        at = now if effective_from == "immediately" else datetime.fromisoformat(effective_from)
        change = subscription["scheduled_change"]
        if subscription["status"] == "paused":
            if at <= now:
                self._resume_now(subscription, now)
            else:
                subscription["scheduled_change"] = {
                    "action": "resume",
                    "effective_at": at,
                    "resume_at": None,
                }
        elif change is not None and change["action"] == "pause":
            change["resume_at"] = at
        else:
            raise invalid("Only paused subscriptions, or ones scheduled to pause, can be resumed.")
        return self._one(self._api_view(subscription))

    def _update_subscription(
        self, subscription_id: str, *, query: dict[str, str], body: Json
    ) -> Any:
        subscription = self._subscription(subscription_id)
        self._modifiable(subscription)
        allowed = {
            "items",
            "proration_billing_mode",
            "on_payment_failure",
            "scheduled_change",
            "custom_data",
        }
        if set(body) - allowed:
            raise invalid(f"This double does not update {sorted(set(body) - allowed)}.")
        if "scheduled_change" in body:
            if body["scheduled_change"] is not None:
                raise invalid("scheduled_change can only be set to null.")
            subscription["scheduled_change"] = None
        if "custom_data" in body:
            subscription["custom_data"] = body["custom_data"]
        if "items" in body:
            self._replace_items(subscription, body)
        subscription["updated_at"] = timezone.now()
        self._emit("subscription.updated", self._webhook_view(subscription))
        return self._one(self._api_view(subscription))

    def _replace_items(self, subscription: Json, body: Json) -> None:
        mode = body.get("proration_billing_mode")
        if mode is None:
            raise invalid("proration_billing_mode is required when changing items.")
        now = timezone.now()
        old_amount = self._period_amount(subscription["items"])
        existing = {item["price"]["id"]: item for item in subscription["items"]}
        items = []
        for requested in body["items"]:
            price = self._price(requested["price_id"])
            if not price["billing_cycle"]:
                raise invalid(f"{price['id']} is not a recurring price.")
            current = existing.get(price["id"])
            quantity = requested.get("quantity") or (current["quantity"] if current else 1)
            items.append(
                {
                    **(current or subscription["items"][0]),
                    "price": price,
                    "quantity": quantity,
                    "created_at": current["created_at"] if current else now,
                    "updated_at": now,
                }
            )
        cycle = items[0]["price"]["billing_cycle"]
        subscription["items"] = items
        if subscription["status"] == "trialing":
            subscription["billing_cycle"] = dict(cycle)
            return
        if cycle != subscription["billing_cycle"]:
            subscription["billing_cycle"] = dict(cycle)
            self._set_period(subscription, now, self._period_end(subscription, now))
        self._bill_change(subscription, mode, old_amount)

    def _period_amount(self, items: list[Json]) -> int:
        return sum(int(item["price"]["unit_price"]["amount"]) * item["quantity"] for item in items)

    def _bill_change(self, subscription: Json, mode: str, old_amount: int) -> None:
        """Bill an item change now when the mode says so; other modes wait for the renewal."""
        period = subscription["current_billing_period"]
        if mode == "full_immediately":
            self._bill(subscription, "subscription_update")
        if mode != "prorated_immediately":
            return
        now = timezone.now()
        remaining = (period["ends_at"] - now) / (period["ends_at"] - period["starts_at"])
        difference = self._period_amount(subscription["items"]) - old_amount
        prorated = int((Decimal(difference) * Decimal(remaining)).quantize(Decimal(1)))
        if prorated <= 0:
            return  # a credit: Paddle keeps it on the customer's balance
        share = [prorated] + [0] * (len(subscription["items"]) - 1)
        proration = {
            "rate": f"{remaining:.4f}",
            "billing_period": {"starts_at": now, "ends_at": period["ends_at"]},
        }
        self._bill(subscription, "subscription_update", charged=share, proration=proration)
