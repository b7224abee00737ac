"""The admin pages answer, with their filters and search."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

MODELS = ("customer", "subscription", "charge", "paymentmethod", "webhook")


@pytest.mark.parametrize("model", MODELS)
def test_changelist_with_search(admin_client, customer, model):
    subscription = customer.subscribe(plan="pro-monthly")
    customer.charge(100)
    customer.add_payment_method("pm_1")

    response = admin_client.get(
        reverse(f"admin:pay_{model}_changelist"), {"q": subscription.processor_id}
    )

    assert response.status_code == 200


def test_subscription_change_page(admin_client, customer):
    subscription = customer.subscribe(plan="pro-monthly")
    response = admin_client.get(reverse("admin:pay_subscription_change", args=[subscription.pk]))
    assert response.status_code == 200
    assert b"pro-monthly" in response.content
