"""Holders billed per seat: the subscription's quantity follows the number of members.

Changing a membership only marks the holder (``billing_details_last_changed``);
:func:`pay.seats.sync_subscription_quantities` (``manage.py sync_subscriptions``, or
the Celery task ``pay.tasks.sync_subscription_quantities`` on a beat schedule) later
pushes the new quantity to the processor, once, for the holders that changed.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from .billable import Billable


class PerSeatBillable(Billable, models.Model):
    """``class Team(PerSeatBillable): ...``: a Billable whose seats are counted.

    By default the seats are the members in the relation named by ``seat_members``
    (``"members"``); override :meth:`get_quantity` to count otherwise.
    """

    #: The related manager whose ``count()`` is the number of seats.
    seat_members = "members"

    billing_details_last_changed = models.DateTimeField(default=timezone.now)
    last_synced_with_processor = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def get_quantity(self) -> int:
        """The number of seats to bill: one per member, at least one."""
        return max(1, int(getattr(self, self.seat_members).count()))

    def mark_billing_details_changed(self) -> None:
        """Record that the seat count may have changed; call it when members come or go."""
        self.billing_details_last_changed = timezone.now()
        type(self)._default_manager.filter(pk=self.pk).update(
            billing_details_last_changed=self.billing_details_last_changed
        )
