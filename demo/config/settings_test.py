"""Settings for the demo's tests: an in-memory database, fast hashing, the fake processor."""

from __future__ import annotations

import django

from .settings import *  # noqa: F403

DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
DEMO_PAYMENT_PROCESSOR = "fake_processor"
PAY_PROCESSORS = ["fake_processor"]
STRIPE_LIVE_MODE = False
if django.VERSION >= (6, 1):
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
else:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
