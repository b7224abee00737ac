from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from pay.processors.data import CustomerDetails, OwnerDetails
from pay.validation import require_updatable

from .client import BraintreeAPI, braintree_errors, succeeded

#: Customer attributes Braintree lets us change.
UPDATABLE = ("first_name", "last_name", "company", "email", "phone", "website")


class BraintreeCustomers(BraintreeAPI):
    """Braintree customers: a name, an email, and the vault of their payment methods."""

    def create_customer(self, owner: OwnerDetails) -> CustomerDetails:
        first_name, _, last_name = owner.name.partition(" ")
        params = {"first_name": first_name, "last_name": last_name, "email": owner.email}
        with braintree_errors("create a customer"):
            result = self.gateway.customer.create({k: v for k, v in params.items() if v})
        created = succeeded(result, "create a customer").customer
        return CustomerDetails(processor_id=created.id, owner=owner)

    def update_customer(
        self, customer: CustomerDetails, changes: Mapping[str, Any]
    ) -> CustomerDetails:
        require_updatable("Braintree", changes, UPDATABLE)
        with braintree_errors("update the customer"):
            result = self.gateway.customer.update(customer.processor_id, dict(changes))
        succeeded(result, "update the customer")
        return dataclasses.replace(customer, data={**customer.data, **changes})

    def delete_customer(self, customer: CustomerDetails) -> None:
        """Delete the customer and its vaulted payment methods (which cancels their
        subscriptions at Braintree)."""
        with braintree_errors("delete the customer"):
            succeeded(self.gateway.customer.delete(customer.processor_id), "delete the customer")
