"""Billing-period arithmetic for the fake processor's plans."""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta

from .catalogue import fake_plans


def plan_interval(plan: str) -> tuple[str, int]:
    """The plan's interval and count from the fake catalogue; monthly if not listed."""
    settings = fake_plans().get(plan, {})
    return str(settings.get("interval", "month")), int(settings.get("interval_count", 1))


def period_end(start: datetime, plan: str, periods: int = 1) -> datetime:
    """The end of ``periods`` billing periods of ``plan`` beginning at ``start``."""
    interval, count = plan_interval(plan)
    return add_interval(start, interval, count * periods)


def add_interval(start: datetime, interval: str, steps: int) -> datetime:
    """``steps`` days, weeks, months or years after ``start``."""
    if interval == "day":
        return start + timedelta(days=steps)
    if interval == "week":
        return start + timedelta(weeks=steps)
    months = steps * 12 if interval == "year" else steps
    return _add_months(start, months)


def _add_months(moment: datetime, months: int) -> datetime:
    """Same day of a later month, clamped to its length (31 Jan + 1 month = 28/29 Feb)."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
