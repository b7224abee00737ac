"""Checks on values that come from application code, before any processor sees them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from django.utils import timezone

from pay.errors import InvalidAction, InvalidAmount


def _is_whole_number(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


#: The largest count the database keeps (a PositiveIntegerField): a larger one would reach the
#: processor, be billed, and then fail to save.
MAX_COUNT = 2_147_483_647


def require_count(value: Any, name: str) -> None:
    """A quantity or number of days: a whole number, zero or more, that the database can keep."""
    if not _is_whole_number(value) or not 0 <= value <= MAX_COUNT:
        raise InvalidAction(
            f"{name} must be a whole number of 0 or more (at most {MAX_COUNT}), not {value!r}."
        )


def require_plan(plan: Any) -> None:
    """A plan is the processor's price id: a string, never empty (which would reach the
    processor, or be saved as the subscription's plan)."""
    if not isinstance(plan, str) or not plan.strip():
        raise InvalidAction(f"The plan must be a price id such as 'price_123', not {plan!r}.")


def require_aware(moment: Any, name: str) -> None:
    """A moment is a timezone-aware datetime: a naive one has no single meaning in UTC."""
    if not isinstance(moment, datetime) or timezone.is_naive(moment):
        raise InvalidAction(
            f"{name} must be a timezone-aware datetime (e.g. with tzinfo=UTC), not {moment!r}."
        )


def require_amount(amount: Any) -> None:
    """Money is a positive whole number of minor units, never a float."""
    if not _is_whole_number(amount) or amount <= 0:
        raise InvalidAmount(
            f"Amounts are whole numbers of minor units (1000 for $10.00), not {amount!r}."
        )


def normalize_currency(currency: str) -> str:
    if len(currency) != 3 or not currency.isalpha():
        raise InvalidAmount(f"{currency!r} is not a currency code; use ISO 4217, e.g. 'usd'.")
    return currency.lower()


def require_updatable(processor: str, changes: Mapping[str, Any], updatable: Sequence[str]) -> None:
    """A customer update touches only what ``processor`` (its display name) lets us change."""
    unknown = set(changes) - set(updatable)
    if unknown:
        raise InvalidAction(
            f"{processor} cannot change a customer's {', '.join(sorted(unknown))}; "
            f"it can change {', '.join(updatable)}."
        )
