"""Record first, then process once.

:func:`record` stores a verified event; a repeated delivery finds the row already
there. :func:`process` applies the event in one transaction that holds the
Webhook row's lock and marks it processed, so however many deliveries, workers
and retries race, its changes, custom handlers, signals and emails happen once.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from pay import conf, signals
from pay.errors import ConfigurationError, InvalidOwnerReference, MalformedWebhook, PayError
from pay.models import Webhook
from pay.processors import Processor, get_processor
from pay.processors.data import Change, WebhookEvent

from . import emails
from .apply import apply_change
from .checks import BACKENDS
from .handlers import handlers_for

logger = logging.getLogger("pay.webhooks")


def record(processor: str, event: WebhookEvent) -> tuple[Webhook, bool]:
    """The stored event, and whether this delivery stored it (False for a repeat)."""
    return Webhook.objects.get_or_create(
        processor=processor,
        event_id=event.event_id,
        defaults={
            "event_type": event.event_type,
            "payload": event.payload,
            "occurred_at": event.created,
        },
    )


def backend() -> str:
    name = str(conf.get("PAY_WEBHOOK_BACKEND"))
    if name not in BACKENDS:
        raise ConfigurationError(
            f"PAY_WEBHOOK_BACKEND is {name!r}; set it to one of {', '.join(BACKENDS)}."
        )
    return name


def dispatch(webhook: Webhook) -> None:
    """Process the event now, or once the current transaction commits enqueue it for Celery."""
    if backend() == "celery":
        from .tasks import process_webhook

        transaction.on_commit(lambda: process_webhook.delay(webhook.pk))
    else:
        process(webhook.pk)


def retry(webhooks: Iterable[Webhook]) -> list[Webhook]:
    """Process again the events that are not processed yet; the ones that failed again."""
    failed = []
    for webhook in webhooks:
        if webhook.status == Webhook.Status.PROCESSED:
            continue
        try:
            dispatch(webhook)
        except Exception:
            failed.append(webhook)
        else:
            webhook.refresh_from_db()
            if webhook.status == Webhook.Status.FAILED and backend() == "inline":
                failed.append(webhook)
    return failed


def process(webhook_id: int, *, replay: bool = False) -> Webhook:
    """Apply the event unless it was processed already (``replay`` applies it again).

    A failure is recorded on the row (status ``failed``, ``last_error``) and raised, so a
    task can retry it; an owner reference naming no one, or a payload the processor's
    translation cannot read, fails the event for good.
    """
    try:
        with transaction.atomic():
            webhook = Webhook.objects.select_for_update().get(pk=webhook_id)
            if webhook.status == Webhook.Status.PROCESSED and not replay:
                return webhook
            changes = _apply(webhook)
            webhook.status, webhook.processed_at = Webhook.Status.PROCESSED, timezone.now()
            webhook.attempts += 1
            webhook.last_error = ""
            webhook.save(update_fields=["status", "processed_at", "attempts", "last_error"])
            for handler in handlers_for(webhook.processor, webhook.event_type):
                handler(webhook)
            signals.webhook_processed.send(Webhook, webhook=webhook, changes=changes)
            emails.send_on_commit(webhook.processor, changes)
            return webhook
    except (InvalidOwnerReference, MalformedWebhook) as error:
        return _failed(webhook_id, error)
    except Exception as error:
        _failed(webhook_id, error)
        raise


def _apply(webhook: Webhook) -> list[Change]:
    processor = get_processor(webhook.processor)
    occurred_at = webhook.occurred_at or webhook.created_at
    # Re-read state is current as of the read, which starts now; a snapshot is as of the event.
    as_of = timezone.now() if processor.webhook_changes_are_current else occurred_at
    event = WebhookEvent(webhook.event_id, webhook.event_type, occurred_at, webhook.payload)
    changes = _translated(processor, event)
    for change in changes:
        apply_change(change, processor, as_of)
    return changes


def _translated(processor: Processor, event: WebhookEvent) -> list[Change]:
    """The event's changes; MalformedWebhook when its signed payload cannot be read, since
    every redelivery brings the same payload and would fail the same way."""
    try:
        return processor.translate_webhook(event)
    except PayError:
        raise
    except (KeyError, IndexError, TypeError, ValueError) as error:
        raise MalformedWebhook(
            f"The {event.event_type} event cannot be read ({type(error).__name__}: {error}). "
            "Its payload is stored on this Webhook: check it against the processor's "
            "documentation, then retry it from the admin once the cause is fixed."
        ) from error


def _failed(webhook_id: int, error: Exception) -> Webhook:
    message = f"{type(error).__name__}: {error}"
    logger.warning("Webhook %s failed: %s", webhook_id, message)
    Webhook.objects.filter(pk=webhook_id).update(
        status=Webhook.Status.FAILED, attempts=F("attempts") + 1, last_error=message
    )
    return Webhook.objects.get(pk=webhook_id)
