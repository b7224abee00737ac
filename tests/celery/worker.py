"""The Celery app a test's worker subprocess runs (``celery -A tests.celery.worker``).

Its custom handler holds an event while the test's hold file exists, so the test
can kill the worker mid-event; its side effect is a row, written in the processing
transaction, so the test can count how often the event really took effect.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import django

django.setup()

import pay.tasks  # noqa: E402  (registers the tasks with the app)
import pay.webhooks.tasks  # noqa: E402, F401
from pay.models import Webhook  # noqa: E402
from pay.webhooks import subscribe  # noqa: E402
from tests.celery.app import app  # noqa: E402
from tests.testapp.models import Team  # noqa: E402

HELD_EVENT = "stripe.radar.early_fraud_warning.created"


def hold_then_take_effect(webhook: Webhook) -> None:
    folder = Path(os.environ["PAY_TEST_WORKER_DIR"])
    (folder / "started").write_text(str(os.getpid()))
    while (folder / "hold").exists():
        time.sleep(0.05)
    Team.objects.create(name=webhook.event_id, billing_email="effects@example.test")


subscribe(HELD_EVENT, hold_then_take_effect)

__all__ = ["app"]
