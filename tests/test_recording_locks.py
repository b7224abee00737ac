"""Recording a subscription takes its customer's row lock, as webhooks do (PostgreSQL)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, transaction

from pay.models import Subscription

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

#: Generous: only a broken test waits this long.
WAIT_SECONDS = 30


def in_thread(work: Callable[[], None], errors: list[BaseException]) -> threading.Thread:
    def run() -> None:
        try:
            work()
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def wait_until_a_query_waits_for_a_lock() -> None:
    """Poll PostgreSQL's activity view: no timing decides the outcome, only when we go on."""
    with connection.cursor() as cursor:
        for _ in range(100_000):
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity "
                "WHERE wait_event_type = 'Lock' AND datname = current_database()"
            )
            if cursor.fetchone()[0]:
                return
    raise AssertionError("The return page never waited for the webhook's lock.")


def test_the_return_page_and_the_webhook_record_one_subscription(customer: Any) -> None:
    details = customer.subscribe(plan="pro-monthly").details()
    Subscription.objects.all().delete()
    recorded, release = threading.Event(), threading.Event()
    errors: list[BaseException] = []

    def webhook() -> None:
        with transaction.atomic():
            customer.record_subscription(details)
            recorded.set()
            release.wait(WAIT_SECONDS)

    webhook_thread = in_thread(webhook, errors)
    assert recorded.wait(WAIT_SECONDS)
    return_page = in_thread(lambda: customer.record_subscription(details), errors)
    try:
        wait_until_a_query_waits_for_a_lock()
    finally:
        release.set()
        webhook_thread.join()
        return_page.join()

    assert errors == []
    assert Subscription.objects.count() == 1
