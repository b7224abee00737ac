"""Webhooks: verify, record, then process each processor event once.

The path of an event: the endpoint (:mod:`.views`) verifies the raw body with the
processor's ``verify_webhook`` and stores the event (:mod:`.processing`); then, in
the request or in a Celery task (:mod:`.tasks`), the processor's ``translate_webhook``
turns it into changes that :mod:`.apply` saves under row locks, and custom handlers
(:mod:`.handlers`), signals and customer emails (:mod:`.emails`) follow, all once.
"""

from .handlers import subscribe, unsubscribe

__all__ = ["subscribe", "unsubscribe"]
