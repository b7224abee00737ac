"""Times as the JSON APIs of Paddle and Lemon Squeezy write them, for their test doubles:
RFC 3339 in UTC with microseconds and a ``Z``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def rfc3339(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def rendered(value: Any) -> Any:
    """Stored state as JSON: every datetime in it, however deep, as :func:`rfc3339`."""
    if isinstance(value, datetime):
        return rfc3339(value)
    if isinstance(value, dict):
        return {key: rendered(item) for key, item in value.items()}
    if isinstance(value, list):
        return [rendered(item) for item in value]
    return value
