"""``manage.py pay_webhooks retry|replay``: put stored webhook events through again."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from pay.models import Webhook
from pay.webhooks.processing import process, retry


class Command(BaseCommand):
    help = (
        "Retry webhook events that failed or were never processed, or replay a processed "
        "one (its changes are applied again; newer state is never overwritten)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        retry_parser = actions.add_parser("retry", help="process unprocessed events again")
        retry_parser.add_argument("ids", nargs="*", type=int, help="Webhook ids")
        retry_parser.add_argument(
            "--all-failed", action="store_true", help="every event whose status is failed"
        )
        replay_parser = actions.add_parser("replay", help="process a processed event again")
        replay_parser.add_argument("id", type=int, help="a Webhook id")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "replay":
            self._replay(options["id"])
        else:
            self._retry(options["ids"], options["all_failed"])

    def _retry(self, ids: list[int], all_failed: bool) -> None:
        if bool(ids) == all_failed:
            raise CommandError("Give the ids of the events to retry, or --all-failed.")
        webhooks = Webhook.objects.order_by("pk")
        selected = webhooks.filter(status=Webhook.Status.FAILED) if all_failed else webhooks
        if ids:
            selected = selected.filter(pk__in=ids)
            missing = set(ids) - set(selected.values_list("pk", flat=True))
            if missing:
                raise CommandError(f"No webhook events with ids {sorted(missing)}.")
        pending = list(selected.exclude(status=Webhook.Status.PROCESSED))
        failed = retry(pending)
        self.stdout.write(f"Retried {len(pending)} event(s); {len(failed)} failed again.")
        for webhook in failed:
            webhook.refresh_from_db()
            self.stderr.write(f"  {webhook.pk} {webhook}: {webhook.last_error}")
        if failed:
            raise CommandError("Some events failed again; fix the cause and retry them.")

    def _replay(self, webhook_id: int) -> None:
        if not Webhook.objects.filter(pk=webhook_id).exists():
            raise CommandError(f"No webhook event with id {webhook_id}.")
        try:
            webhook = process(webhook_id, replay=True)
        except Exception as error:
            raise CommandError(f"Replaying {webhook_id} failed: {error}") from error
        self.stdout.write(f"Replayed {webhook_id} {webhook}: {webhook.status}.")
