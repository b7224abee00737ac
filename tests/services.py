"""The outside services the test suite can use, and why one is missing.

On a machine without PostgreSQL, Redis or Chromium the tests that need them
are skipped with the reason given here; PAY_TEST_REQUIRE_SERVICES=1 (set by
.ci/run) turns every skip into a failure instead.
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

POSTGRES_URL = os.environ.get(
    "PAY_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@cache
def postgres_unavailable() -> str | None:
    """Why the suite cannot use PostgreSQL, or None when it can."""
    if os.environ.get("PAY_TEST_DATABASE") == "sqlite":
        return "this run uses SQLite (PAY_TEST_DATABASE=sqlite)"
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed: pip install -e '.[dev]'"
    try:
        psycopg.connect(POSTGRES_URL, connect_timeout=2).close()
    except psycopg.Error as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else "no answer"
        return (
            f"PostgreSQL is not reachable at {POSTGRES_URL} ({first_line}); "
            "start it or set PAY_TEST_POSTGRES_URL"
        )
    return None


def _checkout_tag() -> str:
    return hashlib.sha1(str(Path(__file__).resolve().parent).encode()).hexdigest()[:8]


def test_database() -> dict[str, Any]:
    """PostgreSQL when it answers, SQLite otherwise."""
    if postgres_unavailable():
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}
    url = urlsplit(POSTGRES_URL)
    return {
        "ENGINE": "django.db.backends.postgresql",
        "HOST": url.hostname or "127.0.0.1",
        "PORT": url.port or 5432,
        "USER": url.username or "postgres",
        "PASSWORD": url.password or "",
        "NAME": url.path.lstrip("/") or "postgres",
        # One test database per checkout, so that several checkouts can test at once.
        "TEST": {"NAME": f"test_django_pay_{_checkout_tag()}"},
    }


REDIS_URL = os.environ.get("PAY_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@cache
def redis_unavailable() -> str | None:
    """Why the suite cannot use Redis (as Celery's broker), or None when it can."""
    try:
        import celery  # noqa: F401
        import redis
    except ImportError:
        return "celery or redis is not installed: pip install -e '.[dev]'"
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        return (
            f"Redis is not reachable at {REDIS_URL} ({error}); start it or set PAY_TEST_REDIS_URL"
        )
    return None


@cache
def chromium_unavailable() -> str | None:
    """Why the suite cannot drive headless Chromium, or None when it can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed: pip install -e '.[dev]'"
    if not Path(CHROMIUM).exists():
        return f"Chromium is not at {CHROMIUM}: apt-get install -y chromium"
    return None


CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
