from __future__ import annotations

import pytest

from pay.errors import ConfigurationError, InvalidAction, PaymentDeclined, ProcessorError
from pay.models import PaymentMethod
from pay.processors.braintree.client import build_gateway

pytestmark = pytest.mark.django_db


def test_the_customer_is_created_with_the_owners_name_and_email(braintree_double, user):
    customer = user.set_payment_processor("braintree")

    customer.details()

    created = braintree_double.customers[customer.processor_id]
    assert (created["first_name"], created["last_name"], created["email"]) == (
        "Ada",
        "Lovelace",
        "ada@example.com",
    )


def test_a_nonce_is_vaulted_as_the_default_payment_method(braintree_double, braintree_customer):
    second = braintree_customer.add_payment_method("fake-valid-mastercard-nonce")

    assert (second.brand, second.last4, second.type) == ("MasterCard", "4444", "card")
    assert braintree_customer.default_payment_method == second
    assert [m["default"] for m in braintree_double.payment_methods.values()] == [False, True]


def test_a_paypal_account_can_be_vaulted(braintree_double, braintree_customer):
    method = braintree_customer.add_payment_method("fake-paypal-billing-agreement-nonce")

    assert method.type == "paypal"
    assert method.data["email"] == "jane.doe@paypal.com"


def test_a_card_that_fails_verification_is_not_saved(braintree_double, user):
    customer = user.set_payment_processor("braintree")

    with pytest.raises(PaymentDeclined, match="Do Not Honor"):
        customer.add_payment_method("fake-processor-declined-visa-nonce")

    assert not PaymentMethod.objects.exists()
    assert not braintree_double.payment_methods


def test_a_used_nonce_is_refused_with_braintrees_reason(braintree_double, user):
    customer = user.set_payment_processor("braintree")

    with pytest.raises(ProcessorError, match=r"more than once.*93107"):
        customer.add_payment_method("fake-consumed-nonce")

    assert not PaymentMethod.objects.exists()


def test_a_client_token_authorizes_the_drop_in_ui(braintree_double, braintree_customer, processor):
    token = processor.client_token(braintree_customer.details())

    assert token
    assert ("POST", "/client_token") in braintree_double.requests


def test_customer_updates_are_limited_to_braintrees_fields(braintree_double, braintree_customer):
    braintree_customer.update_processor_customer(company="Analytical Engines")

    assert braintree_double.customers[braintree_customer.processor_id]["company"] == (
        "Analytical Engines"
    )
    with pytest.raises(InvalidAction, match="cannot change a customer's metadata"):
        braintree_customer.update_processor_customer(metadata={"a": 1})


def test_deleting_the_customer_deletes_it_at_braintree(braintree_double, braintree_customer):
    processor_id = braintree_customer.processor_id

    braintree_customer.delete_processor_customer()

    assert processor_id not in braintree_double.customers
    assert braintree_customer.deleted_at is not None


@pytest.mark.parametrize(
    "missing",
    [
        "BRAINTREE_ENVIRONMENT",
        "BRAINTREE_MERCHANT_ID",
        "BRAINTREE_PUBLIC_KEY",
        "BRAINTREE_PRIVATE_KEY",
    ],
)
def test_a_missing_setting_is_named(braintree_double, settings, monkeypatch, user, missing):
    monkeypatch.delenv(missing, raising=False)
    delattr(settings, missing)
    customer = user.set_payment_processor("braintree")

    with pytest.raises(ConfigurationError, match=f"{missing} is not set"):
        customer.details()


def test_settings_may_come_from_the_environment(braintree_double, settings, monkeypatch):
    monkeypatch.setenv("BRAINTREE_MERCHANT_ID", settings.BRAINTREE_MERCHANT_ID)
    monkeypatch.setenv("BRAINTREE_ENVIRONMENT", "production")
    del settings.BRAINTREE_MERCHANT_ID, settings.BRAINTREE_ENVIRONMENT

    gateway = build_gateway()

    assert gateway.config.merchant_id == "pay_double_merchant"
    assert gateway.config.environment.server == "api.braintreegateway.com"


def test_an_unknown_environment_is_refused(braintree_double, settings):
    settings.BRAINTREE_ENVIRONMENT = "staging"

    with pytest.raises(ConfigurationError, match="'sandbox' or 'production', not 'staging'"):
        build_gateway()


def test_wrong_keys_are_a_configuration_error(braintree_double, settings, user):
    settings.BRAINTREE_PRIVATE_KEY = "not-the-key"
    customer = user.set_payment_processor("braintree")

    with pytest.raises(ConfigurationError, match="refused our credentials"):
        customer.details()

    customer.refresh_from_db()
    assert customer.processor_id is None


def test_manage_py_check_names_missing_settings(braintree_double, settings, monkeypatch):
    from pay.checks import processor_settings

    assert processor_settings() == []

    monkeypatch.delenv("BRAINTREE_PRIVATE_KEY", raising=False)
    del settings.BRAINTREE_PRIVATE_KEY
    settings.BRAINTREE_ENVIRONMENT = "live"

    messages = {message.id: message.msg for message in processor_settings()}
    assert messages.keys() == {"pay.braintree.E001", "pay.braintree.E002"}
    assert messages["pay.braintree.E001"].startswith("BRAINTREE_PRIVATE_KEY is not set")
    assert messages["pay.braintree.E002"].endswith("not 'live'.")
