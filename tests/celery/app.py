"""The Celery app of the tests: Redis as the broker, one queue per test."""

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
    # A message taken by a worker that died unseen goes back to the queue after this long.
    broker_transport_options={
        "visibility_timeout": int(os.environ.get("PAY_TEST_VISIBILITY_TIMEOUT", "3600")),
        # Look for such messages every second, not every 100 s.
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    },
)
