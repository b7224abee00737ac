"""Braintree subscriptions, and the parts of Pay's API that Braintree lacks, emulated as Pay does.

- **Quantity.** Braintree subscriptions have no quantity: seats beyond the first are the
  add-on BRAINTREE_SEAT_ADD_ON (``"seat"``), at the plan's price, with a quantity.
- **Cancel at period end.** Braintree cancels only at once, and a cancelled subscription
  cannot come back. So ``cancel()`` limits the subscription to its current billing cycle:
  Braintree bills no more and expires it at the paid-through date, which is the grace
  period's end; ``resume()`` lifts the limit. A subscription not yet billed (on trial) is
  limited to its first cycle and then cancelled, before that cycle is billed: a cancelled
  subscription that was limited and never billed keeps its trial until the trial's end, so
  syncs and webhooks agree. Resuming it starts a new subscription with the rest of the trial.
- **Swaps across billing cycles** (monthly to yearly) are impossible in place: a new
  subscription on the new plan replaces the old one, with the unused part of the paid
  period as the discount BRAINTREE_PLAN_CREDIT_DISCOUNT (``"plan-credit"``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from decimal import ROUND_DOWN, Decimal
from typing import Any

from pay.errors import InvalidAction
from pay.processors.data import CustomerDetails, SubscribeRequest, SubscriptionDetails

from .client import (
    BraintreeAPI,
    braintree_errors,
    plan_credit_discount,
    seat_add_on,
    succeeded,
)
from .translate import extra_seats, subscription_details, trial_end

#: Options of swap() and change_quantity(), passed to Braintree's subscription update.
UPDATE_OPTIONS = ("prorate_charges", "revert_subscription_on_proration_failure")

CENT = Decimal("0.01")


class BraintreeSubscriptions(BraintreeAPI):
    def subscribe(
        self, customer: CustomerDetails, request: SubscribeRequest
    ) -> SubscriptionDetails:
        """Subscribe with ``payment_method_token`` or the customer's default payment method.

        Other options go to Braintree's subscription.create (``merchant_account_id``,
        ``first_billing_date``, ``discounts``…). Raises PaymentDeclined when the first
        charge is declined; nothing is created then.
        """
        _require_seats(request.quantity)
        options = dict(request.options)
        token = options.pop("payment_method_token", None) or self.default_payment_method_token(
            customer.processor_id
        )
        params: dict[str, Any] = {"payment_method_token": token, "plan_id": request.plan}
        if request.trial_period_days:
            params.update(_trial(request.trial_period_days))
        if request.quantity > 1:
            price = _price(self._plan(request.plan))
            params["add_ons"] = {"add": [_seats(request.quantity, price)]}
        created = self._create({**params, **options}, "start the subscription")
        return self._details(created, name=request.name)

    def cancel(self, subscription: SubscriptionDetails) -> SubscriptionDetails:
        """End at the paid-through date, or at the trial's end (see the module docstring).

        A past due subscription has not paid for its period and Braintree will not limit it:
        it is cancelled at once.
        """
        current = self.fetch_subscription(subscription.processor_id)
        if current.status == "Past Due":
            return self._details(self._cancel(current.id), subscription)
        limited = self._update(
            current.id,
            {"number_of_billing_cycles": max(1, int(current.current_billing_cycle or 0))},
            "cancel the subscription at the end of its period",
        )
        if not current.paid_through_date:
            # Should this fail, Braintree bills the first cycle and then expires: cancel again.
            limited = self._cancel(current.id)
        return self._details(limited, subscription)

    def cancel_now(self, subscription: SubscriptionDetails) -> SubscriptionDetails:
        current = self.fetch_subscription(subscription.processor_id)
        if current.status not in ("Canceled", "Expired"):
            current = self._cancel(current.id)
        ended = dataclasses.replace(subscription, ends_at=datetime.now(UTC))
        return self._details(current, ended)

    def resume(self, subscription: SubscriptionDetails) -> SubscriptionDetails:
        current = self.fetch_subscription(subscription.processor_id)
        if current.status == "Canceled":
            return self._restart(current, subscription)
        if current.status == "Expired":
            raise InvalidAction(
                f"Braintree subscription {current.id} has expired; start a new one instead."
            )
        resumed = self._update(
            current.id,
            {"never_expires": True, "number_of_billing_cycles": None},
            "resume the subscription",
        )
        return self._details(resumed, dataclasses.replace(subscription, ends_at=None))

    def _restart(self, current: Any, subscription: SubscriptionDetails) -> SubscriptionDetails:
        """A subscription cancelled on trial, again: a new one, on trial for the days left."""
        days_left = _whole_days_until(trial_end(current))
        params: dict[str, Any] = {
            "payment_method_token": current.payment_method_token,
            "plan_id": current.plan_id,
            "price": current.price,
            **_trial(days_left),
        }
        seats = 1 + extra_seats(current, seat_add_on())
        if seats > 1:
            params["add_ons"] = {"add": [_seats(seats, current.price)]}
        created = self._create(params, "resume the subscription")
        return self._details(created, dataclasses.replace(subscription, ends_at=None))

    def swap(
        self, subscription: SubscriptionDetails, plan: str, options: Mapping[str, Any]
    ) -> SubscriptionDetails:
        """Move to ``plan``, prorating by default (``prorate_charges=False`` not to).

        Within one billing cycle length the subscription changes in place; across
        cycle lengths a new subscription replaces it (see the module docstring).
        """
        update_options = _update_options(options)
        current = self.fetch_subscription(subscription.processor_id)
        new_plan, old_plan = self._plan(plan), self._plan(current.plan_id)
        if new_plan.billing_frequency != old_plan.billing_frequency:
            credit = bool(update_options["prorate_charges"])
            return self._replace(current, new_plan, subscription, credit)
        params: dict[str, Any] = {
            "plan_id": new_plan.id,
            "price": _price(new_plan),
            "options": update_options,
        }
        if extra_seats(current, seat_add_on()):
            seats = {"existing_id": seat_add_on(), "amount": _price(new_plan)}
            params["add_ons"] = {"update": [seats]}
        swapped = self._update(current.id, params, f"move the subscription to plan {plan}")
        return self._details(swapped, subscription)

    def _replace(
        self, current: Any, plan: Any, subscription: SubscriptionDetails, credit: bool
    ) -> SubscriptionDetails:
        """A new subscription on ``plan``, paid for in part by what is left of the current
        period if ``credit``; the current subscription is cancelled once its successor exists."""
        seats = 1 + extra_seats(current, seat_add_on())
        params: dict[str, Any] = {
            "payment_method_token": current.payment_method_token,
            "plan_id": plan.id,
        }
        if seats > 1:
            params["add_ons"] = {"add": [_seats(seats, _price(plan))]}
        trial_ends_at = trial_end(current)
        if trial_ends_at and trial_ends_at > datetime.now(UTC):
            params.update(_trial(_whole_days_until(trial_ends_at)))
        else:
            params["trial_period"] = False
            unused = _unused_credit(current, seats) if credit else Decimal(0)
            if unused > 0:
                params["discounts"] = {"add": [_credit(unused, _price(plan) * seats)]}
        created = self._create(params, f"start the subscription on plan {plan.id}")
        self._cancel(current.id)
        return self._details(created, subscription)

    def change_quantity(
        self, subscription: SubscriptionDetails, quantity: int, options: Mapping[str, Any]
    ) -> SubscriptionDetails:
        """Bill ``quantity`` seats: the plan's one and ``quantity - 1`` seat add-ons."""
        _require_seats(quantity)
        current = self.fetch_subscription(subscription.processor_id)
        seat, extra = seat_add_on(), quantity - 1
        add_ons: dict[str, list[Any]]
        if not extra_seats(current, seat):
            add_ons = {"add": [_seats(quantity, current.price)]} if extra else {}
        elif extra:
            add_ons = {"update": [{"existing_id": seat, "quantity": extra}]}
        else:
            add_ons = {"remove": [seat]}
        params = {"add_ons": add_ons, "options": _update_options(options)}
        changed = self._update(current.id, params, "change the number of seats")
        return self._details(changed, subscription)

    def pause(
        self, subscription: SubscriptionDetails, behavior: str | None, resumes_at: datetime | None
    ) -> SubscriptionDetails:
        raise self.not_supported("pause")

    def retrieve_subscription(self, subscription: SubscriptionDetails) -> SubscriptionDetails:
        return self._details(self.fetch_subscription(subscription.processor_id), subscription)

    def list_subscriptions(
        self,
        customer: CustomerDetails,
        status: str = "all",
        known: Sequence[SubscriptionDetails] = (),
    ) -> list[SubscriptionDetails]:
        """The subscriptions of every payment method in the customer's vault.

        Braintree subscriptions carry no name: ones made elsewhere are called "default".
        """
        with braintree_errors("list the customer's subscriptions"):
            found = self.gateway.customer.find(customer.processor_id)
        ours = {details.processor_id: details for details in known}
        listed: dict[str, SubscriptionDetails] = {}
        for method in found.payment_methods:
            for subscription in getattr(method, "subscriptions", []):
                listed[subscription.id] = self._details(subscription, ours.get(subscription.id))
        return [s for s in listed.values() if status in ("all", s.status)]

    def processor_subscription(self, subscription: SubscriptionDetails) -> Any:
        """The SDK's ``braintree.Subscription``."""
        return self.fetch_subscription(subscription.processor_id)

    # Plumbing

    def _details(
        self, subscription: Any, local: SubscriptionDetails | None = None, name: str = ""
    ) -> SubscriptionDetails:
        details = subscription_details(subscription, seat_add_on(), local)
        return dataclasses.replace(details, name=name) if name else details

    def _plan(self, plan_id: str) -> Any:
        with braintree_errors("list the plans"):
            plans = {plan.id: plan for plan in self.gateway.plan.all()}
        if plan_id not in plans:
            raise InvalidAction(
                f"Braintree has no plan {plan_id!r}; create it in the Control Panel "
                "(Subscriptions > Plans) or use one of: " + ", ".join(sorted(plans))
            )
        return plans[plan_id]

    def _create(self, params: dict[str, Any], doing: str) -> Any:
        with braintree_errors(doing), _unknown_keys_refused():
            result = self.gateway.subscription.create(params)
        return succeeded(result, doing).subscription

    def _update(self, subscription_id: str, params: dict[str, Any], doing: str) -> Any:
        with braintree_errors(doing), _unknown_keys_refused():
            result = self.gateway.subscription.update(subscription_id, params)
        return succeeded(result, doing).subscription

    def _cancel(self, subscription_id: str) -> Any:
        with braintree_errors("cancel the subscription"):
            result = self.gateway.subscription.cancel(subscription_id)
        return succeeded(result, "cancel the subscription").subscription


@contextmanager
def _unknown_keys_refused() -> Iterator[None]:
    """The SDK checks parameter names before sending anything, raising KeyError."""
    try:
        yield
    except KeyError as error:
        keys = str(error.args[0]).removeprefix("Invalid keys: ")
        raise InvalidAction(f"Braintree subscriptions do not take {keys}.") from None


def _require_seats(quantity: int) -> None:
    if quantity < 1:
        raise InvalidAction("A Braintree subscription bills at least one seat; cancel it instead.")


def _price(plan: Any) -> Decimal:
    """A plan's price: the SDK leaves it a string."""
    return Decimal(plan.price)


def _trial(days: int) -> dict[str, Any]:
    return {"trial_period": True, "trial_duration": days, "trial_duration_unit": "day"}


def _seats(quantity: int, price: Decimal) -> dict[str, Any]:
    """The seat add-on for the seats beyond the first, each at ``price``."""
    return {"inherited_from_id": seat_add_on(), "amount": price, "quantity": quantity - 1}


def _update_options(options: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(options) - set(UPDATE_OPTIONS)
    if unknown:
        raise InvalidAction(
            f"Braintree does not take {', '.join(sorted(unknown))} here; it takes "
            f"{' and '.join(UPDATE_OPTIONS)}."
        )
    return {"prorate_charges": True, **options}


def _whole_days_until(moment: datetime | None) -> int:
    """Days from now until ``moment``, rounded up: Braintree counts trials in days."""
    left = (moment - datetime.now(UTC)) if moment else timedelta()
    return max(1, math.ceil(left / timedelta(days=1)))


def _unused_credit(subscription: Any, seats: int) -> Decimal:
    """What is left of the paid period, pro rata by day, at the subscription's price."""
    start, end = subscription.billing_period_start_date, subscription.billing_period_end_date
    if not (start and end):
        return Decimal(0)
    period_days: int = (end - start).days + 1
    days_left: int = max(0, min(period_days, (end - datetime.now(UTC).date()).days + 1))
    price = Decimal(subscription.price)
    return (price * seats * days_left / period_days).quantize(CENT, ROUND_DOWN)


def _credit(credit: Decimal, cycle_price: Decimal) -> dict[str, Any]:
    """The plan-credit discount: the whole credit, spread over as many cycles as it takes
    to never discount a cycle below zero."""
    cycles = max(1, math.ceil(credit / cycle_price)) if cycle_price > 0 else 1
    return {
        "inherited_from_id": plan_credit_discount(),
        "amount": (credit / cycles).quantize(CENT, ROUND_DOWN),
        "number_of_billing_cycles": cycles,
    }
