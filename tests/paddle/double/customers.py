"""Customers: one per email, archived rather than deleted; the customer portal."""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.utils import timezone

from .base import Json, PaddleError, PaddleServer, invalid, new_id


class Customers(PaddleServer):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._routes += [
            ("POST", re.compile(r"/customers"), self._create_customer),
            ("GET", re.compile(r"/customers"), self._list_customers),
            ("GET", re.compile(r"/customers/(ctm_\w+)"), self._get_customer),
            ("PATCH", re.compile(r"/customers/(ctm_\w+)"), self._update_customer),
            ("POST", re.compile(r"/customers/(ctm_\w+)/portal-sessions"), self._portal_session),
        ]

    def _create_customer(self, *, query: dict[str, str], body: Json) -> tuple[int, Json]:
        email = body.get("email")
        if not isinstance(email, str) or "@" not in email:
            raise invalid("email is required and must be an email address.")
        existing = next((c for c in self.customers.values() if c["email"] == email), None)
        if existing is not None:
            raise PaddleError(
                409,
                "customer_already_exists",
                f"customer email conflicts with customer of id {existing['id']}",
            )
        return self._one(self._new_customer(email, body.get("name")), 201)

    def _new_customer(self, email: str, name: str | None = None) -> Json:
        now = timezone.now()
        customer: Json = {
            "id": new_id("ctm"),
            "name": name,
            "email": email,
            "marketing_consent": False,
            "status": "active",
            "custom_data": None,
            "locale": "en",
            "created_at": now,
            "updated_at": now,
            "import_meta": None,
        }
        self.customers[customer["id"]] = customer
        return customer

    def _list_customers(self, *, query: dict[str, str], body: Json) -> tuple[int, Json]:
        statuses = query.get("status", "active").split(",")
        emails = query["email"].split(",") if "email" in query else None
        found = [
            customer
            for customer in self.customers.values()
            if customer["status"] in statuses and (emails is None or customer["email"] in emails)
        ]
        return self._page(found, "/customers", query)

    def _customer(self, customer_id: str) -> Json:
        if customer_id not in self.customers:
            raise PaddleError(404, "not_found", f"Customer {customer_id} not found.")
        return self.customers[customer_id]

    def _get_customer(self, customer_id: str, *, query: dict[str, str], body: Json) -> Any:
        return self._one(self._customer(customer_id))

    def _update_customer(self, customer_id: str, *, query: dict[str, str], body: Json) -> Any:
        customer = self._customer(customer_id)
        unknown = set(body) - {"email", "name", "locale", "custom_data", "status"}
        if unknown:
            raise invalid(f"Unknown fields: {sorted(unknown)}.")
        if body.get("status", "active") not in ("active", "archived"):
            raise invalid("status must be active or archived.")
        customer.update(body, updated_at=timezone.now())
        return self._one(customer)

    def _portal_session(self, customer_id: str, *, query: dict[str, str], body: Json) -> Any:
        self._customer(customer_id)
        token = secrets.token_hex(16)
        portal = f"https://sandbox-customer-portal.paddle.com/cpl_01testportal?token={token}"
        return self._one(
            {
                "id": new_id("cpls"),
                "customer_id": customer_id,
                "urls": {
                    "general": {"overview": portal},
                    "subscriptions": [
                        {
                            "id": subscription_id,
                            "cancel_subscription": f"{portal}&action=cancel",
                            "update_subscription_payment_method": f"{portal}&action=update",
                        }
                        for subscription_id in body.get("subscription_ids", [])
                    ],
                },
                "created_at": timezone.now(),
            },
            201,
        )
