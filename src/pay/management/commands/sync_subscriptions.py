"""``manage.py sync_subscriptions``: push changed seat counts to the processor."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from pay.seats import sync_subscription_quantities


class Command(BaseCommand):
    help = "Push new seat counts to the processor for the per-seat holders changed since last run."

    def handle(self, *args: Any, **options: Any) -> None:
        result = sync_subscription_quantities()
        for holder in result.updated:
            self.stdout.write(f"Updated the seats of {holder}")
        self.stdout.write(
            f"Examined {result.examined} changed holder(s); updated {len(result.updated)}."
        )
        if result.failed:
            raise CommandError(
                f"Could not sync {', '.join(result.failed)}; see the log. "
                "The next run retries them."
            )
