"""Billable owners: any model can hold customers at processors."""

from __future__ import annotations

import pytest

from pay.errors import (
    FakeProcessorNotAllowed,
    NotSupported,
    ProcessorNotEnabled,
    UnknownProcessor,
)
from pay.models import Customer
from pay.processors.fake import FakeProcessor

pytestmark = pytest.mark.django_db


def test_fake_processor_needs_explicit_consent(user):
    with pytest.raises(FakeProcessorNotAllowed, match="allow_fake=True"):
        user.set_payment_processor("fake_processor")
    assert not Customer.objects.exists()


def test_unknown_and_disabled_processors_are_refused_with_the_fix(user, settings):
    with pytest.raises(UnknownProcessor, match="PAY_PROCESSOR_CLASSES"):
        user.set_payment_processor("paypall")
    settings.PAY_PROCESSOR_CLASSES = {"other": "pay.processors.fake.FakeProcessor"}
    with pytest.raises(ProcessorNotEnabled, match="PAY_PROCESSORS"):
        user.set_payment_processor("other")
    assert not Customer.objects.exists()


def test_set_payment_processor_returns_the_default_customer(user):
    customer = user.set_payment_processor("fake_processor", allow_fake=True)

    assert customer.default
    assert customer.owner == user
    assert user.payment_processor == customer
    assert list(user.pay_customers) == [customer]
    assert customer.processor_id is None, "created at the processor only when first needed"


def test_setting_the_same_processor_twice_keeps_one_customer(user):
    first = user.set_payment_processor("fake_processor", allow_fake=True)
    second = user.set_payment_processor("fake_processor", allow_fake=True)

    assert first.pk == second.pk
    assert user.pay_customers.count() == 1


def test_switching_processor_moves_the_default(user, settings):
    settings.PAY_PROCESSOR_CLASSES = {"other_fake": "tests.test_owners.OtherFake"}
    settings.PAY_PROCESSORS = ["fake_processor", "other_fake"]
    fake = user.set_payment_processor("fake_processor", allow_fake=True)
    other = user.set_payment_processor("other_fake")

    fake.refresh_from_db()
    assert not fake.default
    assert other.default
    assert user.pay_customers.filter(default=True).get() == other

    refetched = type(user).objects.get(pk=user.pk)
    assert refetched.payment_processor == other


def test_owner_without_a_customer_has_no_payment_processor(user):
    assert user.payment_processor is None


def test_user_and_team_owners_live_side_by_side(user, team):
    user_customer = user.set_payment_processor("fake_processor", allow_fake=True)
    team_customer = team.set_payment_processor("fake_processor", allow_fake=True)
    team_customer.subscribe(plan="pro-monthly")

    assert user_customer.pk != team_customer.pk
    assert not user_customer.subscribed()
    assert team_customer.subscribed(processor_plan="pro-monthly")


def test_owner_details_reach_the_processor(user, team):
    user_details = user.set_payment_processor("fake_processor", allow_fake=True).details()
    team_details = team.set_payment_processor("fake_processor", allow_fake=True).details()

    assert user_details.owner.email == "ada@example.com"
    assert user_details.owner.name == "Ada Lovelace"
    assert user_details.owner.reference == f"testapp.user:{user.pk}"
    assert team_details.owner.email == "billing@engines.test"
    assert team_details.owner.name == "Analytical Engines"
    assert user_details.processor_id.startswith("fake_cus_")


def test_customer_is_created_at_the_processor_once(customer):
    first = customer.details().processor_id
    customer.refresh_from_db()
    assert customer.details().processor_id == first


def test_deleting_the_processor_customer_marks_it_deleted(user, customer):
    customer.details()
    customer.delete_processor_customer()

    customer.refresh_from_db()
    assert customer.deleted_at is not None
    assert not customer.default
    assert not user.pay_customers.exists()


class OtherFake(FakeProcessor):
    name = "other_fake"


class CheckoutOnlyFake(FakeProcessor):
    name = "checkout_only"
    unsupported = {
        "subscribe": "Subscriptions start in checkout.",
        "charge": "Charges happen in checkout.",
    }


@pytest.mark.parametrize("operation", ["subscribe", "charge"])
def test_an_unsupported_operation_is_refused_before_the_customer_is_created(
    user, settings, operation
):
    settings.PAY_PROCESSOR_CLASSES = {"checkout_only": "tests.test_owners.CheckoutOnlyFake"}
    settings.PAY_PROCESSORS = ["checkout_only"]
    customer = user.set_payment_processor("checkout_only")
    call = {"subscribe": lambda: customer.subscribe(), "charge": lambda: customer.charge(100)}

    with pytest.raises(NotSupported, match="checkout_only processor does not support"):
        call[operation]()

    customer.refresh_from_db()
    assert customer.processor_id is None
