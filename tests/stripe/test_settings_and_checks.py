"""Keys, modes, the pinned API version, and the system checks that catch mistakes."""

from __future__ import annotations

import pytest
import stripe
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from pay.checks import processor_settings
from pay.errors import ConfigurationError
from pay.processors.stripe import API_VERSION
from pay.processors.stripe.client import build_client, public_key, secret_key


@pytest.fixture
def clean_environment(monkeypatch):
    for name in (
        "STRIPE_LIVE_MODE",
        "STRIPE_TEST_SECRET_KEY",
        "STRIPE_LIVE_SECRET_KEY",
        "STRIPE_TEST_PUBLIC_KEY",
        "STRIPE_LIVE_PUBLIC_KEY",
        "STRIPE_WEBHOOK_SECRET",
        "DJSTRIPE_WEBHOOK_SECRET",
    ):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def stripe_settings(settings, clean_environment):
    settings.PAY_PROCESSORS = ["stripe"]
    settings.STRIPE_LIVE_MODE = False
    settings.STRIPE_TEST_SECRET_KEY = "sk_test_123"
    settings.STRIPE_TEST_PUBLIC_KEY = "pk_test_123"
    settings.STRIPE_LIVE_SECRET_KEY = "sk_live_123"
    settings.STRIPE_LIVE_PUBLIC_KEY = "pk_live_123"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_123"
    return settings


def test_the_api_version_is_the_one_the_sdk_types_describe():
    assert stripe.StripeClient("sk_test_x").v1 is not None
    assert stripe.api_version == API_VERSION


def test_the_mode_picks_the_key_pair(stripe_settings):
    assert (secret_key(), public_key()) == ("sk_test_123", "pk_test_123")

    stripe_settings.STRIPE_LIVE_MODE = True

    assert (secret_key(), public_key()) == ("sk_live_123", "pk_live_123")


def test_settings_fall_back_to_the_environment(settings, clean_environment, monkeypatch):
    monkeypatch.setenv("STRIPE_LIVE_MODE", "true")
    monkeypatch.setenv("STRIPE_LIVE_SECRET_KEY", "sk_live_env")

    assert secret_key() == "sk_live_env"


def test_a_missing_key_names_the_setting_to_fill_in(settings, clean_environment):
    settings.STRIPE_LIVE_MODE = True

    with pytest.raises(ConfigurationError, match="STRIPE_LIVE_SECRET_KEY"):
        secret_key()


def test_the_client_retries_and_pins_the_version(stripe_settings):
    stripe_settings.STRIPE_MAX_NETWORK_RETRIES = 4

    options = build_client()._requestor._options

    assert options.max_network_retries == 4
    assert options.stripe_version == API_VERSION


def test_the_double_refuses_another_api_version(stripe_double):
    client = stripe.StripeClient(
        "sk_test_x", stripe_version="2020-08-27", http_client=stripe_double.http_client
    )

    with pytest.raises(stripe.InvalidRequestError, match="2020-08-27"):
        client.v1.customers.create({})


def ids(messages):
    return sorted(message.id for message in messages)


def test_good_settings_pass(stripe_settings):
    assert processor_settings() == []


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"STRIPE_TEST_SECRET_KEY": None}, ["pay.stripe.E001"]),
        ({"STRIPE_TEST_SECRET_KEY": "pk_test_123"}, ["pay.stripe.E002"]),
        ({"STRIPE_TEST_SECRET_KEY": "sk_live_123"}, ["pay.stripe.E003"]),
        ({"STRIPE_LIVE_MODE": True, "STRIPE_LIVE_SECRET_KEY": "sk_test_1"}, ["pay.stripe.E003"]),
        ({"STRIPE_TEST_PUBLIC_KEY": "sk_test_123"}, ["pay.stripe.E004"]),
        ({"STRIPE_TEST_PUBLIC_KEY": None}, ["pay.stripe.W001"]),
        ({"STRIPE_TEST_PUBLIC_KEY": "pk_live_123"}, ["pay.stripe.E005"]),
        ({"STRIPE_WEBHOOK_SECRET": None}, ["pay.stripe.W002"]),
        ({"STRIPE_WEBHOOK_SECRET": ["whsec_1", "sk_test_oops"]}, ["pay.stripe.W003"]),
    ],
)
def test_each_mistake_is_reported(stripe_settings, changes, expected):
    for name, value in changes.items():
        setattr(stripe_settings, name, value)

    messages = processor_settings()

    assert ids(messages) == expected
    for message in messages:
        assert "_123" not in message.msg + (message.hint or "")


@pytest.mark.django_db  # Django 6's check command may look at the database
def test_manage_py_check_runs_them(stripe_settings):
    stripe_settings.STRIPE_TEST_SECRET_KEY = "sk_live_123"

    with pytest.raises(SystemCheckError, match=r"pay\.stripe\.E003"):
        call_command("check")


def test_an_unknown_processor_is_reported(settings):
    settings.PAY_PROCESSORS = ["fake_processor", "strype"]

    assert ids(processor_settings()) == ["pay.E001"]


def test_checks_skip_processors_that_are_not_enabled(settings, clean_environment):
    settings.PAY_PROCESSORS = ["fake_processor"]

    assert processor_settings() == []
