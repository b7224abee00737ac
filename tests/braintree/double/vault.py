"""The vault: customers and the payment methods vaulted from the sandbox's test nonces."""

from __future__ import annotations

import base64
import re
from typing import Any

from braintree import ErrorCodes as Codes

from .base import GatewayError, GatewayServer, Json, new_id, now, today

#: The sandbox's test nonces: what each vaults.
NONCES: dict[str, Json] = {
    "fake-valid-nonce": {"kind": "credit_card", "card_type": "Visa", "last_4": "1111"},
    "fake-valid-visa-nonce": {"kind": "credit_card", "card_type": "Visa", "last_4": "1111"},
    "fake-valid-mastercard-nonce": {
        "kind": "credit_card",
        "card_type": "MasterCard",
        "last_4": "4444",
    },
    "fake-valid-amex-nonce": {
        "kind": "credit_card",
        "card_type": "American Express",
        "last_4": "0005",
    },
    "fake-processor-declined-visa-nonce": {
        "kind": "credit_card",
        "card_type": "Visa",
        "last_4": "0002",
        "declined": True,
    },
    "fake-paypal-billing-agreement-nonce": {
        "kind": "paypal_account",
        "email": "jane.doe@paypal.com",
    },
}
CONSUMED_NONCE = "fake-consumed-nonce"


class Vault(GatewayServer):
    def __init__(self) -> None:
        super().__init__()
        self._routes += [
            ("POST", re.compile(r"/customers"), self._create_customer),
            ("GET", re.compile(r"/customers/([^/?]+)"), self._find_customer),
            ("PUT", re.compile(r"/customers/([^/]+)"), self._update_customer),
            ("DELETE", re.compile(r"/customers/([^/]+)"), self._delete_customer),
            ("POST", re.compile(r"/payment_methods"), self._create_payment_method),
            ("GET", re.compile(r"/payment_methods/any/([^/]+)"), self._find_payment_method),
            ("POST", re.compile(r"/client_token"), self._client_token),
        ]

    def _create_customer(self, body: Json) -> tuple[str, Any]:
        params = body.get("customer", {})
        customer = {
            "id": str(params.get("id") or new_id()),
            "first_name": params.get("first_name"),
            "last_name": params.get("last_name"),
            "email": params.get("email"),
            "company": params.get("company"),
            "phone": params.get("phone"),
            "website": params.get("website"),
            "created_at": now(),
            "updated_at": now(),
        }
        self.customers[customer["id"]] = customer
        return "customer", self._render_customer(customer)

    def _find_customer(self, customer_id: str, body: Json) -> tuple[str, Any]:
        return "customer", self._render_customer(self._customer(customer_id))

    def _update_customer(self, customer_id: str, body: Json) -> tuple[str, Any]:
        customer = self._customer(customer_id)
        customer.update(body.get("customer", {}), updated_at=now())
        return "customer", self._render_customer(customer)

    def _delete_customer(self, customer_id: str, body: Json) -> tuple[str, Any]:
        self._customer(customer_id)
        for method in self._methods_of(customer_id):
            for subscription in self._subscriptions_of(method["token"]):
                if subscription["status"] not in ("Canceled", "Expired"):
                    self._set_status(subscription, "Canceled")
            del self.payment_methods[method["token"]]
        del self.customers[customer_id]
        return "customer", None

    def _create_payment_method(self, body: Json) -> tuple[str, Any]:
        params = body.get("payment_method", {})
        customer = self._customer(params.get("customer_id", ""))
        nonce = params.get("payment_method_nonce", "")
        if nonce == CONSUMED_NONCE:
            raise GatewayError(
                "payment_method",
                "payment_method_nonce",
                Codes.PaymentMethod.PaymentMethodNonceConsumed,
                "Cannot use a payment_method_nonce more than once.",
            )
        if nonce not in NONCES:
            raise GatewayError(
                "payment_method",
                "payment_method_nonce",
                Codes.PaymentMethod.PaymentMethodNonceUnknown,
                "Unknown payment_method_nonce.",
            )
        vaulted = NONCES[nonce]
        options = params.get("options", {})
        if vaulted.get("declined") and options.get("verify_card"):
            raise GatewayError(  # a failed verification: no validation error, the verification
                "",
                "",
                "",
                "Do Not Honor",
                verification={
                    "id": new_id(),
                    "status": "processor_declined",
                    "processor_response_code": "2000",
                    "processor_response_text": "Do Not Honor",
                    "created_at": now(),
                },
            )
        existing = self._methods_of(customer["id"])
        default = bool(options.get("make_default")) or not existing
        if default:
            for method in existing:
                method["default"] = False
        method = {
            **{key: value for key, value in vaulted.items() if key != "declined"},
            "token": new_id(),
            "customer_id": customer["id"],
            "default": default,
            "created_at": now(),
        }
        if method["kind"] == "credit_card":
            method.update(expiration_month="12", expiration_year=str(today().year + 3))
        self.payment_methods[method["token"]] = method
        return self._render_method(method)

    def _find_payment_method(self, token: str, body: Json) -> tuple[str, Any]:
        return self._render_method(self._method(token))

    def _client_token(self, body: Json) -> tuple[str, Any]:
        return "client_token", {"value": base64.b64encode(new_id().encode()).decode()}
