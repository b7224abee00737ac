"""The Celery task that processes a recorded event (``PAY_WEBHOOK_BACKEND = "celery"``).

The task is acknowledged only once it has finished (``acks_late``), and a worker
that dies mid-event leaves its message to be delivered again
(``reject_on_worker_lost``); the Webhook row's lock and status make that second
run, or any duplicate, apply the event once. A failure is retried with
exponential backoff, ``PAY_WEBHOOK_MAX_RETRIES`` times; the row then stays
``failed`` with the error, for the admin's Retry action or ``manage.py pay_webhooks``.
"""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task

from pay import conf
from pay.models import Webhook

from .processing import process

logger = logging.getLogger("pay.webhooks")

#: Longest wait between two attempts, in seconds.
MAX_BACKOFF = 600


@shared_task(  # type: ignore[untyped-decorator]
    bind=True, name="pay.webhooks.process", acks_late=True, reject_on_worker_lost=True
)
def process_webhook(task: Any, webhook_id: int) -> str:
    try:
        return str(process(webhook_id).status)
    except Webhook.DoesNotExist:
        logger.warning("Webhook %s was deleted before it was processed.", webhook_id)
        return "deleted"
    except Exception as error:
        attempt = task.request.retries
        raise task.retry(
            exc=error,
            countdown=min(MAX_BACKOFF, 2**attempt * 5),
            max_retries=int(conf.get("PAY_WEBHOOK_MAX_RETRIES")),
        ) from error
