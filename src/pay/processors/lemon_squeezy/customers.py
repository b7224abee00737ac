"""Lemon Squeezy customers: one per email address in a store, archived rather than deleted.

A checkout creates the customer itself when the buyer's email is new to the
store, so creating one first is optional; django-pay does it when a customer is
first needed (a checkout, a billing portal link), so the local row knows its id
before the webhooks come.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from pay.errors import InvalidAction
from pay.processors.data import CustomerDetails, OwnerDetails
from pay.validation import require_updatable

from .client import LemonSqueezyAPI, document, store_id, store_relationship

#: Customer attributes Lemon Squeezy lets us change.
UPDATABLE = ("name", "email", "city", "region", "country")


class LemonSqueezyCustomers(LemonSqueezyAPI):
    def create_customer(self, owner: OwnerDetails) -> CustomerDetails:
        """The store's customer with the owner's email, created if the store has none."""
        if not owner.email:
            raise InvalidAction(
                f"Lemon Squeezy needs an email address for every customer, and {owner.reference} "
                "has none. Give it one, or define pay_customer_email() on the model."
            )
        existing = self.fetch_all(
            "customers",
            "find the customer with that email",
            {"store_id": store_id(), "email": owner.email},
        )
        if existing:
            return CustomerDetails(processor_id=str(existing[0]["id"]), owner=owner)
        created = self.api(
            "POST",
            "customers",
            "create a customer",
            document=document(
                "customers",
                {"name": owner.name or owner.email, "email": owner.email},
                relationships=store_relationship(),
            ),
        )
        return CustomerDetails(processor_id=str(created["data"]["id"]), owner=owner)

    def update_customer(
        self, customer: CustomerDetails, changes: Mapping[str, Any]
    ) -> CustomerDetails:
        require_updatable("Lemon Squeezy", changes, UPDATABLE)
        self._patch(customer, changes, "update the customer")
        return dataclasses.replace(customer, data={**customer.data, **changes})

    def delete_customer(self, customer: CustomerDetails) -> None:
        """Lemon Squeezy never deletes a customer: archive it, which hides it in the dashboard."""
        self._patch(customer, {"status": "archived"}, "archive the customer")

    def _patch(self, customer: CustomerDetails, attributes: Mapping[str, Any], doing: str) -> None:
        path = f"customers/{customer.processor_id}"
        self.api(
            "PATCH",
            path,
            doing,
            document=document("customers", attributes, resource_id=customer.processor_id),
        )
