from __future__ import annotations

from typing import Any

from .api import API, changed, endpoint, invalid, merge_metadata, missing
from .store import NotFound, StripeObject


class CustomersAPI(API):
    def customer(self, customer_id: str) -> StripeObject:
        """A live customer, or Stripe's 404."""
        try:
            customer = self.store.get("customer", customer_id)
        except NotFound as error:
            raise missing(str(error), "customer") from None
        if customer.get("deleted"):
            raise missing(f"No such customer: '{customer_id}'", "customer")
        return customer

    @endpoint("post", "/v1/customers")
    def create_customer(self, params: dict[str, Any]) -> StripeObject:
        customer = self.store.build(
            "customer",
            email=params.get("email"),
            name=params.get("name"),
            description=params.get("description"),
            phone=params.get("phone"),
            metadata=merge_metadata({}, params.get("metadata", {})),
        )
        if "invoice_settings" in params:
            self._set_invoice_settings(customer, params["invoice_settings"])
        self.emit("customer.created", customer)
        return self.store.render(customer, params.get("expand", []))

    @endpoint("get", "/v1/customers/{customer}")
    def retrieve_customer(self, params: dict[str, Any], customer: str) -> StripeObject:
        found = self.store.get("customer", customer) if customer in self.store.objects else None
        if found is None:
            raise missing(f"No such customer: '{customer}'", "id")
        if found.get("deleted"):
            return {"id": customer, "object": "customer", "deleted": True}
        return self.store.render(found, params.get("expand", []))

    @endpoint("post", "/v1/customers/{customer}")
    def update_customer(self, params: dict[str, Any], customer: str) -> StripeObject:
        found = self.customer(customer)
        previous = changed(
            found,
            **{
                key: params[key]
                for key in ("email", "name", "description", "phone")
                if key in params
            },
        )
        if "metadata" in params:
            previous |= changed(
                found, metadata=merge_metadata(found["metadata"], params["metadata"])
            )
        if "invoice_settings" in params:
            previous |= self._set_invoice_settings(found, params["invoice_settings"])
        if previous:
            self.emit("customer.updated", found, previous)
        return self.store.render(found, params.get("expand", []))

    @endpoint("delete", "/v1/customers/{customer}")
    def delete_customer(self, params: dict[str, Any], customer: str) -> StripeObject:
        found = self.customer(customer)
        self.customer_deleted(found)
        found["deleted"] = True
        self.emit("customer.deleted", found)
        return {"id": customer, "object": "customer", "deleted": True}

    def customer_deleted(self, customer: StripeObject) -> None:
        """Stripe ends a deleted customer's subscriptions (billing overrides this)."""

    def _set_invoice_settings(
        self, customer: StripeObject, settings: dict[str, Any]
    ) -> dict[str, Any]:
        method_id = settings.get("default_payment_method")
        if method_id:
            method = self.store.objects.get(method_id)
            if method is None or method.get("customer") != customer["id"]:
                raise invalid(
                    f"No such PaymentMethod: '{method_id}'; it must be attached to the customer "
                    "before it can be its default.",
                    "invoice_settings[default_payment_method]",
                )
        updated = {**customer["invoice_settings"], **settings}
        if method_id == "":
            updated["default_payment_method"] = None
        return changed(customer, invoice_settings=updated)

    def default_payment_method(self, customer: StripeObject) -> str | None:
        method: str | None = customer["invoice_settings"].get("default_payment_method")
        return method
