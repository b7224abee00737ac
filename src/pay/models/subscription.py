"""Subscriptions and the rules that say what state they are in.

The predicates follow Pay's rules and the query sets mirror them exactly, so
``Subscription.objects.active()`` returns the rows whose ``active()`` is true.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from pay import signals
from pay.errors import ActionRequired, InvalidAction
from pay.processors.data import SubscriptionDetails, SubscriptionStatus
from pay.validation import require_aware, require_count, require_plan

if TYPE_CHECKING:
    from pay.processors.base import Processor

Status = SubscriptionStatus

#: Statuses in which a subscription can give access.
LIVE_STATUSES = (Status.TRIALING, Status.ACTIVE)
#: Statuses from which a subscription never comes back.
FINAL_STATUSES = (Status.CANCELED, Status.INCOMPLETE_EXPIRED)

#: SubscriptionDetails attribute -> model field, for the state a processor owns.
_STATE_FIELDS = {
    "processor_id": "processor_id",
    "plan": "processor_plan",
    "status": "status",
    "quantity": "quantity",
    "trial_ends_at": "trial_ends_at",
    "ends_at": "ends_at",
    "current_period_start": "current_period_start",
    "current_period_end": "current_period_end",
    "pause_behavior": "pause_behavior",
    "pause_starts_at": "pause_starts_at",
    "pause_resumes_at": "pause_resumes_at",
    "metered": "metered",
    "data": "data",
}


def _on_trial(now: datetime) -> Q:
    return Q(trial_ends_at__gt=now) & ~_ended(now)


def _ended(now: datetime) -> Q:
    return Q(ends_at__lte=now)


def _on_grace_period(now: datetime) -> Q:
    return Q(ends_at__gt=now)


def _paused(now: datetime) -> Q:
    pause_in_effect = Q(pause_starts_at__lte=now) & (
        Q(pause_resumes_at__isnull=True) | Q(pause_resumes_at__gt=now)
    )
    return Q(status=Status.PAUSED) | pause_in_effect


class SubscriptionQuerySet(models.QuerySet["Subscription"]):
    """Filters that agree with the predicates of :class:`Subscription` at the current time."""

    def active(self) -> SubscriptionQuerySet:
        now = timezone.now()
        neither_cancelled_nor_paused = Q(ends_at__isnull=True) & ~_paused(now)
        return self.filter(
            Q(status__in=LIVE_STATUSES)
            & (neither_cancelled_nor_paused | _on_trial(now) | _on_grace_period(now))
        )

    def on_trial(self) -> SubscriptionQuerySet:
        return self.filter(_on_trial(timezone.now()))

    def on_grace_period(self) -> SubscriptionQuerySet:
        return self.filter(_on_grace_period(timezone.now()))

    def cancelled(self) -> SubscriptionQuerySet:
        return self.filter(ends_at__isnull=False)

    def ended(self) -> SubscriptionQuerySet:
        return self.filter(_ended(timezone.now()))

    def paused(self) -> SubscriptionQuerySet:
        return self.filter(_paused(timezone.now()))

    def past_due(self) -> SubscriptionQuerySet:
        return self.filter(status=Status.PAST_DUE)

    def incomplete(self) -> SubscriptionQuerySet:
        return self.filter(status=Status.INCOMPLETE)

    def for_name(self, name: str) -> SubscriptionQuerySet:
        return self.filter(name=name)

    def newest_first(self) -> SubscriptionQuerySet:
        return self.order_by("-created_at", "-pk")

    def for_owner(self, owner: models.Model) -> SubscriptionQuerySet:
        """The subscriptions of the owner's live customers, at every processor."""
        return self.filter(
            customer__owner_type=ContentType.objects.get_for_model(owner),
            customer__owner_id=str(owner.pk),
            customer__deleted_at__isnull=True,
        )

    def with_product(self) -> SubscriptionQuerySet:
        """Annotate ``product_processor_id``: the product of the plan's price in the local
        catalogue (``None`` when the catalogue lacks it), in the same query."""
        from .catalogue import Price

        product = Price.objects.filter(
            processor=OuterRef("customer__processor"), processor_id=OuterRef("processor_plan")
        ).values("product__processor_id")[:1]
        return self.annotate(product_processor_id=Subquery(product))


class Subscription(models.Model):
    customer = models.ForeignKey(
        "pay.Customer", on_delete=models.CASCADE, related_name="subscriptions"
    )
    name = models.CharField(max_length=100, default="default")
    processor_id = models.CharField(max_length=255)
    processor_plan = models.CharField(max_length=255)
    quantity = models.PositiveIntegerField(default=1)
    status = models.CharField(max_length=32, choices=[(s.value, s.value) for s in Status])
    trial_ends_at = models.DateTimeField(null=True, blank=True)
    ends_at = models.DateTimeField(null=True, blank=True)
    current_period_start = models.DateTimeField(null=True, blank=True)
    current_period_end = models.DateTimeField(null=True, blank=True)
    pause_behavior = models.CharField(max_length=32, blank=True)
    pause_starts_at = models.DateTimeField(null=True, blank=True)
    pause_resumes_at = models.DateTimeField(null=True, blank=True)
    metered = models.BooleanField(default=False)
    data = models.JSONField(default=dict, blank=True)
    # When the processor's state saved here was current: a webhook older than this is stale.
    processor_updated_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        db_table = "pay_subscription"
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "processor_id"], name="pay_subscription_unique_processor_id"
            ),
        ]
        indexes = [models.Index(fields=["customer", "name"])]

    def __str__(self) -> str:
        return f"{self.name}: {self.processor_plan} ({self.status})"

    # Predicates

    def on_trial(self) -> bool:
        return _after_now(self.trial_ends_at) and not self.ended()

    def cancelled(self) -> bool:
        return self.ends_at is not None

    def on_grace_period(self) -> bool:
        return _after_now(self.ends_at)

    def ended(self) -> bool:
        return self.ends_at is not None and not _after_now(self.ends_at)

    def paused(self) -> bool:
        if self.status == Status.PAUSED:
            return True
        return (
            self.pause_starts_at is not None
            and not _after_now(self.pause_starts_at)
            and (self.pause_resumes_at is None or _after_now(self.pause_resumes_at))
        )

    def active(self) -> bool:
        if self.status not in LIVE_STATUSES:
            return False
        neither_cancelled_nor_paused = not (self.cancelled() or self.paused())
        return neither_cancelled_nor_paused or self.on_trial() or self.on_grace_period()

    def past_due(self) -> bool:
        return self.status == Status.PAST_DUE

    def incomplete(self) -> bool:
        return self.status == Status.INCOMPLETE

    def has_incomplete_payment(self) -> bool:
        return self.past_due() or self.incomplete()

    def is_generic_trial(self) -> bool:
        """A trial with no payment method: fake-processor, ending when the trial does."""
        return (
            self.customer.is_fake_processor
            and self.trial_ends_at is not None
            and self.trial_ends_at == self.ends_at
        )

    # Actions

    def cancel(self) -> None:
        """Cancel at the end of the period (or trial): access continues until then."""
        self._refuse_if(self.cancelled(), "It is already cancelled; resume it to keep it going.")
        self._change(self.backend.cancel)

    def cancel_now(self) -> None:
        """End the subscription immediately."""
        self._refuse_if(self.ended() or self.status in FINAL_STATUSES, "It has already ended.")
        self._change(self.backend.cancel_now)

    def resume(self) -> None:
        """Undo a cancellation during its grace period, or end a pause."""
        self._refuse_if(
            self.ended() or self.status in FINAL_STATUSES,
            "It has already ended; start a new subscription instead.",
        )
        pause_scheduled = self.pause_starts_at is not None or self.status == Status.PAUSED
        self._refuse_if(
            not (self.on_grace_period() or pause_scheduled), "It is neither cancelled nor paused."
        )
        self._change(self.backend.resume)

    def swap(self, plan: str, **options: Any) -> None:
        """Move to another plan; ``options`` go to the processor (e.g. proration behaviour)."""
        require_plan(plan)
        self._refuse_unless_running("swapped")
        self._change(lambda details: self.backend.swap(details, plan, options))

    def change_quantity(self, quantity: int, **options: Any) -> None:
        """Bill for ``quantity`` units (seats) from now on."""
        require_count(quantity, "quantity")
        self._refuse_if(
            self.ended() or self.status in FINAL_STATUSES, "It has ended, so its quantity is final."
        )
        self._change(lambda details: self.backend.change_quantity(details, quantity, options))

    def pause(self, behavior: str | None = None, resumes_at: datetime | None = None) -> None:
        """Pause billing, indefinitely or until ``resumes_at``."""
        if resumes_at is not None:
            require_aware(resumes_at, "resumes_at")
        self._refuse_unless_running("paused")
        self._refuse_if(self.paused(), "It is already paused; resume it first.")
        self._refuse_if(
            resumes_at is not None and not _after_now(resumes_at),
            "The resume date must be in the future.",
        )
        self._change(lambda details: self.backend.pause(details, behavior, resumes_at))

    def sync(self) -> None:
        """Refresh this row from the processor."""
        self._change(self.backend.retrieve_subscription)

    def processor_subscription(self) -> Any:
        """The processor's own object for this subscription."""
        return self.backend.processor_subscription(self.details())

    # Plumbing between the row and the processor

    @property
    def backend(self) -> Processor:
        return self.customer.backend

    def details(self) -> SubscriptionDetails:
        state = {attr: getattr(self, field) for attr, field in _STATE_FIELDS.items()}
        return SubscriptionDetails(name=self.name, **state)

    def is_newer_than(self, moment: datetime) -> bool:
        """Whether the state saved here is more recent than ``moment`` (say, a webhook's)."""
        return self.processor_updated_at is not None and self.processor_updated_at > moment

    def apply(self, details: SubscriptionDetails, as_of: datetime | None = None) -> None:
        """Save the state a processor reported (current ``as_of``, by default now) and send
        the signals its changes call for."""
        created = self._state.adding
        was_cancelled, was_final = self.cancelled(), self.status in FINAL_STATUSES
        for attr, field in _STATE_FIELDS.items():
            setattr(self, field, getattr(details, attr))
        self.processor_updated_at = as_of or timezone.now()
        self.save()
        sender, kwargs = type(self), {"subscription": self}
        (signals.subscription_created if created else signals.subscription_updated).send(
            sender, **kwargs
        )
        if self.cancelled() and not was_cancelled:
            signals.subscription_cancelled.send(sender, **kwargs)
        if self.status in FINAL_STATUSES and not was_final:
            signals.subscription_ended.send(sender, **kwargs)

    def _change(self, operation: Callable[[SubscriptionDetails], SubscriptionDetails]) -> None:
        try:
            details = operation(self.details())
        except ActionRequired as error:
            if isinstance(error.subscription, SubscriptionDetails):
                self.apply(error.subscription)
            error.subscription = self
            raise
        self.apply(details)

    def _refuse_if(self, condition: bool, reason: str) -> None:
        if condition:
            raise InvalidAction(f"Subscription {self.processor_id!r} cannot do that. {reason}")

    def _refuse_unless_running(self, verb: str) -> None:
        self._refuse_if(
            self.ended() or self.status in FINAL_STATUSES,
            f"It has ended and cannot be {verb}; start a new subscription instead.",
        )
        self._refuse_if(self.cancelled(), f"It is cancelled and cannot be {verb}; resume it first.")


def _after_now(moment: datetime | None) -> bool:
    return moment is not None and moment > timezone.now()
