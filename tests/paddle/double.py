"""An in-process Paddle Billing API that the real SDK talks to.

:class:`PaddleDouble` is a ``requests`` transport adapter: mounted on the SDK
client's session for Paddle's sandbox URL, it receives the SDK's real HTTP
requests and answers the endpoints django-pay uses with the response shapes of
Paddle's API reference (``{"data": ..., "meta": ...}``, its error objects and
cursor pagination). It keeps Paddle's state (customers, prices, transactions,
subscriptions, refund adjustments) and Paddle's rules as documented: scheduled
cancellations and pauses, proration billing modes, refunds pending approval.

Time passes lazily: whenever a request touches a subscription, whatever fell
due by the (time-machine) clock happens first: scheduled changes, the end of a
trial, renewals. Every change records the webhook event Paddle would send in
:attr:`PaddleDouble.events`; :func:`signed_delivery` signs one as Paddle does.

What a buyer does in the browser is simulated with :meth:`complete_checkout`
(paying a transaction, as Paddle.js would) and :meth:`open_overlay_checkout`
(what ``Paddle.Checkout.open(options)`` does).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
import string
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.utils import timezone
from paddle_billing import Environment
from requests import PreparedRequest, Response
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from pay.processors.fake.periods import add_interval

BASE_URL = Environment.SANDBOX.base_url
API_KEY = "pdl_sdbx_apikey_01testdoubletestdoubletest"
WEBHOOK_SECRET = "pdl_ntfset_01testdouble_secretsecretsecret"
CLIENT_TOKEN = "test_7d279f61a3499fed520f7cd8c08"
DEFAULT_PAYMENT_LINK = "https://app.example.test/pay"

Json = dict[str, Any]


class PaddleError(Exception):
    """An error answer, shaped like Paddle's ``{"error": {...}}``."""

    def __init__(self, status: int, code: str, detail: str, kind: str = "request_error") -> None:
        super().__init__(detail)
        self.status, self.code, self.detail, self.kind = status, code, detail, kind

    def body(self) -> Json:
        return {
            "error": {
                "type": self.kind,
                "code": self.code,
                "detail": self.detail,
                "documentation_url": f"https://developer.paddle.com/v1/errors/shared/{self.code}",
            },
            "meta": {"request_id": str(uuid.uuid4())},
        }


def invalid(detail: str) -> PaddleError:
    return PaddleError(400, "bad_request", detail)


def new_id(prefix: str) -> str:
    """A Paddle-style id: prefix, then 26 lowercase letters and digits."""
    alphabet = string.ascii_lowercase + string.digits
    return f"{prefix}_01" + "".join(secrets.choice(alphabet) for _ in range(24))


def paddle_time(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def rendered(value: Any) -> Any:
    """Stored state as JSON: datetimes in Paddle's RFC 3339 form, money as strings."""
    if isinstance(value, datetime):
        return paddle_time(value)
    if isinstance(value, dict):
        return {key: rendered(item) for key, item in value.items()}
    if isinstance(value, list):
        return [rendered(item) for item in value]
    return value


def signed_delivery(
    event: Json, secret: str = WEBHOOK_SECRET, timestamp: int | None = None
) -> tuple[bytes, dict[str, str]]:
    """The body and headers Paddle would POST for ``event``, signed with ``secret``."""
    body = json.dumps(event).encode()
    return body, signature_headers(body, secret, timestamp)


def signature_headers(
    body: bytes, secret: str = WEBHOOK_SECRET, timestamp: int | None = None
) -> dict[str, str]:
    """Paddle's signature of ``body``: HMAC-SHA256 of ``"{ts}:{body}"``."""
    ts = int(time.time()) if timestamp is None else timestamp
    signature = hmac.new(secret.encode(), f"{ts}:".encode() + body, hashlib.sha256).hexdigest()
    return {"Paddle-Signature": f"ts={ts};h1={signature}", "Content-Type": "application/json"}


class PaddleDouble(BaseAdapter):
    def __init__(self, tax_rate: str = "0") -> None:
        super().__init__()
        self.tax_rate = Decimal(tax_rate)
        self.per_page = 50
        self.declining = False
        self.products: dict[str, Json] = {}
        self.prices: dict[str, Json] = {}
        self.customers: dict[str, Json] = {}
        self.addresses: dict[str, str] = {}
        self.cards: dict[str, Json] = {}
        self.transactions: dict[str, Json] = {}
        self.subscriptions: dict[str, Json] = {}
        self.adjustments: dict[str, Json] = {}
        self.events: list[Json] = []
        self.requests: list[tuple[str, str, Json]] = []
        self._routes: list[tuple[str, re.Pattern[str], Callable[..., tuple[int, Json]]]] = [
            ("POST", re.compile(r"/customers"), self._create_customer),
            ("GET", re.compile(r"/customers"), self._list_customers),
            ("GET", re.compile(r"/customers/(ctm_\w+)"), self._get_customer),
            ("PATCH", re.compile(r"/customers/(ctm_\w+)"), self._update_customer),
            ("POST", re.compile(r"/customers/(ctm_\w+)/portal-sessions"), self._portal_session),
            ("POST", re.compile(r"/transactions"), self._create_transaction),
            ("GET", re.compile(r"/transactions/(txn_\w+)"), self._get_transaction),
            ("POST", re.compile(r"/adjustments"), self._create_adjustment),
            ("GET", re.compile(r"/adjustments"), self._list_adjustments),
            ("GET", re.compile(r"/subscriptions"), self._list_subscriptions),
            ("GET", re.compile(r"/subscriptions/(sub_\w+)"), self._get_subscription),
            ("PATCH", re.compile(r"/subscriptions/(sub_\w+)"), self._update_subscription),
            ("POST", re.compile(r"/subscriptions/(sub_\w+)/cancel"), self._cancel),
            ("POST", re.compile(r"/subscriptions/(sub_\w+)/pause"), self._pause),
            ("POST", re.compile(r"/subscriptions/(sub_\w+)/resume"), self._resume),
        ]

    # Plumbing: the transport adapter

    def install(self, processor: Any) -> None:
        """Answer every request ``processor``'s SDK client sends to Paddle's sandbox."""
        processor.client.client.mount(BASE_URL, self)

    def send(self, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:
        url = urlsplit(request.url or "")
        query = dict(parse_qsl(url.query))
        raw = request.body or b"{}"
        body = json.loads(raw) if raw else {}
        self.requests.append((request.method or "", url.path, body))
        try:
            self._authenticate(request)
            status, payload = self._route(request.method or "", url.path, query, body)
        except PaddleError as error:
            status, payload = error.status, error.body()
        return self._response(request, status, payload)

    def close(self) -> None:
        pass

    def _authenticate(self, request: PreparedRequest) -> None:
        authorization = request.headers.get("Authorization", "")
        if not authorization:
            raise PaddleError(401, "authentication_missing", "No API key.", "request_error")
        if authorization != f"Bearer {API_KEY}":
            raise PaddleError(403, "invalid_token", "The API key is not valid.", "request_error")

    def _route(self, method: str, path: str, query: dict[str, str], body: Json) -> tuple[int, Json]:
        for route_method, pattern, handler in self._routes:
            match = pattern.fullmatch(path)
            if match and route_method == method:
                return handler(*match.groups(), query=query, body=body)
        raise PaddleError(404, "not_found", f"No route for {method} {path}.")

    def _response(self, request: PreparedRequest, status: int, payload: Json) -> Response:
        response = Response()
        response.status_code = status
        response.reason = "OK" if status < 400 else "Error"
        response._content = json.dumps(payload).encode()
        response.headers = CaseInsensitiveDict({"Content-Type": "application/json"})
        response.url = request.url or ""
        response.request = request
        response.encoding = "utf-8"
        return response

    @staticmethod
    def _one(entity: Json, status: int = 200) -> tuple[int, Json]:
        return status, {"data": rendered(entity), "meta": {"request_id": str(uuid.uuid4())}}

    def _page(self, entities: list[Json], path: str, query: dict[str, str]) -> tuple[int, Json]:
        """Cursor pagination: ``after`` an id, ``per_page`` at a time."""
        per_page = int(query.get("per_page", self.per_page))
        ids = [entity["id"] for entity in entities]
        start = ids.index(query["after"]) + 1 if query.get("after") in ids else 0
        page = entities[start : start + per_page]
        has_more = start + per_page < len(entities)
        next_query = urlencode({**query, "after": page[-1]["id"]}) if page else urlencode(query)
        return 200, {
            "data": rendered(page),
            "meta": {
                "request_id": str(uuid.uuid4()),
                "pagination": {
                    "per_page": per_page,
                    "next": f"{BASE_URL}{path}?{next_query}",
                    "has_more": has_more,
                    "estimated_total": len(entities),
                },
            },
        }

    def _emit(self, event_type: str, data: Json) -> None:
        self.events.append(
            {
                "event_id": new_id("evt"),
                "event_type": event_type,
                "occurred_at": paddle_time(timezone.now()),
                "notification_id": new_id("ntf"),
                "data": rendered(data),
            }
        )

    def events_of(self, event_type: str) -> list[Json]:
        return [event for event in self.events if event["event_type"] == event_type]

    # The catalog, which tests set up as a seller would in the dashboard

    def add_price(
        self,
        price_id: str,
        amount: int,
        *,
        currency: str = "USD",
        interval: str | None = "month",
        frequency: int = 1,
        trial_days: int | None = None,
        product_name: str = "Test product",
    ) -> Json:
        """A price of ``amount`` minor units; ``interval=None`` makes it a one-time price."""
        now = timezone.now()
        product: Json = {
            "id": new_id("pro"),
            "name": product_name,
            "description": None,
            "type": "standard",
            "tax_category": "standard",
            "image_url": None,
            "custom_data": None,
            "status": "active",
            "import_meta": None,
            "created_at": now,
            "updated_at": now,
        }
        self.products[product["id"]] = product
        price: Json = {
            "id": price_id,
            "product_id": product["id"],
            "type": "standard",
            "description": f"{product_name} ({interval or 'one-time'})",
            "name": product_name,
            "billing_cycle": {"interval": interval, "frequency": frequency} if interval else None,
            "trial_period": (
                {"interval": "day", "frequency": trial_days, "requires_payment_method": True}
                if trial_days
                else None
            ),
            "tax_mode": "account_setting",
            "unit_price": {"amount": str(amount), "currency_code": currency},
            "unit_price_overrides": [],
            "quantity": {"minimum": 1, "maximum": 999},
            "status": "active",
            "custom_data": None,
            "import_meta": None,
            "created_at": now,
            "updated_at": now,
        }
        self.prices[price_id] = price
        return price

    def _price(self, price_id: Any) -> Json:
        if price_id not in self.prices:
            raise PaddleError(404, "not_found", f"Price {price_id} not found.")
        return self.prices[price_id]

    # Customers

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

    # Transactions: what a checkout pays, and every renewal

    def _create_transaction(self, *, query: dict[str, str], body: Json) -> tuple[int, Json]:
        items = body.get("items")
        if not items:
            raise invalid("items is required.")
        customer_id = body.get("customer_id")
        if customer_id is not None:
            self._customer(customer_id)
        transaction = self._new_transaction(
            customer_id=customer_id,
            lines=[(self._price(item.get("price_id")), item.get("quantity", 1)) for item in items],
            origin="api",
            custom_data=body.get("custom_data"),
        )
        checkout_url = (body.get("checkout") or {}).get("url") or DEFAULT_PAYMENT_LINK
        transaction["checkout"] = {"url": f"{checkout_url}?_ptxn={transaction['id']}"}
        transaction["status"] = "ready" if customer_id else "draft"
        self._emit("transaction.created", transaction)
        return self._one(transaction, 201)

    def _new_transaction(
        self,
        *,
        customer_id: str | None,
        lines: list[tuple[Json, int]],
        origin: str,
        custom_data: Json | None = None,
        subscription_id: str | None = None,
        billing_period: Json | None = None,
        charged: Sequence[int | None] | None = None,
        proration: Json | None = None,
    ) -> Json:
        """A transaction for ``lines``; ``charged`` overrides line subtotals (prorations)."""
        now = timezone.now()
        currency = lines[0][0]["unit_price"]["currency_code"]
        amounts = charged or [None] * len(lines)
        line_items = [
            self._line_item(price, quantity, subtotal, proration)
            for (price, quantity), subtotal in zip(lines, amounts, strict=True)
        ]
        transaction = {
            "id": new_id("txn"),
            "status": "draft",
            "customer_id": customer_id,
            "address_id": self._address(customer_id),
            "business_id": None,
            "custom_data": custom_data,
            "currency_code": currency,
            "origin": origin,
            "subscription_id": subscription_id,
            "invoice_id": None,
            "invoice_number": None,
            "collection_mode": "automatic",
            "discount_id": None,
            "billing_details": None,
            "billing_period": billing_period,
            "items": [
                {"price": price, "quantity": quantity, "proration": proration}
                for price, quantity in lines
            ],
            "details": self._details(line_items, currency),
            "payments": [],
            "checkout": None,
            "created_at": now,
            "updated_at": now,
            "billed_at": None,
            "revised_at": None,
        }
        self.transactions[transaction["id"]] = transaction
        return transaction

    def _address(self, customer_id: str | None) -> str | None:
        if customer_id is None:
            return None
        return self.addresses.setdefault(customer_id, new_id("add"))

    def _line_item(
        self, price: Json, quantity: int, subtotal: int | None, proration: Json | None
    ) -> Json:
        unit = int(price["unit_price"]["amount"])
        amount = unit * quantity if subtotal is None else subtotal
        tax = self._tax(amount)
        return {
            "id": new_id("txnitm"),
            "price_id": price["id"],
            "quantity": quantity,
            "proration": proration,
            "tax_rate": str(self.tax_rate),
            "unit_totals": self._totals(unit, self._tax(unit)),
            "totals": self._totals(amount, tax),
            "product": self.products[price["product_id"]],
        }

    def _tax(self, amount: int) -> int:
        return int((amount * self.tax_rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))

    @staticmethod
    def _totals(subtotal: int, tax: int) -> Json:
        return {
            "subtotal": str(subtotal),
            "discount": "0",
            "tax": str(tax),
            "total": str(subtotal + tax),
        }

    def _details(self, line_items: list[Json], currency: str) -> Json:
        subtotal = sum(int(line["totals"]["subtotal"]) for line in line_items)
        tax = sum(int(line["totals"]["tax"]) for line in line_items)
        total = subtotal + tax
        fee = total // 20
        money = {
            "subtotal": str(subtotal),
            "tax": str(tax),
            "total": str(total),
            "grand_total": str(total),
            "grand_total_tax": str(tax),
            "fee": str(fee),
            "earnings": str(total - tax - fee),
            "currency_code": currency,
        }
        return {
            "tax_rates_used": [
                {"tax_rate": str(self.tax_rate), "totals": self._totals(subtotal, tax)}
            ],
            "totals": {
                **money,
                "discount": "0",
                "credit": "0",
                "credit_to_balance": "0",
                "balance": str(total),
            },
            "adjusted_totals": {**money, "retained_fee": "0"},
            "payout_totals": None,
            "adjusted_payout_totals": None,
            "line_items": line_items,
        }

    def _get_transaction(self, transaction_id: str, *, query: dict[str, str], body: Json) -> Any:
        return self._one(self._transaction(transaction_id))

    def _transaction(self, transaction_id: str) -> Json:
        if transaction_id not in self.transactions:
            raise PaddleError(404, "not_found", f"Transaction {transaction_id} not found.")
        return self.transactions[transaction_id]

    def _collect(self, transaction: Json) -> bool:
        """Charge the customer's saved card; False (and the transaction past due) if declined."""
        now = timezone.now()
        card = self.cards[transaction["customer_id"]]
        amount = transaction["details"]["totals"]["grand_total"]
        declined = self.declining and int(amount) > 0
        transaction["payments"].append(
            {
                "payment_attempt_id": str(uuid.uuid4()),
                "stored_payment_method_id": card["stored_payment_method_id"],
                "payment_method_id": card["id"],
                "amount": amount,
                "status": "error" if declined else "captured",
                "error_code": "declined" if declined else None,
                "method_details": {
                    "type": "card",
                    "card": card["card"],
                    "underlying_details": None,
                },
                "created_at": now,
                "captured_at": None if declined else now,
            }
        )
        transaction["updated_at"] = now
        if declined:
            transaction["status"] = "past_due"
            self._emit("transaction.payment_failed", transaction)
            self._emit("transaction.past_due", transaction)
            return False
        transaction.update(
            status="completed",
            billed_at=now,
            invoice_id=new_id("inv"),
            invoice_number=f"{secrets.randbelow(900) + 100}-{secrets.randbelow(90000) + 10000}",
        )
        transaction["details"]["totals"]["balance"] = "0"
        self._emit("transaction.paid", transaction)
        self._emit("transaction.completed", transaction)
        return True

    # What the buyer does in Paddle Checkout

    def complete_checkout(
        self, transaction_id: str, *, email: str = "", card_last4: str = "4242"
    ) -> Json:
        """The buyer pays the transaction in Paddle Checkout; a subscription follows if it
        has recurring prices. Returns the transaction."""
        transaction = self._transaction(transaction_id)
        if transaction["status"] not in ("draft", "ready"):
            raise AssertionError(f"{transaction_id} is {transaction['status']}, not payable.")
        if transaction["customer_id"] is None:
            customer = next(
                (c for c in self.customers.values() if c["email"] == email), None
            ) or self._new_customer(email)
            transaction.update(customer_id=customer["id"], address_id=self._address(customer["id"]))
        self._save_card(transaction["customer_id"], card_last4)
        recurring = [item for item in transaction["items"] if item["price"]["billing_cycle"]]
        trial = bool(recurring) and all(item["price"]["trial_period"] for item in recurring)
        if trial:
            self._zero_recurring_lines(transaction)
        if not self._collect(transaction):
            return transaction
        if recurring:
            self._start_subscription(transaction, recurring, trial)
        return transaction

    def open_overlay_checkout(self, options: Json, *, email: str = "") -> Json:
        """What ``Paddle.Checkout.open(options)`` leads to once the buyer pays."""
        customer = options.get("customer", {})
        customer_id = customer.get("id")
        transaction = self._new_transaction(
            customer_id=customer_id,
            lines=[(self._price(item["priceId"]), item["quantity"]) for item in options["items"]],
            origin="web",
            custom_data=options.get("customData"),
        )
        return self.complete_checkout(transaction["id"], email=customer.get("email", email))

    def _save_card(self, customer_id: str, last4: str) -> None:
        year = timezone.now().year + 3
        self.cards[customer_id] = {
            "id": new_id("paymtd"),
            "stored_payment_method_id": str(uuid.uuid4()),
            "card": {
                "type": "visa",
                "last4": last4,
                "expiry_month": 12,
                "expiry_year": year,
                "cardholder_name": "Ada Lovelace",
            },
        }

    def _zero_recurring_lines(self, transaction: Json) -> None:
        """A trial's checkout takes the card but charges nothing for the recurring items."""
        lines = [
            self._line_item(
                item["price"], item["quantity"], 0 if item["price"]["billing_cycle"] else None, None
            )
            for item in transaction["items"]
        ]
        transaction["details"] = self._details(lines, transaction["currency_code"])

    # Subscriptions

    def _start_subscription(self, transaction: Json, recurring: list[Json], trial: bool) -> None:
        now = timezone.now()
        cycle = recurring[0]["price"]["billing_cycle"]
        trial_period = recurring[0]["price"]["trial_period"]
        end = (
            add_interval(now, trial_period["interval"], trial_period["frequency"])
            if trial
            else add_interval(now, cycle["interval"], cycle["frequency"])
        )
        subscription = {
            "id": new_id("sub"),
            "status": "trialing" if trial else "active",
            "customer_id": transaction["customer_id"],
            "address_id": transaction["address_id"],
            "business_id": None,
            "currency_code": transaction["currency_code"],
            "created_at": now,
            "updated_at": now,
            "started_at": now,
            "first_billed_at": None if trial else now,
            "next_billed_at": end,
            "paused_at": None,
            "canceled_at": None,
            "discount": None,
            "collection_mode": "automatic",
            "billing_details": None,
            "current_billing_period": {"starts_at": now, "ends_at": end},
            "billing_cycle": dict(cycle),
            "scheduled_change": None,
            "items": [
                {
                    "status": "trialing" if trial else "active",
                    "quantity": item["quantity"],
                    "recurring": True,
                    "created_at": now,
                    "updated_at": now,
                    "previously_billed_at": None if trial else now,
                    "next_billed_at": end,
                    "trial_dates": {"starts_at": now, "ends_at": end} if trial else None,
                    "price": item["price"],
                }
                for item in recurring
            ],
            "custom_data": transaction["custom_data"],
            "import_meta": None,
        }
        self.subscriptions[subscription["id"]] = subscription
        transaction.update(
            subscription_id=subscription["id"],
            billing_period={"starts_at": now, "ends_at": end},
        )
        self._emit(
            "subscription.created",
            {**self._webhook_view(subscription), "transaction_id": transaction["id"]},
        )
        self._emit(
            "subscription.trialing" if trial else "subscription.activated",
            self._webhook_view(subscription),
        )

    def _api_view(self, subscription: Json) -> Json:
        base = f"https://sandbox-buyer-portal.paddle.com/subscriptions/{subscription['id']}"
        return {
            **self._webhook_view(subscription),
            "management_urls": {
                "update_payment_method": f"{base}/update-payment-method",
                "cancel": f"{base}/cancel",
            },
            "consent_requirements": [],
        }

    def _webhook_view(self, subscription: Json) -> Json:
        return {
            **subscription,
            "items": [
                {**item, "product": self.products[item["price"]["product_id"]]}
                for item in subscription["items"]
            ],
        }

    def _subscription(self, subscription_id: str) -> Json:
        if subscription_id not in self.subscriptions:
            raise PaddleError(404, "not_found", f"Subscription {subscription_id} not found.")
        subscription = self.subscriptions[subscription_id]
        self._catch_up(subscription)
        return subscription

    def advance(self) -> None:
        """Let every subscription do what fell due by now (renewals, scheduled changes)."""
        for subscription in self.subscriptions.values():
            self._catch_up(subscription)

    def _get_subscription(self, subscription_id: str, *, query: dict[str, str], body: Json) -> Any:
        return self._one(self._api_view(self._subscription(subscription_id)))

    def _list_subscriptions(self, *, query: dict[str, str], body: Json) -> tuple[int, Json]:
        self.advance()
        customers = query["customer_id"].split(",") if "customer_id" in query else None
        statuses = query["status"].split(",") if "status" in query else None
        found = [
            self._api_view(subscription)
            for subscription in self.subscriptions.values()
            if (customers is None or subscription["customer_id"] in customers)
            and (statuses is None or subscription["status"] in statuses)
        ]
        return self._page(found, "/subscriptions", query)

    def _catch_up(self, subscription: Json) -> None:
        """Apply, in order, everything that fell due: scheduled changes and renewals."""
        while True:
            now = timezone.now()
            change = subscription["scheduled_change"]
            renews_at = subscription["next_billed_at"]
            if change is not None and change["effective_at"] <= now:
                self._apply_scheduled_change(subscription, change)
            elif renews_at is not None and renews_at <= now:
                self._renew(subscription, renews_at)
            else:
                return

    def _apply_scheduled_change(self, subscription: Json, change: Json) -> None:
        at = change["effective_at"]
        subscription["scheduled_change"] = None
        if change["action"] == "cancel":
            self._end(subscription, at)
        elif change["action"] == "pause":
            self._pause_now(subscription, at, change["resume_at"])
        else:
            self._resume_now(subscription, at)

    def _renew(self, subscription: Json, start: datetime) -> None:
        was_trialing = subscription["status"] == "trialing"
        end = self._period_end(subscription, start)
        self._set_period(subscription, start, end)
        transaction = self._bill(subscription, "subscription_recurring")
        if transaction["status"] == "completed":
            subscription["status"] = "active"
            subscription["first_billed_at"] = subscription["first_billed_at"] or start
            for item in subscription["items"]:
                item["status"] = "active"
            self._emit(
                "subscription.activated" if was_trialing else "subscription.updated",
                self._webhook_view(subscription),
            )
        else:
            subscription["status"] = "past_due"
            self._emit("subscription.past_due", self._webhook_view(subscription))

    def _period_end(self, subscription: Json, start: datetime) -> datetime:
        cycle = subscription["billing_cycle"]
        return add_interval(start, cycle["interval"], cycle["frequency"])

    def _set_period(self, subscription: Json, start: datetime, end: datetime) -> None:
        subscription.update(
            current_billing_period={"starts_at": start, "ends_at": end},
            next_billed_at=end,
            updated_at=timezone.now(),
        )
        for item in subscription["items"]:
            item.update(previously_billed_at=start, next_billed_at=end)

    def _bill(
        self,
        subscription: Json,
        origin: str,
        charged: Sequence[int | None] | None = None,
        proration: Json | None = None,
    ) -> Json:
        """A transaction for the subscription's items, collected from the saved card."""
        transaction = self._new_transaction(
            customer_id=subscription["customer_id"],
            lines=[(item["price"], item["quantity"]) for item in subscription["items"]],
            origin=origin,
            custom_data=subscription["custom_data"],
            subscription_id=subscription["id"],
            billing_period=subscription["current_billing_period"],
            charged=charged,
            proration=proration,
        )
        self._collect(transaction)
        return transaction

    def _end(self, subscription: Json, at: datetime) -> None:
        subscription.update(
            status="canceled",
            canceled_at=at,
            current_billing_period=None,
            next_billed_at=None,
            scheduled_change=None,
            updated_at=timezone.now(),
        )
        for item in subscription["items"]:
            item.update(status="inactive", next_billed_at=None)
        self._emit("subscription.canceled", self._webhook_view(subscription))

    def _pause_now(self, subscription: Json, at: datetime, resume_at: datetime | None) -> None:
        """Paused: nothing is billed; since December 2024 the billing period is kept."""
        subscription.update(
            status="paused",
            paused_at=at,
            next_billed_at=None,
            scheduled_change=(
                {"action": "resume", "effective_at": resume_at, "resume_at": None}
                if resume_at
                else None
            ),
            updated_at=timezone.now(),
        )
        for item in subscription["items"]:
            item["next_billed_at"] = None
        self._emit("subscription.paused", self._webhook_view(subscription))

    def _resume_now(self, subscription: Json, at: datetime) -> None:
        """``start_new_billing_period``, Paddle's default: a new period from now, billed now."""
        subscription.update(status="active", paused_at=None, scheduled_change=None)
        self._set_period(subscription, at, self._period_end(subscription, at))
        self._bill(subscription, "subscription_recurring")
        self._emit("subscription.resumed", self._webhook_view(subscription))

    def _modifiable(self, subscription: Json) -> None:
        if subscription["status"] == "canceled":
            raise PaddleError(
                400,
                "subscription_update_when_canceled",
                "Subscription is canceled and cannot be changed.",
            )

    def _cancel(self, subscription_id: str, *, query: dict[str, str], body: Json) -> Any:
        subscription = self._subscription(subscription_id)
        self._modifiable(subscription)
        effective_from = body.get("effective_from") or "next_billing_period"
        if effective_from == "immediately":
            self._end(subscription, timezone.now())
        elif subscription["status"] == "paused" or subscription["next_billed_at"] is None:
            raise invalid("A paused subscription can only be canceled immediately.")
        else:
            subscription["scheduled_change"] = {
                "action": "cancel",
                "effective_at": subscription["current_billing_period"]["ends_at"],
                "resume_at": None,
            }
            subscription["updated_at"] = timezone.now()
            self._emit("subscription.updated", self._webhook_view(subscription))
        return self._one(self._api_view(subscription))

    def _pause(self, subscription_id: str, *, query: dict[str, str], body: Json) -> Any:
        subscription = self._subscription(subscription_id)
        if subscription["status"] != "active":
            raise PaddleError(
                400,
                "subscription_not_active",
                f"Only active subscriptions can be paused; this one is {subscription['status']}.",
            )
        effective_from = body.get("effective_from") or "next_billing_period"
        resume_at = datetime.fromisoformat(body["resume_at"]) if body.get("resume_at") else None
        now = timezone.now()
        starts_at = (
            now
            if effective_from == "immediately"
            else subscription["current_billing_period"]["ends_at"]
        )
        if resume_at is not None and resume_at <= starts_at:
            raise invalid("resume_at must be after the pause takes effect.")
        if effective_from == "immediately":
            self._pause_now(subscription, now, resume_at)
        else:
            subscription["scheduled_change"] = {
                "action": "pause",
                "effective_at": starts_at,
                "resume_at": resume_at,
            }
            subscription["updated_at"] = now
            self._emit("subscription.updated", self._webhook_view(subscription))
        return self._one(self._api_view(subscription))

    def _resume(self, subscription_id: str, *, query: dict[str, str], body: Json) -> Any:
        subscription = self._subscription(subscription_id)
        effective_from = body.get("effective_from")
        if not effective_from:
            raise invalid("effective_from is required.")
        now = timezone.now()
        at = now if effective_from == "immediately" else datetime.fromisoformat(effective_from)
        change = subscription["scheduled_change"]
        if subscription["status"] == "paused":
            if at <= now:
                self._resume_now(subscription, now)
            else:
                subscription["scheduled_change"] = {
                    "action": "resume",
                    "effective_at": at,
                    "resume_at": None,
                }
        elif change is not None and change["action"] == "pause":
            change["resume_at"] = at
        else:
            raise invalid("Only paused subscriptions, or ones scheduled to pause, can be resumed.")
        return self._one(self._api_view(subscription))

    def _update_subscription(
        self, subscription_id: str, *, query: dict[str, str], body: Json
    ) -> Any:
        subscription = self._subscription(subscription_id)
        self._modifiable(subscription)
        allowed = {
            "items",
            "proration_billing_mode",
            "on_payment_failure",
            "scheduled_change",
            "custom_data",
        }
        if set(body) - allowed:
            raise invalid(f"This double does not update {sorted(set(body) - allowed)}.")
        if "scheduled_change" in body:
            if body["scheduled_change"] is not None:
                raise invalid("scheduled_change can only be set to null.")
            subscription["scheduled_change"] = None
        if "custom_data" in body:
            subscription["custom_data"] = body["custom_data"]
        if "items" in body:
            self._replace_items(subscription, body)
        subscription["updated_at"] = timezone.now()
        self._emit("subscription.updated", self._webhook_view(subscription))
        return self._one(self._api_view(subscription))

    def _replace_items(self, subscription: Json, body: Json) -> None:
        mode = body.get("proration_billing_mode")
        if mode is None:
            raise invalid("proration_billing_mode is required when changing items.")
        now = timezone.now()
        old_amount = self._period_amount(subscription["items"])
        existing = {item["price"]["id"]: item for item in subscription["items"]}
        items = []
        for requested in body["items"]:
            price = self._price(requested["price_id"])
            if not price["billing_cycle"]:
                raise invalid(f"{price['id']} is not a recurring price.")
            current = existing.get(price["id"])
            quantity = requested.get("quantity") or (current["quantity"] if current else 1)
            items.append(
                {
                    **(current or subscription["items"][0]),
                    "price": price,
                    "quantity": quantity,
                    "created_at": current["created_at"] if current else now,
                    "updated_at": now,
                }
            )
        cycle = items[0]["price"]["billing_cycle"]
        subscription["items"] = items
        if subscription["status"] == "trialing":
            subscription["billing_cycle"] = dict(cycle)
            return
        if cycle != subscription["billing_cycle"]:
            subscription["billing_cycle"] = dict(cycle)
            self._set_period(subscription, now, self._period_end(subscription, now))
        self._bill_change(subscription, mode, old_amount)

    def _period_amount(self, items: list[Json]) -> int:
        return sum(int(item["price"]["unit_price"]["amount"]) * item["quantity"] for item in items)

    def _bill_change(self, subscription: Json, mode: str, old_amount: int) -> None:
        """Bill an item change now when the mode says so; other modes wait for the renewal."""
        period = subscription["current_billing_period"]
        if mode == "full_immediately":
            self._bill(subscription, "subscription_update")
        if mode != "prorated_immediately":
            return
        now = timezone.now()
        remaining = (period["ends_at"] - now) / (period["ends_at"] - period["starts_at"])
        difference = self._period_amount(subscription["items"]) - old_amount
        prorated = int((Decimal(difference) * Decimal(remaining)).quantize(Decimal(1)))
        if prorated <= 0:
            return  # a credit: Paddle keeps it on the customer's balance
        share = [prorated] + [0] * (len(subscription["items"]) - 1)
        proration = {
            "rate": f"{remaining:.4f}",
            "billing_period": {"starts_at": now, "ends_at": period["ends_at"]},
        }
        self._bill(subscription, "subscription_update", charged=share, proration=proration)

    # Refunds

    def _create_adjustment(self, *, query: dict[str, str], body: Json) -> tuple[int, Json]:
        if body.get("action") != "refund":
            raise invalid("This double makes refunds only.")
        if not body.get("reason"):
            raise invalid("reason is required.")
        transaction = self._transaction(body.get("transaction_id", ""))
        if transaction["status"] != "completed":
            raise PaddleError(
                400,
                "adjustment_transaction_invalid_status_for_refund",
                "Only completed transactions can be refunded.",
            )
        lines = {line["id"]: line for line in transaction["details"]["line_items"]}
        items = [
            self._adjustment_item(transaction, lines, item) for item in body.get("items") or []
        ]
        if not items:
            raise invalid("items is required for a partial refund.")
        total = sum(int(item["totals"]["total"]) for item in items)
        tax = sum(int(item["totals"]["tax"]) for item in items)
        now = timezone.now()
        adjustment = {
            "id": new_id("adj"),
            "action": "refund",
            "type": "partial",
            "transaction_id": transaction["id"],
            "subscription_id": transaction["subscription_id"],
            "customer_id": transaction["customer_id"],
            "reason": body["reason"],
            "credit_applied_to_balance": None,
            "currency_code": transaction["currency_code"],
            "status": "pending_approval",
            "items": items,
            "totals": {
                "subtotal": str(total - tax),
                "tax": str(tax),
                "total": str(total),
                "fee": "0",
                "earnings": str(-(total - tax)),
                "retained_fee": "0",
                "currency_code": transaction["currency_code"],
            },
            "payout_totals": None,
            "tax_rates_used": [],
            "created_at": now,
            "updated_at": now,
        }
        self.adjustments[adjustment["id"]] = adjustment
        self._emit("adjustment.created", adjustment)
        return self._one(adjustment, 201)

    def _adjustment_item(self, transaction: Json, lines: dict[str, Json], item: Json) -> Json:
        line = lines.get(str(item.get("item_id")))
        if line is None:
            raise invalid(f"{item.get('item_id')} is not an item of {transaction['id']}.")
        left = int(line["totals"]["total"]) - self._refunded(line["id"])
        amount = left if item.get("type") == "full" else int(item.get("amount") or 0)
        if item.get("type") == "full" and left != int(line["totals"]["total"]):
            raise invalid("A full refund of an item that was partly refunded is not allowed.")
        if amount <= 0 or amount > left:
            raise PaddleError(
                400,
                "adjustment_amount_above_remaining_allowed",
                f"Refund of {amount} exceeds the {left} left on {line['id']}.",
            )
        tax = int(
            Decimal(amount) * Decimal(line["totals"]["tax"]) / Decimal(line["totals"]["total"] or 1)
        )
        return {
            "id": new_id("adjitm"),
            "item_id": line["id"],
            "type": item.get("type", "partial"),
            "amount": str(amount),
            "proration": None,
            "totals": {"subtotal": str(amount - tax), "tax": str(tax), "total": str(amount)},
        }

    def _refunded(self, line_id: str) -> int:
        return sum(
            int(item["totals"]["total"])
            for adjustment in self.adjustments.values()
            if adjustment["status"] in ("pending_approval", "approved")
            for item in adjustment["items"]
            if item["item_id"] == line_id
        )

    def _list_adjustments(self, *, query: dict[str, str], body: Json) -> tuple[int, Json]:
        wanted = {
            key: query[key].split(",")
            for key in ("transaction_id", "action", "status")
            if key in query
        }
        found = [
            adjustment
            for adjustment in self.adjustments.values()
            if all(adjustment[key] in values for key, values in wanted.items())
        ]
        return self._page(found, "/adjustments", query)

    def review_refund(self, adjustment_id: str, status: str) -> Json:
        """Paddle's review of a refund: ``"approved"`` or ``"rejected"``."""
        adjustment = self.adjustments[adjustment_id]
        adjustment.update(status=status, updated_at=timezone.now())
        self._emit("adjustment.updated", adjustment)
        return adjustment


def enable_paddle(settings: Any) -> PaddleDouble:
    """Enable the Paddle processor in ``settings`` (pytest-django's) and answer it with a double."""
    from pay.processors import get_processor

    if "paddle_billing" not in settings.PAY_PROCESSORS:
        settings.PAY_PROCESSORS = [*settings.PAY_PROCESSORS, "paddle_billing"]
    settings.PADDLE_API_KEY = API_KEY
    settings.PADDLE_ENVIRONMENT = "sandbox"
    settings.PADDLE_CLIENT_TOKEN = CLIENT_TOKEN
    settings.PADDLE_WEBHOOK_SECRET = WEBHOOK_SECRET
    double = PaddleDouble()
    double.install(get_processor("paddle_billing"))
    return double
