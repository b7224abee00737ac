from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from paddle_billing.Entities.Shared import CustomData, Status
from paddle_billing.Resources.Customers.Operations import (
    CreateCustomer,
    ListCustomers,
    UpdateCustomer,
)

from pay.errors import InvalidAction, ProcessorError
from pay.processors.data import CustomerDetails, OwnerDetails
from pay.validation import require_updatable

from .client import PaddleAPI, PaddleRefused, paddle_errors

#: Customer attributes Paddle lets us change.
UPDATABLE = ("email", "name", "locale", "custom_data")


class PaddleCustomers(PaddleAPI):
    """Paddle customers: one per email address, archived rather than deleted."""

    def create_customer(self, owner: OwnerDetails) -> CustomerDetails:
        if not owner.email:
            raise InvalidAction(
                f"Paddle needs an email address for every customer, and {owner.reference} has "
                "none. Give it one, or define pay_customer_email() on the model."
            )
        try:
            with paddle_errors("create a customer"):
                created = self.client.customers.create(
                    CreateCustomer(email=owner.email, name=owner.name or None)
                )
        except PaddleRefused as error:
            if error.code != "customer_already_exists":
                raise
            return CustomerDetails(processor_id=self._reuse_customer(owner.email), owner=owner)
        return CustomerDetails(processor_id=created.id, owner=owner)

    def _reuse_customer(self, email: str) -> str:
        """The id of the customer Paddle already has for ``email``, reactivated if archived."""
        with paddle_errors("find the customer with that email"):
            listed = self.client.customers.list(
                ListCustomers(emails=[email], statuses=[Status.Active, Status.Archived])
            )
            existing = next(iter(listed), None)
            if existing is None:
                raise ProcessorError(
                    f"Paddle reports a customer with email {email} but lists none."
                )
            if existing.status == Status.Archived:
                self.client.customers.update(existing.id, UpdateCustomer(status=Status.Active))
        return str(existing.id)

    def update_customer(
        self, customer: CustomerDetails, changes: Mapping[str, Any]
    ) -> CustomerDetails:
        require_updatable("Paddle", changes, UPDATABLE)
        fields = dict(changes)
        if "custom_data" in fields:
            fields["custom_data"] = CustomData(fields["custom_data"])
        with paddle_errors("update the customer"):
            self.client.customers.update(customer.processor_id, UpdateCustomer(**fields))
        return dataclasses.replace(customer, data={**customer.data, **changes})

    def delete_customer(self, customer: CustomerDetails) -> None:
        """Paddle never deletes a customer: archive it, which hides it from lists."""
        with paddle_errors("archive the customer"):
            self.client.customers.update(
                customer.processor_id, UpdateCustomer(status=Status.Archived)
            )
