"""Settings for django-pay's own test suite.

The suite runs on PostgreSQL when one answers (PAY_TEST_POSTGRES_URL, by default
postgres@127.0.0.1:5432) and on SQLite otherwise; PAY_TEST_DATABASE=sqlite
forces SQLite. Tests that need PostgreSQL are skipped on SQLite with the reason.
"""

from __future__ import annotations

import django

from tests.services import test_database

SECRET_KEY = "tests-only-not-secret"
DEBUG = False
USE_TZ = True
TIME_ZONE = "UTC"
ROOT_URLCONF = "tests.urls"
AUTH_USER_MODEL = "testapp.User"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "pay",
    "tests.testapp",
]

MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]

DATABASES = {"default": test_database()}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

PAY_PROCESSORS = ["fake_processor"]
PAY_FAKE_PROCESSOR_PLANS = {
    "basic-monthly": {"interval": "month"},
    "pro-monthly": {"interval": "month"},
    "pro-annual": {"interval": "year"},
}
PAY_PRODUCT_METADATA_MODULE = "tests.testapp.metadata"
USE_HTTPS_IN_ABSOLUTE_URLS = False
PAY_SUBSCRIPTION_HOLDER = "tests.testapp.holders.holder_for_request"

if django.VERSION >= (6, 1):  # MAILERS replaces EMAIL_BACKEND; tests swap in the memory one
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
