"""Settings for a Celery worker started by a test: the test's own database."""

from __future__ import annotations

import os

from tests.settings import *  # noqa: F403
from tests.settings import DATABASES

DATABASES["default"] = {**DATABASES["default"], "NAME": os.environ["PAY_TEST_DATABASE_NAME"]}
PAY_PROCESSORS = ["fake_processor", "stripe"]
STRIPE_TEST_SECRET_KEY = "sk_test_worker"
PAY_WEBHOOK_BACKEND = "celery"
