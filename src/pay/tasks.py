"""Celery tasks: ``pay.tasks.sync_subscription_quantities`` for a beat schedule.

Celery is optional: this module is imported only by Celery's autodiscovery, so a
project without Celery never imports it::

    CELERY_BEAT_SCHEDULE = {
        "pay-sync-seats": {
            "task": "pay.tasks.sync_subscription_quantities",
            "schedule": 60 * 60,  # hourly
        },
    }
"""

from __future__ import annotations

from celery import shared_task

from pay import seats


@shared_task(name="pay.tasks.sync_subscription_quantities")
def sync_subscription_quantities() -> dict[str, int]:
    """Push changed seat counts to the processor; returns what was done, for the result backend."""
    result = seats.sync_subscription_quantities()
    return {
        "examined": result.examined,
        "updated": len(result.updated),
        "failed": len(result.failed),
    }
