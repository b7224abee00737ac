from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from stripe.params import CustomerCreateParams, CustomerUpdateParams

from pay.processors.data import CustomerDetails, OwnerDetails

from .client import StripeAPI, idempotency_key, stripe_errors, with_options
from .translate import OWNER_KEY


class StripeCustomers(StripeAPI):
    @stripe_errors()
    def create_customer(self, owner: OwnerDetails) -> CustomerDetails:
        params: CustomerCreateParams = {"metadata": {OWNER_KEY: owner.reference}}
        if owner.email:
            params["email"] = owner.email
        if owner.name:
            params["name"] = owner.name
        customer = self.client.v1.customers.create(
            params, {"idempotency_key": idempotency_key("customer", owner.reference)}
        )
        return CustomerDetails(processor_id=customer.id, owner=owner)

    @stripe_errors()
    def update_customer(
        self, customer: CustomerDetails, changes: Mapping[str, Any]
    ) -> CustomerDetails:
        """Send ``changes`` (any of Stripe's customer parameters) to Stripe."""
        params: CustomerUpdateParams = {"metadata": {OWNER_KEY: customer.owner.reference}}
        updated = self.client.v1.customers.update(
            customer.processor_id, with_options(params, changes)
        )
        return CustomerDetails(processor_id=updated.id, owner=customer.owner, data=customer.data)

    @stripe_errors()
    def delete_customer(self, customer: CustomerDetails) -> None:
        self.client.v1.customers.delete(customer.processor_id)
