from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from pay.processors.data import CustomerDetails, OwnerDetails

from .ids import new_id


class FakeCustomers:
    def create_customer(self, owner: OwnerDetails) -> CustomerDetails:
        return CustomerDetails(processor_id=new_id("cus"), owner=owner)

    def update_customer(
        self, customer: CustomerDetails, changes: Mapping[str, Any]
    ) -> CustomerDetails:
        return dataclasses.replace(customer, data={**customer.data, **changes})

    def delete_customer(self, customer: CustomerDetails) -> None:
        return None
