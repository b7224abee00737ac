from __future__ import annotations

import os
from collections.abc import Generator
from typing import Any

import pytest

from pay import processors
from tests.services import postgres_unavailable, redis_unavailable

REQUIRE_SERVICES = os.environ.get("PAY_TEST_REQUIRE_SERVICES") == "1"

pytest_plugins = ["tests.stripe_double.plugin", "tests.celery.plugin"]


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for marker, service, unavailable in (
        ("postgres", "PostgreSQL", postgres_unavailable),
        ("redis", "Redis", redis_unavailable),
    ):
        if not any(marker in item.keywords for item in items):
            continue
        reason = unavailable()
        if reason:
            for item in items:
                if marker in item.keywords:
                    item.add_marker(pytest.mark.skip(reason=f"needs {service}: {reason}"))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, Any, Any]:
    report = yield
    if REQUIRE_SERVICES and report.skipped and not hasattr(report, "wasxfail"):
        report.outcome = "failed"
        report.longrepr = (
            f"skipped, but PAY_TEST_REQUIRE_SERVICES=1 forbids skips: {report.longrepr}"
        )
    return report


@pytest.fixture(autouse=True)
def _fresh_processors() -> Generator[None, None, None]:
    """Settings overrides in a test must reach freshly built processors."""
    processors.clear_cache()
    yield
    processors.clear_cache()


@pytest.fixture
def user(django_user_model: Any) -> Any:
    return django_user_model.objects.create_user(
        username="ada", email="ada@example.com", first_name="Ada", last_name="Lovelace"
    )


@pytest.fixture
def team() -> Any:
    from tests.testapp.models import Team

    return Team.objects.create(name="Analytical Engines", billing_email="billing@engines.test")


@pytest.fixture
def customer(user: Any) -> Any:
    return user.set_payment_processor("fake_processor", allow_fake=True)
