"""django-pay's settings, each read from Django settings with a default."""

from __future__ import annotations

import os
from typing import Any

from django.conf import settings

from pay.errors import ConfigurationError

DEFAULTS: dict[str, Any] = {
    # Names of the processors this project may use.
    "PAY_PROCESSORS": ["fake_processor"],
    # Extra or replacement processors: {"name": "dotted.path.ToProcessorClass"}.
    "PAY_PROCESSOR_CLASSES": {},
    # The fake processor's plans: {"plan id": {"interval": "month" | "year", "interval_count": 1}}.
    # A plan not listed here renews monthly.
    "PAY_FAKE_PROCESSOR_PLANS": {},
    # Webhook requests with a larger body are refused before it is read.
    "PAY_WEBHOOK_MAX_BYTES": 512 * 1024,
    # Where verified events are processed: "inline" (in the request) or "celery".
    "PAY_WEBHOOK_BACKEND": "inline",
    # How often the Celery task retries an event (with exponential backoff) before giving up.
    "PAY_WEBHOOK_MAX_RETRIES": 5,
    # Customer emails to leave out: {"receipt": False, ...}; every one is sent by default.
    "PAY_EMAILS": {},
    # The processor the subscription pages sign holders up with; None: the first of PAY_PROCESSORS.
    "PAY_DEFAULT_PROCESSOR": None,
    # The module defining ACTIVE_PRODUCTS and ACTIVE_PLAN_INTERVALS (see pay.metadata).
    "PAY_PRODUCT_METADATA_MODULE": None,
    # Dotted path of callable(request) -> holder | None; None: request.team, else request.user.
    "PAY_SUBSCRIPTION_HOLDER": None,
    # Dotted path of callable(request, holder) -> bool; None: see pay.holders.can_manage_billing.
    "PAY_CAN_MANAGE_BILLING": None,
    # The template the subscription pages extend.
    "PAY_BASE_TEMPLATE": "pay/base.html",
    # Absolute URLs (emails, processor return URLs) use https unless this is False.
    "USE_HTTPS_IN_ABSOLUTE_URLS": True,
}


def get(name: str) -> Any:
    """Return the project's value of a django-pay setting, or its default."""
    return getattr(settings, name, DEFAULTS[name])


def required(name: str, needed_for: str) -> str:
    """A processor credential from Django settings, else the environment variable of that name.

    Raises ConfigurationError naming the setting when it is set in neither place.
    """
    value = getattr(settings, name, None) or os.environ.get(name, "")
    if not value:
        raise _missing(name, needed_for)
    return str(value)


def required_list(name: str, needed_for: str) -> list[str]:
    """Like :func:`required`, for a setting that may hold several values (e.g. rotated secrets).

    The Django setting may be a list; the environment variable separates values with commas.
    """
    value = getattr(settings, name, None) or os.environ.get(name, "")
    values = value.split(",") if isinstance(value, str) else list(value)
    values = [str(item).strip() for item in values if str(item).strip()]
    if not values:
        raise _missing(name, needed_for)
    return values


def _missing(name: str, needed_for: str) -> ConfigurationError:
    return ConfigurationError(
        f"{name} is not set. Add it to your Django settings or the environment; "
        f"django-pay needs it for {needed_for}."
    )
