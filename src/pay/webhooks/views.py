"""The webhook endpoints: verify the raw body, record the event, answer quickly.

Nothing is parsed or stored before the processor's signature check passes on the
exact bytes received; a refused request gets 400 and a short reason (never a
secret), and leaves no trace but a log line.
"""

from __future__ import annotations

import logging

from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from pay import conf
from pay.errors import ConfigurationError, WebhookInvalid
from pay.models import Webhook
from pay.processors import Processor, get_processor

from .processing import dispatch, record

logger = logging.getLogger("pay.webhooks")


# Outside ATOMIC_REQUESTS' transaction: the event is stored, and each step commits, on its own.
@transaction.non_atomic_requests
@csrf_exempt
@require_POST
def receive(request: HttpRequest, processor: str) -> HttpResponse:
    """``POST /pay/webhooks/<processor>/``: one event from that processor."""
    backend = _webhook_processor(processor)
    if backend is None:
        return _answer(404, f"No webhooks are received for {processor!r}.")
    body = _body(request)
    if body is None:
        return _refuse(processor, f"The body is larger than {_max_bytes()} bytes.")
    try:
        event = backend.verify_webhook(body, request.headers)
    except WebhookInvalid as error:
        return _refuse(processor, error.reason)
    except ConfigurationError as error:
        logger.error("Cannot verify %s webhooks: %s", processor, error)
        return _answer(500, "Webhooks are not configured on this server.")
    webhook, created = record(processor, event)
    if not created and webhook.status == Webhook.Status.PROCESSED:
        return _answer(200, "Already processed.")
    try:
        dispatch(webhook)
    except Exception:
        logger.exception("Processing %s failed; it stays recorded for a retry.", webhook)
        return _answer(500, "Recorded, but processing failed; it will be retried.")
    return _answer(200, "OK")


@transaction.non_atomic_requests
@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest) -> HttpResponse:
    """``POST /stripe/webhook/``: Stripe's usual endpoint, as Pay and dj-stripe name it."""
    return receive(request, "stripe")


def _webhook_processor(name: str) -> Processor | None:
    try:
        backend = get_processor(name)
    except ConfigurationError:
        return None
    if type(backend).verify_webhook is Processor.verify_webhook:
        return None
    return backend


def _max_bytes() -> int:
    return int(conf.get("PAY_WEBHOOK_MAX_BYTES"))


def _body(request: HttpRequest) -> bytes | None:
    """The raw body, or None when it is over the limit (read no further than that)."""
    limit = _max_bytes()
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body


def _refuse(processor: str, reason: str) -> HttpResponse:
    logger.warning("Refused a %s webhook: %s", processor, reason)
    return _answer(400, reason)


def _answer(status: int, message: str) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")
