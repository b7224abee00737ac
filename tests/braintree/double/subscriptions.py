"""Plans and subscriptions: billing as the clock passes, add-ons, discounts, proration."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

from braintree import ErrorCodes as Codes

from .base import (
    GatewayError,
    Json,
    add_months,
    money,
    new_id,
    now,
    optional_int,
    today,
)
from .transactions import Transactions

#: What Braintree lets one change on a past due subscription: nothing that changes the price.
PAST_DUE_UPDATABLE = {"id", "payment_method_token", "merchant_account_id", "descriptor"}


class Subscriptions(Transactions):
    def __init__(self) -> None:
        super().__init__()
        self._routes += [
            ("GET", re.compile(r"/plans/?"), self._list_plans),
            ("POST", re.compile(r"/subscriptions"), self._create_subscription),
            ("GET", re.compile(r"/subscriptions/([^/]+)"), self._find_subscription),
            ("PUT", re.compile(r"/subscriptions/([^/]+)/cancel"), self._cancel_subscription),
            ("PUT", re.compile(r"/subscriptions/([^/]+)"), self._update_subscription),
        ]

    # The Control Panel: what a merchant sets up by hand

    def add_plan(
        self,
        plan_id: str,
        price: str,
        billing_frequency: int = 1,
        trial_days: int | None = None,
    ) -> None:
        self.plans[plan_id] = {
            "id": plan_id,
            "name": plan_id,
            "price": money(price),
            "billing_frequency": billing_frequency,
            "currency_iso_code": self.currency,
            "trial_period": trial_days is not None,
            "trial_duration": trial_days,
            "trial_duration_unit": "day" if trial_days else None,
            "number_of_billing_cycles": None,
            "add_ons": [],
            "discounts": [],
            "created_at": now(),
            "updated_at": now(),
        }

    def _list_plans(self, body: Json) -> tuple[str, Any]:
        return "plans", list(self.plans.values())

    # The API

    def _create_subscription(self, body: Json) -> tuple[str, Any]:
        params = body.get("subscription", {})
        plan = self.plans.get(params.get("plan_id", ""))
        if plan is None:
            raise GatewayError(
                "subscription", "plan_id", Codes.Subscription.PlanIdIsInvalid, "Plan ID is invalid."
            )
        if params.get("payment_method_token") not in self.payment_methods:
            raise GatewayError(
                "subscription",
                "payment_method_token",
                Codes.Subscription.PaymentMethodTokenIsInvalid,
                "Payment method token is invalid.",
            )
        trial = params.get("trial_period")
        trial = plan["trial_period"] if trial in (None, "") else trial
        subscription: Json = {
            "id": str(params.get("id") or new_id()),
            "plan_id": plan["id"],
            "billing_frequency": plan["billing_frequency"],
            "price": money(params["price"]) if params.get("price") else plan["price"],
            "balance": money(0),
            "payment_method_token": params["payment_method_token"],
            "merchant_account_id": "pay_double_usd",
            "status": "Active",
            "current_billing_cycle": 0,
            "number_of_billing_cycles": optional_int(params.get("number_of_billing_cycles")),
            "never_expires": not params.get("number_of_billing_cycles"),
            "trial_period": bool(trial),
            "trial_duration": int(params.get("trial_duration") or plan["trial_duration"] or 0)
            if trial
            else None,
            "trial_duration_unit": (params.get("trial_duration_unit") or "day") if trial else None,
            "add_ons": [],
            "discounts": [],
            "transactions": [],
            "status_history": [],
            "billing_period_start_date": None,
            "billing_period_end_date": None,
            "paid_through_date": None,
            "days_past_due": None,
            "failure_count": 0,
            "created_at": now(),
            "updated_at": now(),
        }
        self._modify(subscription, params)
        starts = today()
        if subscription["trial_period"]:
            unit = subscription["trial_duration_unit"]
            length = subscription["trial_duration"]
            starts = add_months(starts, length) if unit == "month" else starts + timedelta(length)
        subscription["first_billing_date"] = starts
        subscription["next_billing_date"] = starts
        self._record_status(subscription)
        if not subscription["trial_period"]:
            sale = self._bill(subscription)
            if sale["status"] != "submitted_for_settlement":
                raise self._declined(sale)
        self.subscriptions[subscription["id"]] = subscription
        return "subscription", self._render_subscription(subscription)

    def _find_subscription(self, subscription_id: str, body: Json) -> tuple[str, Any]:
        return "subscription", self._render_subscription(self._subscription(subscription_id))

    def _update_subscription(self, subscription_id: str, body: Json) -> tuple[str, Any]:
        subscription = self._subscription(subscription_id)
        if subscription["status"] in ("Canceled", "Expired"):
            raise GatewayError(
                "subscription",
                "base",
                Codes.Subscription.CannotEditCanceledSubscription,
                f"Cannot edit a {subscription['status'].lower()} subscription.",
            )
        params = body.get("subscription", {})
        if subscription["status"] == "Past Due" and set(params) - PAST_DUE_UPDATABLE:
            raise GatewayError(
                "subscription",
                "base",
                Codes.Subscription.CannotEditPriceChangingFieldsOnPastDueSubscription,
                "Cannot edit price changing fields on past due subscription.",
            )
        before = self._cycle_amount(subscription)
        if params.get("plan_id"):
            plan = self.plans.get(params["plan_id"])
            if plan is None:
                raise GatewayError(
                    "subscription",
                    "plan_id",
                    Codes.Subscription.PlanIdIsInvalid,
                    "Plan ID is invalid.",
                )
            if plan["billing_frequency"] != subscription["billing_frequency"]:
                raise GatewayError(
                    "subscription",
                    "plan_id",
                    Codes.Subscription.PlanBillingFrequencyCannotBeUpdated,
                    "Cannot update subscription to a plan with a different billing frequency.",
                )
            subscription["plan_id"] = plan["id"]
        if params.get("price"):
            subscription["price"] = money(params["price"])
        if "number_of_billing_cycles" in params:
            cycles = optional_int(params["number_of_billing_cycles"])
            if cycles is not None and cycles < subscription["current_billing_cycle"]:
                raise GatewayError(
                    "subscription",
                    "number_of_billing_cycles",
                    Codes.Subscription.NumberOfBillingCyclesIsTooSmall,
                    "Number Of Billing Cycles cannot be less than the current billing cycle.",
                )
            subscription["number_of_billing_cycles"] = cycles
            subscription["never_expires"] = cycles is None
        if params.get("never_expires") is True:
            subscription["number_of_billing_cycles"], subscription["never_expires"] = None, True
        self._modify(subscription, params)
        options = params.get("options", {})
        if options.get("prorate_charges") and subscription["paid_through_date"]:
            self._prorate(subscription, self._cycle_amount(subscription) - before)
        subscription["updated_at"] = now()
        return "subscription", self._render_subscription(subscription)

    def _cancel_subscription(self, subscription_id: str, body: Json) -> tuple[str, Any]:
        subscription = self._subscription(subscription_id)
        if subscription["status"] == "Canceled":
            raise GatewayError(
                "subscription",
                "status",
                Codes.Subscription.StatusIsCanceled,
                "Subscription has already been canceled.",
            )
        self._set_status(subscription, "Canceled")
        return "subscription", self._render_subscription(subscription)

    def _modify(self, subscription: Json, params: Json) -> None:
        """Apply ``add_ons`` and ``discounts``: add (from the Control Panel's), update, remove."""
        for kind, known in (("add_ons", self.add_ons), ("discounts", self.discounts)):
            changes = params.get(kind) or {}
            current = {item["id"]: item for item in subscription[kind]}
            for added in changes.get("add") or []:
                source = added.get("inherited_from_id", "")
                if source not in known:
                    raise GatewayError(
                        kind,
                        "inherited_from_id",
                        Codes.Subscription.Modification.InheritedFromIdIsInvalid,
                        "Inherited From ID is invalid.",
                    )
                if source in current:
                    raise GatewayError(
                        kind,
                        "existing_id",
                        Codes.Subscription.CannotAddDuplicateAddonOrDiscount,
                        "Cannot add duplicate add-on or discount.",
                    )
                current[source] = {
                    "id": source,
                    "amount": money(added.get("amount") or known[source]),
                    "quantity": int(added.get("quantity") or 1),
                    "number_of_billing_cycles": optional_int(added.get("number_of_billing_cycles")),
                    "current_billing_cycle": 0,
                    "never_expires": not added.get("number_of_billing_cycles"),
                }
            for updated in changes.get("update") or []:
                item = current.get(updated.get("existing_id", ""))
                if item is None:
                    raise GatewayError(
                        kind,
                        "existing_id",
                        Codes.Subscription.Modification.ExistingIdIsInvalid,
                        "Existing ID is invalid.",
                    )
                if updated.get("amount"):
                    item["amount"] = money(updated["amount"])
                if updated.get("quantity"):
                    item["quantity"] = int(updated["quantity"])
            for removed in changes.get("remove") or []:
                current.pop(removed, None)
            subscription[kind] = list(current.values())

    # Time passing

    def _catch_up(self, subscription: Json) -> None:
        """Bill every cycle that fell due; expire after the last one."""
        while (
            subscription["status"] in ("Active", "Pending")
            and subscription["next_billing_date"] <= today()
        ):
            cycles = subscription["number_of_billing_cycles"]
            if cycles is not None and subscription["current_billing_cycle"] >= cycles:
                self._set_status(subscription, "Expired")
                return
            if self._bill(subscription)["status"] != "submitted_for_settlement":
                self._set_status(subscription, "Past Due")
                return

    def _bill(self, subscription: Json) -> Json:
        """Charge the cycle starting at the next billing date; on success, the cycle begins."""
        amount = max(money(0), self._cycle_amount(subscription) + subscription["balance"])
        sale = self._new_sale(
            amount, subscription["payment_method_token"], subscription_id=subscription["id"]
        )
        subscription["transactions"].insert(0, sale)
        if sale["status"] != "submitted_for_settlement":
            subscription["failure_count"] += 1
            self._notify("subscription_charged_unsuccessfully", subscription)
            return sale
        start = subscription["next_billing_date"]
        following = add_months(start, subscription["billing_frequency"])
        subscription.update(
            balance=money(0),
            current_billing_cycle=subscription["current_billing_cycle"] + 1,
            billing_period_start_date=start,
            billing_period_end_date=following - timedelta(days=1),
            paid_through_date=following - timedelta(days=1),
            next_billing_date=following,
            updated_at=now(),
        )
        self._notify("subscription_charged_successfully", subscription)
        for discount in subscription["discounts"]:
            discount["current_billing_cycle"] += 1
        subscription["discounts"] = [
            d
            for d in subscription["discounts"]
            if d["number_of_billing_cycles"] is None
            or d["current_billing_cycle"] < d["number_of_billing_cycles"]
        ]
        return sale

    def _prorate(self, subscription: Json, change: Decimal) -> None:
        """A price rise is charged now for the days left; a fall is credited to the balance."""
        start, end = subscription["billing_period_start_date"], subscription["paid_through_date"]
        days_left = (end - today()).days + 1
        share = money(change * days_left / ((end - start).days + 1))
        if share > 0:
            self._new_sale(
                share, subscription["payment_method_token"], subscription_id=subscription["id"]
            )
        else:
            subscription["balance"] += share
