"""Push seat counts to the processor for the per-seat holders whose members changed.

A membership change only stamps ``billing_details_last_changed`` on the holder;
this job, run on a schedule, finds the holders changed since their last sync in
one query per model and changes each one's subscription quantity with one
processor call, so a thousand teams with ten changes cost ten calls.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db.models import F, Model, Q, QuerySet
from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from pay.errors import PayError
from pay.models import PerSeatBillable

logger = logging.getLogger(__name__)


@dataclass
class SeatSync:
    """What a sync did: holders examined, quantities pushed, and failures (retried next run)."""

    examined: int = 0
    updated: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def per_seat_models() -> list[type[PerSeatBillable]]:
    return [model for model in apps.get_models() if issubclass(model, PerSeatBillable)]


def changed_since_last_sync(model: type[PerSeatBillable]) -> QuerySet[PerSeatBillable]:
    """The holders whose billing details changed after their last sync (or never synced)."""
    return model._default_manager.filter(
        Q(last_synced_with_processor__isnull=True)
        | Q(last_synced_with_processor__lt=F("billing_details_last_changed"))
    )


def sync_subscription_quantities() -> SeatSync:
    """Bring every changed holder's subscription quantity up to its seat count."""
    result = SeatSync()
    for model in per_seat_models():
        for holder in changed_since_last_sync(model).iterator():
            result.examined += 1
            try:
                if sync_holder(holder):
                    result.updated.append(str(holder))
            except PayError as error:
                logger.warning("Could not sync the seats of %s: %s", holder, error)
                result.failed.append(str(holder))
    return result


def sync_holder(holder: PerSeatBillable) -> bool:
    """Push the holder's seat count if it differs from its subscription's; True if pushed.

    The holder is marked synced either way, unless the processor refused (then the next run
    tries again).
    """
    started = timezone.now()
    subscription = holder.active_subscription()
    quantity = holder.get_quantity()
    pushed = subscription is not None and subscription.quantity != quantity
    if pushed:
        assert subscription is not None
        subscription.change_quantity(quantity)
    type(holder)._default_manager.filter(pk=holder.pk).update(last_synced_with_processor=started)
    return pushed


def track_seat_changes(membership_model: type[Model], holder_field: str) -> None:
    """Mark the holder changed whenever a row of ``membership_model`` is added or deleted.

    ``track_seat_changes(Membership, "team")`` in your app's ``AppConfig.ready()``. Editing
    a membership (a new role, say) leaves the seat count, and so the bill, as it was.
    """

    def changed(instance: Model) -> None:
        holder = getattr(instance, holder_field, None)
        if isinstance(holder, PerSeatBillable):
            holder.mark_billing_details_changed()

    def added(sender: type[Model], instance: Model, created: bool, **kwargs: Any) -> None:
        if created:
            changed(instance)

    def removed(sender: type[Model], instance: Model, **kwargs: Any) -> None:
        changed(instance)

    uid = f"pay-seats-{membership_model._meta.label}"
    post_save.connect(added, sender=membership_model, weak=False, dispatch_uid=uid)
    post_delete.connect(removed, sender=membership_model, weak=False, dispatch_uid=uid)
