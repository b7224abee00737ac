"""A short scripted tour of django-pay's API on the fake processor.

Run it from the repository root: ``python examples/tour.py``. It uses an
in-memory SQLite database and the test suite's example models, and needs no
keys and no network.
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ["PAY_TEST_DATABASE"] = "sqlite"

import django

django.setup()

import time_machine  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.utils import timezone  # noqa: E402

from pay.models import Subscription  # noqa: E402
from tests.testapp.models import User  # noqa: E402


def show(label: str, subscription: Subscription) -> None:
    flags = ["active", "on_trial", "cancelled", "on_grace_period", "ended", "paused"]
    answers = ", ".join(f"{flag}={getattr(subscription, flag)()}" for flag in flags)
    print(f"{label:<34} {subscription.status:<9} {answers}")


def main() -> None:
    call_command("migrate", verbosity=0)
    user = User.objects.create_user("ada", "ada@example.com")
    with time_machine.travel(timezone.now(), tick=False) as clock:
        customer = user.set_payment_processor("fake_processor", allow_fake=True)
        subscription = customer.subscribe(plan="pro-monthly", trial_period_days=14)
        show("Day 0: 14-day trial", subscription)
        clock.shift(timedelta(days=13))
        subscription.cancel()
        show("Day 13: cancelled during trial", subscription)
        subscription.resume()
        show("Day 13: resumed", subscription)
        clock.shift(timedelta(days=2))
        subscription.sync()
        show("Day 15: trial over, renewed", subscription)
        subscription.swap("pro-annual")
        show("Day 15: swapped to pro-annual", subscription)
        subscription.pause(resumes_at=timezone.now() + timedelta(days=30))
        show("Day 15: paused for 30 days", subscription)
        clock.shift(timedelta(days=31))
        show("Day 46: pause over", subscription)
        charge = customer.charge(2500, "usd", description="Setup fee")
        print(f"Charged {charge.amount} {charge.currency} ({charge.processor_id})")
        subscription.cancel_now()
        show("Day 46: cancelled now", subscription)


if __name__ == "__main__":
    main()
