"""The double's plumbing: Braintree's XML and errors, the HTTP server, lookups, rendering.

Each layer on top (the vault, transactions, subscriptions) adds its routes.
"""

from __future__ import annotations

import base64
import calendar
import copy
import re
import secrets
import string
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, Self
from xml.sax.saxutils import escape

import braintree
from braintree.util.xml_util import XmlUtil

MERCHANT_ID = "pay_double_merchant"
PUBLIC_KEY = "pay_double_public_key"
PRIVATE_KEY = "pay_double_private_key"
SEAT_ADD_ON = "seat"
PLAN_CREDIT = "plan-credit"

Json = dict[str, Any]

_LIST_ITEMS = {
    "add_ons": "add_on",
    "discounts": "discount",
    "transactions": "transaction",
    "status_history": "status_event",
    "subscriptions": "subscription",
    "credit_cards": "credit_card",
    "paypal_accounts": "paypal_account",
    "plans": "plan",
    "errors": "error",
}


class GatewayError(Exception):
    """A validation error answered as Braintree's ``<api-error-response>`` (HTTP 422)."""

    def __init__(self, on: str, attribute: str, code: str, message: str, **extra: Json) -> None:
        super().__init__(message)
        self.on, self.attribute, self.code, self.message, self.extra = (
            on,
            attribute,
            code,
            message,
            extra,
        )

    def body(self) -> Json:
        error = {"code": self.code, "attribute": self.attribute, "message": self.message}
        errors: Json = {"errors": []}
        if self.code:
            errors[self.on] = {"errors": [error]}
        return {
            "errors": errors,
            "message": self.message,
            **self.extra,
        }


class NotFound(Exception):
    pass


def new_id() -> str:
    alphabet = string.ascii_lowercase + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(8))


def now() -> datetime:
    return datetime.now(UTC)


def today() -> date:
    return now().date()


def add_months(day: date, months: int) -> date:
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return day.replace(year=year, month=month, day=min(day.day, last_day))


def money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


# XML, as Braintree writes it: dashed tags, typed values, arrays of named items.


def to_xml(root: str, value: Any) -> bytes:
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + _node(root, value)).encode()


def _node(name: str, value: Any) -> str:
    tag = name.replace("_", "-")
    if value is None:
        return f'<{tag} nil="true"/>'
    if isinstance(value, bool):
        return f'<{tag} type="boolean">{str(value).lower()}</{tag}>'
    if isinstance(value, int):
        return f'<{tag} type="integer">{value}</{tag}>'
    if isinstance(value, datetime):
        stamp = value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return f'<{tag} type="datetime">{stamp}</{tag}>'
    if isinstance(value, date):
        return f'<{tag} type="date">{value.isoformat()}</{tag}>'
    if isinstance(value, list):
        item = _LIST_ITEMS.get(name, "item")
        return f'<{tag} type="array">' + "".join(_node(item, v) for v in value) + f"</{tag}>"
    if isinstance(value, dict):
        return f"<{tag}>" + "".join(_node(k, v) for k, v in value.items()) + f"</{tag}>"
    return f"<{tag}>{escape(str(value))}</{tag}>"


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        self._answer("GET")

    def do_POST(self) -> None:
        self._answer("POST")

    def do_PUT(self) -> None:
        self._answer("PUT")

    def do_DELETE(self) -> None:
        self._answer("DELETE")

    def _answer(self, method: str) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        status, body = self.server.double.handle(
            method, self.path, raw, self.headers.get("Authorization", "")
        )
        self.send_response(status)
        self.send_header("Content-Type", "application/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(HTTPServer):
    double: GatewayServer


Route = tuple[str, re.Pattern[str], Callable[..., tuple[str, Any]]]


class GatewayServer:
    """Braintree's gateway over HTTP: state, routing, the answers' XML, notifications."""

    def __init__(self) -> None:
        self.plans: dict[str, Json] = {}
        self.add_ons = {SEAT_ADD_ON: money("10.00")}
        self.discounts = {PLAN_CREDIT: money("0.00")}
        self.customers: dict[str, Json] = {}
        self.payment_methods: dict[str, Json] = {}
        self.subscriptions: dict[str, Json] = {}
        self.transactions: dict[str, Json] = {}
        self.currency = "USD"
        self.requests: list[tuple[str, str]] = []
        #: The webhook notifications Braintree would send: kind, time, subject.
        self.notifications: list[tuple[str, datetime, Json]] = []
        self._server: _Server | None = None
        self._routes: list[Route] = []

    # Running

    def start(self) -> Self:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.double = self
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    @property
    def environment(self) -> braintree.Environment:
        """Where the SDK finds this double: plain HTTP on its port."""
        assert self._server is not None, "start() the double first"
        port = str(self._server.server_address[1])
        return braintree.Environment("pay-double", "127.0.0.1", port, "", False, None)

    def handle(self, method: str, path: str, raw: bytes, authorization: str) -> tuple[int, bytes]:
        expected = base64.b64encode(f"{PUBLIC_KEY}:{PRIVATE_KEY}".encode()).decode()
        if authorization != f"Basic {expected}":
            return 401, b""
        prefix = f"/merchants/{MERCHANT_ID}"
        if not path.startswith(prefix):
            return 404, b""
        path = path[len(prefix) :]
        self.requests.append((method, path))
        body = XmlUtil.dict_from_xml(raw) if raw.strip() else {}
        for route_method, pattern, handler in self._routes:
            match = pattern.fullmatch(path.split("?")[0])
            if match and route_method == method:
                try:
                    root, value = handler(*match.groups(), body=body)
                except NotFound:
                    return 404, b""
                except GatewayError as error:
                    return 422, to_xml("api_error_response", error.body())
                return (200 if method != "POST" else 201), to_xml(root, value)
        return 404, b""

    def _catch_up(self, subscription: Json) -> None:
        """Whatever fell due by the clock happens first: the subscriptions layer bills it."""

    # Status changes and the notifications Braintree sends about them

    def _set_status(self, subscription: Json, status: str) -> None:
        subscription["status"] = status
        subscription["updated_at"] = now()
        self._record_status(subscription)
        self._notify(_STATUS_NOTIFICATIONS[status], subscription)

    def _record_status(self, subscription: Json) -> None:
        subscription["status_history"].insert(
            0,
            {
                "timestamp": now(),
                "status": subscription["status"],
                "price": subscription["price"],
                "balance": subscription["balance"],
                "plan_id": subscription["plan_id"],
                "subscription_source": "api",
            },
        )

    def _notify(self, kind: str, subscription: Json) -> None:
        subject = {"subscription": self._render_subscription(subscription)}
        self.notifications.append((kind, now(), copy.deepcopy(subject)))

    def notification(self, kind: str) -> bytes:
        """The XML of the newest notification of ``kind``, which Braintree signs and posts."""
        moment, subject = [(m, subject) for k, m, subject in self.notifications if k == kind][-1]
        return to_xml("notification", {"timestamp": moment, "kind": kind, "subject": subject})

    # Lookups and rendering

    def _customer(self, customer_id: str) -> Json:
        if customer_id not in self.customers:
            raise NotFound
        return self.customers[customer_id]

    def _method(self, token: str) -> Json:
        if token not in self.payment_methods:
            raise NotFound
        return self.payment_methods[token]

    def _subscription(self, subscription_id: str) -> Json:
        if subscription_id not in self.subscriptions:
            raise NotFound
        subscription = self.subscriptions[subscription_id]
        self._catch_up(subscription)
        return subscription

    def _transaction(self, transaction_id: str) -> Json:
        if transaction_id not in self.transactions:
            raise NotFound
        return self.transactions[transaction_id]

    def _methods_of(self, customer_id: str) -> list[Json]:
        return [m for m in self.payment_methods.values() if m["customer_id"] == customer_id]

    def _subscriptions_of(self, token: str) -> list[Json]:
        found = [s for s in self.subscriptions.values() if s["payment_method_token"] == token]
        for subscription in found:
            self._catch_up(subscription)
        return found

    def _render_customer(self, customer: Json) -> Json:
        methods = self._methods_of(customer["id"])
        return {
            **customer,
            "credit_cards": [
                self._render_method(m)[1] for m in methods if m["kind"] == "credit_card"
            ],
            "paypal_accounts": [
                self._render_method(m)[1] for m in methods if m["kind"] == "paypal_account"
            ],
            "addresses": [],
        }

    def _render_method(self, method: Json) -> tuple[str, Json]:
        fields = {key: value for key, value in method.items() if key != "kind"}
        fields["subscriptions"] = [
            self._render_subscription(s) for s in self._subscriptions_of(method["token"])
        ]
        if method["kind"] == "credit_card":
            fields.update(expired=False, bin="411111", image_url="https://example.test/visa.png")
        return method["kind"], fields

    def _render_subscription(self, subscription: Json) -> Json:
        fields = {key: value for key, value in subscription.items() if key != "billing_frequency"}
        fields["transactions"] = [self._render_transaction(t) for t in subscription["transactions"]]
        fields["next_billing_period_amount"] = self._cycle_amount(subscription)
        return fields

    def _render_transaction(self, sale: Json) -> Json:
        method = self.payment_methods.get(sale["payment_method_token"], {})
        fields = {k: v for k, v in sale.items() if k not in ("customer_id", "payment_method_token")}
        fields["customer"] = {"id": sale["customer_id"]}
        fields["payment_instrument_type"] = method.get("kind", "credit_card")
        if method.get("kind") == "credit_card":
            fields["credit_card"] = {
                "token": method["token"],
                "card_type": method["card_type"],
                "last_4": method["last_4"],
                "expiration_month": method["expiration_month"],
                "expiration_year": method["expiration_year"],
            }
        elif method:
            fields["paypal"] = {"token": method["token"], "payer_email": method["email"]}
        return fields

    def _cycle_amount(self, subscription: Json) -> Decimal:
        add_ons = sum((a["amount"] * a["quantity"] for a in subscription["add_ons"]), money(0))
        discounts = sum((d["amount"] * d["quantity"] for d in subscription["discounts"]), money(0))
        return money(subscription["price"] + add_ons - discounts)


_STATUS_NOTIFICATIONS = {
    "Active": "subscription_went_active",
    "Canceled": "subscription_canceled",
    "Expired": "subscription_expired",
    "Past Due": "subscription_went_past_due",
}


def optional_int(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None
