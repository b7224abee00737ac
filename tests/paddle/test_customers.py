"""Paddle customers and the settings the processor needs."""

from __future__ import annotations

import pytest
import requests
from requests.adapters import BaseAdapter

from pay import processors
from pay.errors import ConfigurationError, InvalidAction, NotSupported, ProcessorError
from pay.models import Customer
from pay.processors import get_processor

from .double import API_KEY

pytestmark = pytest.mark.django_db


def test_a_customer_is_created_at_paddle_on_first_use(paddle, user):
    customer = user.set_payment_processor("paddle_billing")
    assert customer.processor_id is None

    details = customer.details()

    created = paddle.customers[details.processor_id]
    assert created["email"] == "ada@example.com"
    assert created["name"] == "Ada Lovelace"
    assert Customer.objects.get().processor_id == details.processor_id


def test_an_email_paddle_already_knows_reuses_that_customer(paddle, user):
    """Paddle allows one customer per email, e.g. one made by an earlier checkout."""
    existing = paddle._new_customer("ada@example.com")

    customer = user.set_payment_processor("paddle_billing")

    assert customer.details().processor_id == existing["id"]
    assert len(paddle.customers) == 1


def test_an_archived_customer_is_reactivated(paddle, user):
    existing = paddle._new_customer("ada@example.com")
    existing["status"] = "archived"

    customer = user.set_payment_processor("paddle_billing")

    assert customer.details().processor_id == existing["id"]
    assert existing["status"] == "active"


def test_an_owner_without_an_email_cannot_be_a_paddle_customer(paddle, team):
    team.billing_email = ""
    customer = team.set_payment_processor("paddle_billing")

    with pytest.raises(InvalidAction, match="needs an email address"):
        customer.details()

    assert not paddle.customers
    assert Customer.objects.get().processor_id is None


def test_customer_changes_reach_paddle(paddle, paddle_customer):
    paddle_customer.update_processor_customer(name="Countess of Lovelace", locale="en-GB")

    assert paddle.customers[paddle_customer.processor_id]["name"] == "Countess of Lovelace"
    assert paddle_customer.data == {"name": "Countess of Lovelace", "locale": "en-GB"}


def test_unknown_customer_changes_are_refused(paddle, paddle_customer):
    with pytest.raises(InvalidAction, match="cannot change a customer's phone"):
        paddle_customer.update_processor_customer(phone="555")


def test_deleting_a_customer_archives_it_at_paddle(paddle, paddle_customer):
    paddle_customer.delete_processor_customer()

    assert paddle.customers[paddle_customer.processor_id]["status"] == "archived"
    assert paddle_customer.deleted_at is not None


def test_payment_methods_are_saved_in_checkout_not_through_the_api(paddle, paddle_customer):
    with pytest.raises(NotSupported, match="update_payment_method"):
        paddle_customer.add_payment_method("paymtd_01whatever")

    assert not paddle_customer.payment_methods.exists()


def test_one_off_charges_go_through_checkout(paddle, paddle_customer):
    with pytest.raises(NotSupported, match=r"mode='payment'"):
        paddle_customer.charge(1000)

    assert not paddle_customer.charges.exists()


def reconfigured(settings, **changes):
    """The processor built afresh after a settings change (it reads them once)."""
    for name, value in changes.items():
        if value is None:
            delattr(settings, name)
        else:
            setattr(settings, name, value)
    processors.clear_cache()
    return get_processor("paddle_billing")


def test_paddles_refusals_become_processor_errors(paddle, user, settings):
    paddle.install(reconfigured(settings, PADDLE_API_KEY="pdl_sdbx_apikey_revoked"))
    customer = user.set_payment_processor("paddle_billing")

    with pytest.raises(ProcessorError, match=r"refused to create a customer.*invalid_token"):
        customer.details()


def test_an_unreachable_paddle_is_a_processor_error(paddle, user, settings):
    processor = reconfigured(settings)
    processor.client.client.mount("https://sandbox-api.paddle.com", _Unreachable())

    with pytest.raises(ProcessorError, match="Could not reach Paddle"):
        user.set_payment_processor("paddle_billing").details()


class _Unreachable(BaseAdapter):
    def send(self, *args, **kwargs):
        raise requests.ConnectionError("no route to host")

    def close(self):
        pass


@pytest.mark.parametrize("setting", ["PADDLE_API_KEY", "PADDLE_ENVIRONMENT"])
def test_a_missing_api_setting_is_named(paddle, user, settings, monkeypatch, setting):
    monkeypatch.delenv(setting, raising=False)
    reconfigured(settings, **{setting: None})
    customer = user.set_payment_processor("paddle_billing")

    with pytest.raises(ConfigurationError, match=setting):
        customer.details()


def test_settings_can_come_from_the_environment(paddle, user, settings, monkeypatch):
    monkeypatch.setenv("PADDLE_API_KEY", API_KEY)
    monkeypatch.setenv("PADDLE_ENVIRONMENT", "sandbox")
    paddle.install(reconfigured(settings, PADDLE_API_KEY=None, PADDLE_ENVIRONMENT=None))

    assert user.set_payment_processor("paddle_billing").details().processor_id


def test_the_environment_must_be_sandbox_or_production(paddle, user, settings):
    reconfigured(settings, PADDLE_ENVIRONMENT="staging")

    with pytest.raises(ConfigurationError, match="'sandbox' or 'production', not 'staging'"):
        user.set_payment_processor("paddle_billing").details()
