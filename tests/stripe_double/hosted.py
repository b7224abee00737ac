"""Checkout Sessions, Customer Portal sessions and the event log.

Stripe's hosted pages cannot run here, so :meth:`HostedAPI.complete_checkout`
plays the buyer: it pays on the Checkout page and lets Stripe do what it does next.
"""

from __future__ import annotations

import secrets
from typing import Any

from .api import changed, endpoint, invalid, merge_metadata
from .billing import BillingAPI
from .store import StripeObject


class HostedAPI(BillingAPI):
    @endpoint("post", "/v1/checkout/sessions")
    def create_checkout_session(self, params: dict[str, Any]) -> StripeObject:
        mode = params.get("mode")
        if mode not in ("payment", "setup", "subscription"):
            raise invalid("Missing required param: mode.", "mode")
        if params.get("customer"):
            self.customer(params["customer"])
        items = params.get("line_items", [])
        if mode != "setup" and not items:
            raise invalid("line_items is required in payment and subscription mode.", "line_items")
        for index, item in enumerate(items):
            price = self.price(item.get("price", ""), f"line_items[{index}][price]")
            if mode == "payment" and price["type"] == "recurring":
                raise invalid(
                    f"You specified `payment` mode but passed a recurring price ({price['id']}); "
                    "use `subscription` mode instead.",
                    f"line_items[{index}][price]",
                )
        session = self.store.build(
            "checkout.session",
            mode=mode,
            customer=params.get("customer"),
            customer_email=params.get("customer_email"),
            client_reference_id=params.get("client_reference_id"),
            success_url=params.get("success_url"),
            cancel_url=params.get("cancel_url"),
            metadata=merge_metadata({}, params.get("metadata", {})),
            currency=params.get("currency") or self._items_currency(items),
            amount_total=sum(self._line_amount(item) for item in items),
            amount_subtotal=sum(self._line_amount(item) for item in items),
            status="open",
            payment_status="unpaid",
            subscription=None,
            setup_intent=None,
            _line_items=items,
            _subscription_data=params.get("subscription_data", {}),
            _payment_intent_data=params.get("payment_intent_data", {}),
        )
        session["url"] = f"https://checkout.stripe.com/c/pay/{session['id']}"
        return self.store.render(session, params.get("expand", []))

    def _items_currency(self, items: list[dict[str, Any]]) -> str | None:
        return self.price(items[0]["price"])["currency"] if items else None

    def _line_amount(self, item: dict[str, Any]) -> int:
        amount: int = self.price(item["price"])["unit_amount"] * item.get("quantity", 1)
        return amount

    @endpoint("get", "/v1/checkout/sessions/{session}")
    def retrieve_checkout_session(self, params: dict[str, Any], session: str) -> StripeObject:
        return self.store.render(self._get("checkout.session", session), params.get("expand", []))

    @endpoint("post", "/v1/checkout/sessions/{session}/expire")
    def expire_checkout_session(self, params: dict[str, Any], session: str) -> StripeObject:
        found = self._get("checkout.session", session)
        if found["status"] != "open":
            raise invalid(f"Only an open session can be expired; this one is {found['status']}.")
        found["status"] = "expired"
        self.emit("checkout.session.expired", found)
        return self.store.render(found, params.get("expand", []))

    def complete_checkout(
        self, session_id: str, payment_method: str = "pm_card_visa", quantity: int | None = None
    ) -> StripeObject:
        """The buyer pays on the Checkout page (authenticating if the card asks)."""
        session = self.store.get("checkout.session", session_id)
        if session["status"] != "open":
            raise ValueError(f"{session_id} is {session['status']}, not open")
        customer = (
            self.customer(session["customer"])
            if session["customer"]
            else self._checkout_customer(session)
        )
        method = self.payment_method(payment_method)
        self.attach(method, customer)
        items = [
            {**item, "quantity": quantity if quantity is not None else item.get("quantity", 1)}
            for item in session["_line_items"]
        ]
        if session["mode"] == "subscription":
            self._checkout_subscription(session, customer, items, method)
        elif session["mode"] == "payment":
            self._checkout_payment(session, customer, items, method)
        else:
            intent = self.store.build(
                "setup_intent",
                customer=customer["id"],
                payment_method=method["id"],
                status="succeeded",
                usage="off_session",
            )
            session["setup_intent"] = intent["id"]
        changed(
            session,
            status="complete",
            customer=customer["id"],
            payment_status="no_payment_required" if session["mode"] == "setup" else "paid",
        )
        self.emit("checkout.session.completed", session)
        return session

    def _checkout_customer(self, session: StripeObject) -> StripeObject:
        customer = self.store.build(
            "customer", email=session.get("customer_email"), name=None, metadata={}
        )
        self.emit("customer.created", customer)
        return customer

    def _checkout_subscription(
        self,
        session: StripeObject,
        customer: StripeObject,
        items: list[dict[str, Any]],
        method: StripeObject,
    ) -> None:
        data = session["_subscription_data"]
        subscription = self.new_subscription(
            customer,
            {
                "items": items,
                "metadata": data.get("metadata", {}),
                "trial_period_days": data.get("trial_period_days"),
                "default_payment_method": method["id"],
            },
        )
        self.emit("customer.subscription.created", subscription)
        lines = [] if subscription["status"] == "trialing" else self._item_lines(subscription)
        attempt = subscription["status"] != "trialing"
        self._invoice(
            subscription, lines, "subscription_create", attempt=attempt, authenticated=True
        )
        session["subscription"] = subscription["id"]
        session["invoice"] = subscription["latest_invoice"]

    def _checkout_payment(
        self,
        session: StripeObject,
        customer: StripeObject,
        items: list[dict[str, Any]],
        method: StripeObject,
    ) -> None:
        intent = self.new_payment_intent(
            amount=sum(self._line_amount(item) for item in items),
            currency=session["currency"],
            customer=customer["id"],
            metadata=session["_payment_intent_data"].get("metadata", {}),
        )
        intent["payment_method"] = method["id"]
        self.confirm(intent, authenticated=True)
        session["payment_intent"] = intent["id"]

    # Customer Portal

    @endpoint("post", "/v1/billing_portal/sessions")
    def create_portal_session(self, params: dict[str, Any]) -> StripeObject:
        customer = self.customer(params.get("customer", ""))
        session = self.store.build(
            "billing_portal.session",
            customer=customer["id"],
            return_url=params.get("return_url"),
            configuration="bpc_double_default",
            livemode=False,
        )
        session["url"] = f"https://billing.stripe.com/p/session/test_{secrets.token_hex(12)}"
        return self.store.render(session)

    # Events

    @endpoint("get", "/v1/events/{id}")
    def retrieve_event(self, params: dict[str, Any], id: str) -> StripeObject:
        return self.store.render(self._get("event", id))

    @endpoint("get", "/v1/events")
    def list_events(self, params: dict[str, Any]) -> StripeObject:
        types = params.get("types") or ([params["type"]] if "type" in params else None)
        found = [e for e in self.events if types is None or e["type"] in types]
        return self.store.render_list(found[::-1], "/v1/events", params)
