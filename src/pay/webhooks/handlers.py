"""Custom webhook handlers: the project's own code, run after django-pay's handling.

``subscribe("stripe.customer.subscription.deleted", handler)`` registers ``handler``
for that processor's event type; any number may listen to one type. Each is called as
``handler(webhook)`` with the :class:`pay.models.Webhook` row (``webhook.payload`` is
the processor's event), inside the transaction that processes the event, so it runs
exactly once per event: an exception rolls the whole event back for a retry.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pay.models import Webhook

Handler = Callable[["Webhook"], object]

_handlers: dict[str, list[Handler]] = {}
_lock = threading.Lock()


def subscribe(event: str, handler: Handler) -> None:
    """Call ``handler(webhook)`` for every ``"<processor>.<event type>"`` event."""
    with _lock:
        listeners = _handlers.setdefault(event, [])
        if handler not in listeners:
            listeners.append(handler)


def unsubscribe(event: str, handler: Handler) -> None:
    """Stop calling ``handler`` for ``event``; nothing happens if it was not subscribed."""
    with _lock:
        listeners = _handlers.get(event, [])
        if handler in listeners:
            listeners.remove(handler)


def handlers_for(processor: str, event_type: str) -> list[Handler]:
    with _lock:
        return list(_handlers.get(f"{processor}.{event_type}", []))
