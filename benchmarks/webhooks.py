"""Webhook throughput: events per second through the whole path, and queries per event.

Each event goes through Django's test client to ``/stripe/webhook/``, is verified,
stored and processed inline (Stripe's re-reads answered by the in-process Stripe
double), on SQLite and, when one answers, on PostgreSQL:

    python benchmarks/webhooks.py [events]

Each database runs in its own process, in a throwaway test database.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DATABASES = ("sqlite", "postgresql")
#: The events delivered, in turn, each time with a new event id.
EVENT_TYPES = ("customer.subscription.updated", "charge.succeeded", "invoice.payment_succeeded")


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    database = os.environ.get("PAY_BENCH_DATABASE")
    if database:
        measure(database, events)
        return
    print(f"{'database':<12}{'events':>8}{'seconds':>9}{'events/s':>10}{'queries/event':>15}")
    for name in DATABASES:
        env = {**os.environ, "PAY_BENCH_DATABASE": name}
        subprocess.run([sys.executable, __file__, str(events)], env=env, check=True)


def measure(database: str, count: int) -> None:
    sys.path[:0] = [str(ROOT), str(ROOT / "src")]
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    if database == "sqlite":
        os.environ["PAY_TEST_DATABASE"] = "sqlite"
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from tests.services import postgres_unavailable

    reason = postgres_unavailable()
    if database == "postgresql" and reason:
        print(f"{database:<12}skipped: {reason}")
        return
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0)
    try:
        seconds, queries = deliver(count)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    rate, per_event = count / seconds, queries / count
    print(f"{database:<12}{count:>8}{seconds:>9.2f}{rate:>10.1f}{per_event:>15.1f}")


def deliver(count: int) -> tuple[float, int]:
    """Deliver ``count`` new events; the seconds it took and the queries it made."""
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from pay.models import Webhook
    from tests.stripe_double import StripeDouble, sign_webhook
    from tests.stripe_double.plugin import WEBHOOK_SECRET, configure
    from tests.testapp.models import User

    double = StripeDouble()
    configure(settings, double)
    user = User.objects.create_user(username="bench", email="bench@example.com")
    customer = user.set_payment_processor("stripe")
    customer.add_payment_method("pm_card_visa")
    customer.subscribe(plan="price_basic_monthly")
    customer.charge(2500)
    templates = [double.events_of(event_type)[-1] for event_type in EVENT_TYPES]
    client = Client()
    deliveries = []
    for number in range(count):
        event: dict[str, Any] = {**templates[number % len(templates)], "id": f"evt_{number}"}
        deliveries.append(sign_webhook(event, WEBHOOK_SECRET))
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        for body, headers in deliveries:
            response = client.post(
                "/stripe/webhook/", body, content_type="application/json", headers=headers
            )
            assert response.status_code == 200, response.content
        seconds = time.perf_counter() - started
    assert Webhook.objects.filter(status="processed").count() == count
    return seconds, len(queries.captured_queries)


if __name__ == "__main__":
    main()
