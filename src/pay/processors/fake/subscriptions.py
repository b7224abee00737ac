from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from pay.processors.data import (
    CustomerDetails,
    SubscribeRequest,
    SubscriptionDetails,
    SubscriptionStatus,
)

from .ids import new_id
from .periods import period_end, plan_interval

Status = SubscriptionStatus

#: Where in ``data`` the fake keeps the moment its billing periods count from, so that
#: renewals land on the same day of the month (31 Jan, 28 Feb, 31 Mar) instead of drifting.
ANCHOR = "billing_cycle_anchor"


class FakeSubscriptions:
    """Subscriptions that live only in the local database.

    The fake keeps no state of its own: each operation computes the new state
    from the one it is given. Renewals happen on :meth:`retrieve_subscription`
    (``subscription.sync()``), which rolls the period forward to the present.
    """

    def subscribe(
        self, customer: CustomerDetails, request: SubscribeRequest
    ) -> SubscriptionDetails:
        now = timezone.now()
        options = dict(request.options)
        ends_at: datetime | None = options.pop("ends_at", None)
        trial_ends_at = (
            now + timedelta(days=request.trial_period_days) if request.trial_period_days else None
        )
        return SubscriptionDetails(
            processor_id=new_id("sub"),
            name=request.name,
            plan=request.plan,
            quantity=request.quantity,
            status=Status.TRIALING if trial_ends_at else Status.ACTIVE,
            trial_ends_at=trial_ends_at,
            ends_at=ends_at,
            current_period_start=now,
            current_period_end=trial_ends_at or period_end(now, request.plan),
            data={**options, ANCHOR: (trial_ends_at or now).isoformat()},
        )

    def cancel(self, subscription: SubscriptionDetails) -> SubscriptionDetails:
        now = timezone.now()
        on_trial = subscription.trial_ends_at is not None and subscription.trial_ends_at > now
        ends_at = subscription.trial_ends_at if on_trial else subscription.current_period_end
        return dataclasses.replace(subscription, ends_at=ends_at or now)

    def cancel_now(self, subscription: SubscriptionDetails) -> SubscriptionDetails:
        return dataclasses.replace(subscription, ends_at=timezone.now(), status=Status.CANCELED)

    def resume(self, subscription: SubscriptionDetails) -> SubscriptionDetails:
        trial_ends_at = subscription.trial_ends_at
        on_trial = trial_ends_at is not None and trial_ends_at > timezone.now()
        return dataclasses.replace(
            _unpaused(subscription),
            ends_at=None,
            status=Status.TRIALING if on_trial else Status.ACTIVE,
        )

    def swap(
        self, subscription: SubscriptionDetails, plan: str, options: Mapping[str, Any]
    ) -> SubscriptionDetails:
        swapped = dataclasses.replace(subscription, plan=plan)
        if plan_interval(plan) == plan_interval(subscription.plan):
            return swapped
        now = timezone.now()
        return dataclasses.replace(
            swapped,
            current_period_start=now,
            current_period_end=period_end(now, plan),
            data={**subscription.data, ANCHOR: now.isoformat()},
        )

    def change_quantity(
        self, subscription: SubscriptionDetails, quantity: int, options: Mapping[str, Any]
    ) -> SubscriptionDetails:
        return dataclasses.replace(subscription, quantity=quantity)

    def pause(
        self, subscription: SubscriptionDetails, behavior: str | None, resumes_at: datetime | None
    ) -> SubscriptionDetails:
        return dataclasses.replace(
            subscription,
            pause_behavior=behavior or "void",
            pause_starts_at=timezone.now(),
            pause_resumes_at=resumes_at,
        )

    def retrieve_subscription(self, subscription: SubscriptionDetails) -> SubscriptionDetails:
        now = timezone.now()
        current = subscription
        if current.pause_resumes_at is not None and current.pause_resumes_at <= now:
            current = _unpaused(current)
        if current.ends_at is not None and current.ends_at <= now:
            return dataclasses.replace(current, status=Status.CANCELED)
        trial_over = current.trial_ends_at is not None and current.trial_ends_at <= now
        if current.status == Status.TRIALING and trial_over:
            current = dataclasses.replace(current, status=Status.ACTIVE)
        return _renewed(current, now)

    def list_subscriptions(
        self,
        customer: CustomerDetails,
        status: str = "all",
        known: Sequence[SubscriptionDetails] = (),
    ) -> list[SubscriptionDetails]:
        """The fake has no store: it lists the ``known`` local ones, brought up to date."""
        current = [self.retrieve_subscription(subscription) for subscription in known]
        return [s for s in current if status == "all" or s.status == status]

    def processor_subscription(self, subscription: SubscriptionDetails) -> SubscriptionDetails:
        return self.retrieve_subscription(subscription)


def _unpaused(subscription: SubscriptionDetails) -> SubscriptionDetails:
    return dataclasses.replace(
        subscription, pause_behavior="", pause_starts_at=None, pause_resumes_at=None
    )


def _renewed(subscription: SubscriptionDetails, now: datetime) -> SubscriptionDetails:
    """Advance the billing period until it contains ``now``, as renewals would."""
    end = subscription.current_period_end
    if end is None or end > now or subscription.status != Status.ACTIVE:
        return subscription
    anchor = datetime.fromisoformat(subscription.data.get(ANCHOR, end.isoformat()))
    periods = 1
    while period_end(anchor, subscription.plan, periods) <= now:
        periods += 1
    return dataclasses.replace(
        subscription,
        current_period_start=period_end(anchor, subscription.plan, periods - 1),
        current_period_end=period_end(anchor, subscription.plan, periods),
    )
