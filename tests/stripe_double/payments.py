"""Payment methods, SetupIntents, PaymentIntents, charges and refunds."""

from __future__ import annotations

import secrets
from typing import Any

from .api import DoubleError, changed, endpoint, invalid, merge_metadata, missing
from .cards import TestCard, test_card
from .customers import CustomersAPI
from .store import NotFound, StripeObject


def card_error(message: str, code: str, decline_code: str = "", **details: Any) -> DoubleError:
    extra = {"decline_code": decline_code} if decline_code else {}
    return DoubleError(402, "card_error", message, code=code, **extra, **details)


class PaymentsAPI(CustomersAPI):
    def __init__(self) -> None:
        super().__init__()
        self.used_tokens: set[str] = set()
        self.store.includers[("charge", "refunds")] = self._charge_refunds

    # Payment methods

    def payment_method(self, reference: str, param: str = "payment_method") -> StripeObject:
        """A saved method, or a fresh one for a test shortcut such as ``pm_card_visa``."""
        card = test_card(reference) if reference.startswith("pm_card_") else None
        if card is not None:
            return self._new_card(card)
        try:
            return self.store.get("payment_method", reference)
        except NotFound:
            raise missing(f"No such PaymentMethod: '{reference}'", param) from None

    def _new_card(self, card: TestCard) -> StripeObject:
        method = self.store.build("payment_method", type="card", _card=card)
        method["card"] = {
            **method["card"],
            "brand": card.brand,
            "display_brand": card.brand,
            "last4": card.last4,
            "exp_month": 12,
            "exp_year": 2034,
            "fingerprint": f"double{card.last4}{card.brand}",
            "wallet": None,
        }
        return method

    @endpoint("post", "/v1/payment_methods")
    def create_payment_method(self, params: dict[str, Any]) -> StripeObject:
        if params.get("type") != "card" or "token" not in params.get("card", {}):
            raise invalid("The Stripe double creates card payment methods from tokens only.")
        token = params["card"]["token"]
        card = test_card(token)
        if card is None:
            raise missing(f"No such token: '{token}'", "card[token]")
        if token in self.used_tokens:
            raise invalid(f"You cannot use a Stripe token more than once: {token}.", "card[token]")
        self.used_tokens.add(token)
        method = self._new_card(card)
        method["metadata"] = params.get("metadata", {})
        return self.store.render(method, params.get("expand", []))

    @endpoint("get", "/v1/payment_methods/{payment_method}")
    def retrieve_payment_method(self, params: dict[str, Any], payment_method: str) -> StripeObject:
        return self.store.render(self.payment_method(payment_method), params.get("expand", []))

    @endpoint("post", "/v1/payment_methods/{payment_method}/attach")
    def attach_payment_method(self, params: dict[str, Any], payment_method: str) -> StripeObject:
        customer = self.customer(params["customer"])
        method = self.payment_method(payment_method)
        self.attach(method, customer)
        return self.store.render(method, params.get("expand", []))

    def attach(self, method: StripeObject, customer: StripeObject) -> None:
        if method.get("customer") == customer["id"]:
            return
        if method.get("customer"):
            raise invalid(
                "The payment method you provided has already been attached to another customer."
            )
        card: TestCard = method["_card"]
        if card.behaviour == "declined":
            raise card_error(
                "Your card was declined.", "card_declined", card.decline_code, param=""
            )
        method["customer"] = customer["id"]
        self.emit("payment_method.attached", method)

    @endpoint("post", "/v1/payment_methods/{payment_method}/detach")
    def detach_payment_method(self, params: dict[str, Any], payment_method: str) -> StripeObject:
        method = self.payment_method(payment_method)
        customer_id = method.get("customer")
        if not customer_id:
            raise invalid("The payment method you provided is not attached to a customer.")
        method["customer"] = None
        customer = self.store.get("customer", customer_id)
        if self.default_payment_method(customer) == method["id"]:
            customer["invoice_settings"]["default_payment_method"] = None
        self.emit("payment_method.detached", method, {"customer": customer_id})
        return self.store.render(method, params.get("expand", []))

    @endpoint("get", "/v1/payment_methods")
    def list_payment_methods(self, params: dict[str, Any]) -> StripeObject:
        methods = [
            m
            for m in self.store.all("payment_method")
            if m.get("customer") == params.get("customer")
            and params.get("type") in (None, m["type"])
        ]
        return self.store.render_list(methods, "/v1/payment_methods", params)

    def update_card(self, method_id: str, exp_month: int, exp_year: int, last4: str = "") -> None:
        """The card updater: the bank issued a new expiry (and maybe number) for the card."""
        method = self.store.get("payment_method", method_id)
        previous = {"card": dict(method["card"])}
        method["card"].update(exp_month=exp_month, exp_year=exp_year)
        if last4:
            method["card"]["last4"] = last4
        self.emit("payment_method.automatically_updated", method, previous)

    # SetupIntents

    @endpoint("post", "/v1/setup_intents")
    def create_setup_intent(self, params: dict[str, Any]) -> StripeObject:
        if params.get("customer"):
            self.customer(params["customer"])
        intent = self.store.build(
            "setup_intent",
            customer=params.get("customer"),
            usage=params.get("usage", "off_session"),
            metadata=params.get("metadata", {}),
            automatic_payment_methods=params.get("automatic_payment_methods"),
            status="requires_payment_method",
        )
        intent["client_secret"] = f"{intent['id']}_secret_{secrets.token_hex(12)}"
        if params.get("payment_method"):
            intent["payment_method"] = self.payment_method(params["payment_method"])["id"]
            intent["status"] = "requires_confirmation"
        if params.get("confirm"):
            self._confirm_setup(intent)
        self.emit("setup_intent.created", intent)
        return self.store.render(intent, params.get("expand", []))

    @endpoint("get", "/v1/setup_intents/{intent}")
    def retrieve_setup_intent(self, params: dict[str, Any], intent: str) -> StripeObject:
        return self.store.render(self._get("setup_intent", intent), params.get("expand", []))

    @endpoint("post", "/v1/setup_intents/{intent}/confirm")
    def confirm_setup_intent(self, params: dict[str, Any], intent: str) -> StripeObject:
        """What Stripe.js does with the client secret once the customer entered a card."""
        found = self._get("setup_intent", intent)
        if params.get("payment_method"):
            found["payment_method"] = self.payment_method(params["payment_method"])["id"]
        self._confirm_setup(found)
        return self.store.render(found, params.get("expand", []))

    def _confirm_setup(self, intent: StripeObject, authenticated: bool = False) -> None:
        if not intent.get("payment_method"):
            raise invalid("You must provide a payment method to confirm this SetupIntent.")
        method = self.store.get("payment_method", intent["payment_method"])
        if method["_card"].behaviour == "authenticate" and not authenticated:
            intent.update(status="requires_action", next_action={"type": "use_stripe_sdk"})
            return
        if intent.get("customer"):
            self.attach(method, self.store.get("customer", intent["customer"]))
        intent.update(status="succeeded", next_action=None)
        self.emit("setup_intent.succeeded", intent)

    # PaymentIntents

    @endpoint("post", "/v1/payment_intents")
    def create_payment_intent(self, params: dict[str, Any]) -> StripeObject:
        if params.get("customer"):
            self.customer(params["customer"])
        intent = self.new_payment_intent(
            amount=params["amount"],
            currency=params["currency"],
            customer=params.get("customer"),
            metadata=merge_metadata({}, params.get("metadata", {})),
            description=params.get("description"),
            receipt_email=params.get("receipt_email"),
            automatic_payment_methods=params.get("automatic_payment_methods"),
        )
        if params.get("payment_method"):
            intent["payment_method"] = self.payment_method(params["payment_method"])["id"]
            intent["status"] = "requires_confirmation"
        if params.get("confirm"):
            self.confirm(intent, off_session=bool(params.get("off_session")), raise_errors=True)
        return self.store.render(intent, params.get("expand", []))

    def new_payment_intent(self, **fields: Any) -> StripeObject:
        if fields["amount"] < 50:
            raise invalid("Amount must be at least $0.50 usd", "amount")
        intent = self.store.build(
            "payment_intent",
            status="requires_payment_method",
            payment_method=None,
            latest_charge=None,
            amount_received=0,
            payment_method_types=["card"],
            **fields,
        )
        intent["client_secret"] = f"{intent['id']}_secret_{secrets.token_hex(12)}"
        self.emit("payment_intent.created", intent)
        return intent

    @endpoint("get", "/v1/payment_intents/{intent}")
    def retrieve_payment_intent(self, params: dict[str, Any], intent: str) -> StripeObject:
        return self.store.render(self._get("payment_intent", intent), params.get("expand", []))

    @endpoint("post", "/v1/payment_intents/{intent}/confirm")
    def confirm_payment_intent(self, params: dict[str, Any], intent: str) -> StripeObject:
        """What Stripe.js does (``confirmPayment``) on the customer's page."""
        found = self._get("payment_intent", intent)
        if found["status"] == "succeeded":
            raise invalid("This PaymentIntent has already succeeded.")
        if params.get("payment_method"):
            found["payment_method"] = self.payment_method(params["payment_method"])["id"]
        self.confirm(found, off_session=bool(params.get("off_session")), raise_errors=True)
        return self.store.render(found, params.get("expand", []))

    def confirm(
        self,
        intent: StripeObject,
        off_session: bool = False,
        authenticated: bool = False,
        raise_errors: bool = False,
    ) -> None:
        """Try to pay: the intent ends succeeded, requires_action or requires_payment_method."""
        if not intent.get("payment_method"):
            if raise_errors:
                raise invalid(
                    "You cannot confirm this PaymentIntent because it's missing a payment method.",
                    "payment_method",
                )
            return
        method = self.store.get("payment_method", intent["payment_method"])
        card: TestCard = method["_card"]
        if card.behaviour == "authenticate" and not authenticated:
            if not off_session:
                intent.update(
                    status="requires_action",
                    next_action={"type": "use_stripe_sdk", "use_stripe_sdk": {}},
                )
                self.emit("payment_intent.requires_action", intent)
                self.payment_failed(intent)
                return
            self._decline(intent, method, "authentication_required", "authentication_required")
        elif card.behaviour in ("declined", "fails_later"):
            self._decline(intent, method, "card_declined", card.decline_code)
        else:
            self._succeed(intent, method)
            return
        self.payment_failed(intent)
        if raise_errors:
            error = intent["last_payment_error"]
            raise card_error(
                error["message"],
                error["code"],
                error.get("decline_code", ""),
                payment_intent=self.store.render(intent),
            )

    def authenticate(self, intent_id: str, succeed: bool = True) -> None:
        """The customer completes (or fails) 3-D Secure on the confirmation page."""
        intent = self.store.objects[intent_id]
        if intent["object"] == "setup_intent":
            if succeed:
                self._confirm_setup(intent, authenticated=True)
            return
        if intent["status"] != "requires_action":
            raise ValueError(f"{intent_id} does not wait for authentication ({intent['status']})")
        if succeed:
            self.confirm(intent, authenticated=True)
        else:
            method = self.store.get("payment_method", intent["payment_method"])
            self._decline(intent, method, "payment_intent_authentication_failure", "")
            self.payment_failed(intent)

    def _succeed(self, intent: StripeObject, method: StripeObject) -> None:
        charge = self._charge(intent, method, status="succeeded")
        intent.update(
            status="succeeded",
            latest_charge=charge["id"],
            amount_received=intent["amount"],
            next_action=None,
            last_payment_error=None,
        )
        self.emit("charge.succeeded", charge)
        self.emit("payment_intent.succeeded", intent)
        self.payment_succeeded(intent)

    def _decline(
        self, intent: StripeObject, method: StripeObject, code: str, decline_code: str
    ) -> None:
        charge = self._charge(intent, method, status="failed")
        messages = {
            "authentication_required": "Your card was declined. This transaction requires "
            "authentication.",
            "payment_intent_authentication_failure": "We are unable to authenticate your "
            "payment method. Please choose a different payment method and try again.",
        }
        charge.update(
            failure_code=code, failure_message=messages.get(code, "Your card was declined.")
        )
        intent.update(
            status="requires_payment_method",
            latest_charge=charge["id"],
            next_action=None,
            last_payment_error={
                "type": "card_error",
                "code": code,
                "decline_code": decline_code or None,
                "message": charge["failure_message"],
                "payment_method": self.store.render(method),
            },
        )
        self.emit("charge.failed", charge)
        self.emit("payment_intent.payment_failed", intent)

    def _charge(self, intent: StripeObject, method: StripeObject, status: str) -> StripeObject:
        card = method["card"]
        succeeded = status == "succeeded"
        charge = self.store.build(
            "charge",
            amount=intent["amount"],
            amount_captured=intent["amount"] if succeeded else 0,
            amount_refunded=0,
            captured=succeeded,
            paid=succeeded,
            refunded=False,
            status=status,
            currency=intent["currency"],
            customer=intent.get("customer"),
            payment_intent=intent["id"],
            payment_method=method["id"],
            metadata=dict(intent.get("metadata") or {}),
            description=intent.get("description"),
            receipt_email=intent.get("receipt_email"),
            outcome={
                "type": "authorized" if succeeded else "issuer_declined",
                "network_status": "approved_by_network" if succeeded else "declined_by_network",
                "reason": None,
                "seller_message": "Payment complete." if succeeded else "The bank declined.",
                "advice_code": None,
                "network_advice_code": None,
                "network_decline_code": None,
            },
        )
        charge["payment_method_details"]["card"].update(
            brand=card["brand"],
            last4=card["last4"],
            exp_month=card["exp_month"],
            exp_year=card["exp_year"],
            network=card["brand"],
            wallet=None,
        )
        charge["receipt_url"] = f"https://pay.stripe.com/receipts/payment/{charge['id']}"
        return charge

    # Charges and refunds

    @endpoint("get", "/v1/charges/{charge}")
    def retrieve_charge(self, params: dict[str, Any], charge: str) -> StripeObject:
        return self.store.render(self._get("charge", charge), params.get("expand", []))

    @endpoint("get", "/v1/charges")
    def list_charges(self, params: dict[str, Any]) -> StripeObject:
        charges = [
            c
            for c in self.store.all("charge")
            if params.get("customer") in (None, c.get("customer"))
            and params.get("payment_intent") in (None, c.get("payment_intent"))
        ]
        return self.store.render_list(charges[::-1], "/v1/charges", params)

    @endpoint("post", "/v1/refunds")
    def create_refund(self, params: dict[str, Any]) -> StripeObject:
        if "charge" in params:
            charge = self._get("charge", params["charge"], "charge")
        elif "payment_intent" in params:
            intent = self._get("payment_intent", params["payment_intent"], "payment_intent")
            charge = self._get("charge", intent.get("latest_charge") or "", "payment_intent")
        else:
            raise invalid("One of the following params should be provided: charge, payment_intent")
        if charge["status"] != "succeeded":
            raise invalid(f"Charge {charge['id']} has not succeeded and cannot be refunded.")
        remaining = charge["amount"] - charge["amount_refunded"]
        amount = params.get("amount", remaining)
        if amount > remaining or amount <= 0:
            raise invalid(
                f"Refund amount ({amount}) is greater than unrefunded amount on charge "
                f"({remaining})",
                "amount",
            )
        refund = self.store.build(
            "refund",
            amount=amount,
            charge=charge["id"],
            currency=charge["currency"],
            payment_intent=charge["payment_intent"],
            payment_method=charge["payment_method"],
            customer=charge.get("customer"),
            reason=params.get("reason"),
            metadata=params.get("metadata", {}),
            status="succeeded",
        )
        previous = changed(
            charge,
            amount_refunded=charge["amount_refunded"] + amount,
            refunded=charge["amount_refunded"] + amount == charge["amount"],
        )
        self.emit("refund.created", refund)
        self.emit("charge.refunded", charge, previous)
        return self.store.render(refund, params.get("expand", []))

    def _charge_refunds(self, charge: StripeObject) -> StripeObject:
        refunds = [r for r in self.store.all("refund") if r["charge"] == charge["id"]]
        return self.store.render_list(refunds[::-1], f"/v1/charges/{charge['id']}/refunds", {})

    def _get(self, object_type: str, object_id: str, param: str = "id") -> StripeObject:
        try:
            return self.store.get(object_type, object_id)
        except NotFound as error:
            raise missing(str(error), param) from None
