"""The admin pages answer, with their filters and search."""

from __future__ import annotations

import pytest
from django.urls import reverse

from pay.models import Price

pytestmark = pytest.mark.django_db

MODELS = ("customer", "subscription", "charge", "paymentmethod", "webhook", "product")


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


def test_a_product_and_its_prices_are_added_by_hand(admin_client):
    inline = "prices"  # the inline formset's prefix: the related name
    response = admin_client.post(
        reverse("admin:pay_product_add"),
        {
            "processor": "braintree",
            "processor_id": "pro",
            "name": "Pro",
            "active": "on",
            "data": "{}",
            f"{inline}-TOTAL_FORMS": "1",
            f"{inline}-INITIAL_FORMS": "0",
            f"{inline}-0-processor_id": "pro-monthly",
            f"{inline}-0-amount": "3000",
            f"{inline}-0-currency": "usd",
            f"{inline}-0-interval": "month",
            f"{inline}-0-interval_count": "1",
            f"{inline}-0-active": "on",
        },
    )

    assert response.status_code == 302, response.content
    price = Price.objects.select_related("product").get()
    assert (price.processor, price.processor_id, price.amount) == ("braintree", "pro-monthly", 3000)
    assert price.product.name == "Pro"
