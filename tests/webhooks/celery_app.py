"""The Celery app of the webhook tests: Redis as the broker, one queue per test."""

from __future__ import annotations

import os

from celery import Celery

from tests.services import REDIS_URL

app = Celery("pay_tests")
app.conf.update(
    broker_url=REDIS_URL,
    task_default_queue=os.environ.get("PAY_TEST_CELERY_QUEUE", "pay-tests"),
    worker_prefetch_multiplier=1,
    broker_connection_retry_on_startup=True,
)
