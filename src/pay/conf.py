"""django-pay's settings, each read from Django settings with a default."""

from __future__ import annotations

from typing import Any

from django.conf import settings

DEFAULTS: dict[str, Any] = {
    # Names of the processors this project may use.
    "PAY_PROCESSORS": ["fake_processor"],
    # Extra or replacement processors: {"name": "dotted.path.ToProcessorClass"}.
    "PAY_PROCESSOR_CLASSES": {},
    # The fake processor's plans: {"plan id": {"interval": "month" | "year", "interval_count": 1}}.
    # A plan not listed here renews monthly.
    "PAY_FAKE_PROCESSOR_PLANS": {},
}


def get(name: str) -> Any:
    """Return the project's value of a django-pay setting, or its default."""
    return getattr(settings, name, DEFAULTS[name])
