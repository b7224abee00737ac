"""System checks for the webhook settings: a wrong backend fails at deploy, not per event."""

from __future__ import annotations

from importlib.util import find_spec
from typing import Any

from django.core.checks import CheckMessage, Error

from pay import conf

BACKENDS = ("inline", "celery")


def webhook_settings(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    backend = conf.get("PAY_WEBHOOK_BACKEND")
    if backend not in BACKENDS:
        return [
            Error(
                f"PAY_WEBHOOK_BACKEND is {backend!r}.",
                hint=f"Set it to one of {', '.join(BACKENDS)}.",
                id="pay.webhooks.E001",
            )
        ]
    if backend == "celery" and find_spec("celery") is None:
        return [
            Error(
                'PAY_WEBHOOK_BACKEND is "celery", but Celery is not installed.',
                hint="pip install 'django-pay[celery]', or process webhooks inline.",
                id="pay.webhooks.E002",
            )
        ]
    return []
