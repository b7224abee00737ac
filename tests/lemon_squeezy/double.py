"""An in-process Lemon Squeezy API that django-pay's HTTP client talks to.

:class:`LemonSqueezyDouble` is a ``requests`` transport adapter: mounted on the
processor's session for the double's base URL, it receives django-pay's real
HTTP requests and answers the endpoints django-pay uses the way Lemon
Squeezy's API reference documents them: JSON:API documents
(``application/vnd.api+json``), ``{"errors": [...]}`` answers with a status
and a JSON pointer, page-numbered lists with ``filter[...]``. It keeps a
store's state (variants, customers, checkouts, orders, subscriptions and their
items and invoices) and Lemon Squeezy's rules: cancelling keeps a subscription
until ``ends_at``, then it expires; a pause has a mode and may end by itself;
refunds cannot exceed what is left.

Time passes lazily: whenever a request touches a subscription, whatever fell
due by the (time-machine) clock happens first: the end of a trial or a pause,
renewals, expiry. Every change records the webhook Lemon Squeezy would send in
:attr:`LemonSqueezyDouble.events`, with the checkout's custom data in ``meta``;
:func:`signed_delivery` signs one as Lemon Squeezy does. What the buyer does
in the hosted checkout is :meth:`LemonSqueezyDouble.complete_checkout`.
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.utils import timezone
from requests import PreparedRequest, Response
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from pay.processors.fake.periods import add_interval
from tests.json_times import rendered

BASE_URL = "https://lemonsqueezy.double.test/v1"
API_KEY = "ls_test_double_api_key"
STORE_ID = "1"
WEBHOOK_SECRET = "ls-double-signing-secret"
MEDIA_TYPE = "application/vnd.api+json"

Json = dict[str, Any]

#: Attributes a request may send, per resource type and method.
WRITABLE = {
    ("customers", "POST"): {"name", "email", "city", "region", "country"},
    ("customers", "PATCH"): {"name", "email", "city", "region", "country", "status"},
    ("checkouts", "POST"): {
        "custom_price",
        "product_options",
        "checkout_options",
        "checkout_data",
        "expires_at",
        "preview",
        "test_mode",
    },
    ("subscriptions", "PATCH"): {
        "variant_id",
        "pause",
        "cancelled",
        "trial_ends_at",
        "billing_anchor",
        "invoice_immediately",
        "disable_prorations",
    },
    ("subscription-items", "PATCH"): {"quantity", "invoice_immediately", "disable_prorations"},
    ("orders", "POST"): {"amount"},
    ("subscription-invoices", "POST"): {"amount"},
}
CHECKOUT_DATA = {
    "email",
    "name",
    "billing_address",
    "tax_number",
    "discount_code",
    "custom",
    "variant_quantities",
}


class LemonSqueezyError(Exception):
    """An error answer, shaped like Lemon Squeezy's JSON:API ``errors``."""

    def __init__(self, status: int, detail: str, pointer: str = "") -> None:
        super().__init__(detail)
        self.status, self.detail, self.pointer = status, detail, pointer

    def body(self) -> Json:
        error: Json = {"detail": self.detail, "status": str(self.status), "title": "Error"}
        if self.pointer:
            error["source"] = {"pointer": self.pointer}
        return {"jsonapi": {"version": "1.0"}, "errors": [error]}


def unprocessable(detail: str, pointer: str = "") -> LemonSqueezyError:
    return LemonSqueezyError(422, detail, pointer)


def parse_ls_time(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


Route = tuple[str, re.Pattern[str], Callable[..., tuple[int, Json]]]


class LemonSqueezyDouble(BaseAdapter):
    """Lemon Squeezy's API for one store, in process: see the module docstring."""

    def __init__(self) -> None:
        super().__init__()
        now = timezone.now()
        store = {"name": "Double store", "currency": "USD", "created_at": now, "updated_at": now}
        self.stores: dict[str, Json] = {STORE_ID: {"id": STORE_ID, **store}}
        self.products: dict[str, Json] = {}
        self.variants: dict[str, Json] = {}
        self.customers: dict[str, Json] = {}
        self.checkouts: dict[str, Json] = {}
        self.orders: dict[str, Json] = {}
        self.subscriptions: dict[str, Json] = {}
        self.items: dict[str, Json] = {}
        self.invoices: dict[str, Json] = {}
        #: Custom data of the checkout each order and subscription came from.
        self.custom_data: dict[tuple[str, str], Json] = {}
        self.events: list[Json] = []
        self.requests: list[tuple[str, str, Json]] = []
        # Each type is numbered on its own, as at Lemon Squeezy: order 1 and invoice 1 coexist.
        self._numbers: defaultdict[str, Iterator[int]] = defaultdict(lambda: itertools.count(1))
        self._routes: list[Route] = []
        self._route("GET", r"stores/(\d+)", lambda i, **_: self._one("stores", i))
        self._route("GET", r"products", self._list_products)
        self._route("GET", r"products/(\d+)", lambda i, **_: self._one("products", i))
        self._route("GET", r"variants", self._list_variants)
        self._route("GET", r"variants/(\d+)", lambda i, **_: self._one("variants", i))
        self._route("GET", r"customers", self._list_customers)
        self._route("POST", r"customers", self._create_customer)
        self._route("GET", r"customers/(\d+)", lambda i, **_: self._one("customers", i))
        self._route("PATCH", r"customers/(\d+)", self._update_customer)
        self._route("POST", r"checkouts", self._create_checkout)
        self._route("GET", r"checkouts/([\w-]+)", lambda i, **_: self._one("checkouts", i))
        self._route("GET", r"subscriptions", self._list_subscriptions)
        self._route("GET", r"subscriptions/(\d+)", self._get_subscription)
        self._route("PATCH", r"subscriptions/(\d+)", self._update_subscription)
        self._route("DELETE", r"subscriptions/(\d+)", self._cancel_subscription)
        self._route("PATCH", r"subscription-items/(\d+)", self._update_item)
        self._route("GET", r"orders/(\d+)", lambda i, **_: self._one("orders", i))
        self._route("POST", r"orders/(\d+)/refund", self._refund("orders", "order_refunded"))
        self._route("GET", r"subscription-invoices/(\d+)", lambda i, **_: self._one("invoices", i))
        self._route(
            "POST",
            r"subscription-invoices/(\d+)/refund",
            self._refund("subscription-invoices", "subscription_payment_refunded"),
        )

    # Plumbing: the transport adapter

    def install(self, processor: Any) -> None:
        """Answer every request ``processor``'s session sends to the double's base URL."""
        processor.session.mount(BASE_URL, self)

    def send(self, request: PreparedRequest, *args: Any, **kwargs: Any) -> Response:
        url = urlsplit(request.url or "")
        path = url.path.removeprefix(urlsplit(BASE_URL).path).strip("/")
        query = dict(parse_qsl(url.query))
        body = json.loads(request.body) if request.body else {}
        self.requests.append((request.method or "", path, body))
        try:
            self._check_headers(request)
            status, payload = self._dispatch(request.method or "", path, query, body)
        except LemonSqueezyError as error:
            status, payload = error.status, error.body()
        response = Response()
        response.status_code = status
        response.reason = "OK" if status < 400 else "Error"
        response._content = json.dumps(payload).encode() if status != 204 else b""
        response.headers = CaseInsensitiveDict({"Content-Type": MEDIA_TYPE})
        response.url, response.request, response.encoding = request.url or "", request, "utf-8"
        return response

    def close(self) -> None:
        pass

    def _check_headers(self, request: PreparedRequest) -> None:
        if request.headers.get("Authorization") != f"Bearer {API_KEY}":
            raise LemonSqueezyError(401, "Unauthenticated.")
        if request.headers.get("Accept") != MEDIA_TYPE:
            raise LemonSqueezyError(406, f"Accept must be {MEDIA_TYPE}.")
        if request.body and request.headers.get("Content-Type") != MEDIA_TYPE:
            raise LemonSqueezyError(415, f"Content-Type must be {MEDIA_TYPE}.")

    def _route(self, method: str, pattern: str, handler: Callable[..., tuple[int, Json]]) -> None:
        self._routes.append((method, re.compile(pattern), handler))

    def _dispatch(
        self, method: str, path: str, query: dict[str, str], body: Json
    ) -> tuple[int, Json]:
        for route_method, pattern, handler in self._routes:
            match = pattern.fullmatch(path)
            if match and route_method == method:
                return handler(*match.groups(), query=query, body=body)
        raise LemonSqueezyError(404, f"No route for {method} /{path}.")

    def _attributes(self, kind: str, method: str, body: Json, resource_id: str = "") -> Json:
        """The attributes of a request document, checked as Lemon Squeezy checks them."""
        data = body.get("data")
        if not isinstance(data, dict) or data.get("type") != kind:
            raise unprocessable(f"The data type must be {kind}.", "/data/type")
        if resource_id and data.get("id") != resource_id:
            raise unprocessable("The data id must match the URL.", "/data/id")
        attributes = data.get("attributes", {})
        for name in attributes:
            if name not in WRITABLE[(kind, method)]:
                raise unprocessable(f"Unknown attribute {name}.", f"/data/attributes/{name}")
        return dict(attributes)

    def _relationship(self, body: Json, name: str, kind: str) -> str:
        related = body["data"].get("relationships", {}).get(name, {}).get("data") or {}
        if related.get("type") != kind or not isinstance(related.get("id"), str):
            raise unprocessable(
                f"The {name} relationship is required.", f"/data/relationships/{name}"
            )
        return str(related["id"])

    # Rendering

    def _new_id(self, kind: str) -> str:
        return str(next(self._numbers[kind]))

    def resource(self, kind: str, resource_id: str) -> Json:
        """A stored resource as the API renders it."""
        store = self._store(kind)
        if resource_id not in store:
            raise LemonSqueezyError(404, f"The {kind} {resource_id} does not exist.")
        state = store[resource_id]
        attributes = {key: value for key, value in state.items() if key != "id"}
        if kind == "subscriptions":
            attributes["first_subscription_item"] = self.items[state["item_id"]]
            del attributes["item_id"]
        json_type = {"invoices": "subscription-invoices"}.get(kind, kind)
        return {
            "type": json_type,
            "id": resource_id,
            "attributes": rendered(attributes),
            "links": {"self": f"{BASE_URL}/{json_type}/{resource_id}"},
        }

    def _store(self, kind: str) -> dict[str, Json]:
        stores: dict[str, dict[str, Json]] = {
            "stores": self.stores,
            "products": self.products,
            "variants": self.variants,
            "customers": self.customers,
            "checkouts": self.checkouts,
            "orders": self.orders,
            "subscriptions": self.subscriptions,
            "subscription-items": self.items,
            "invoices": self.invoices,
            "subscription-invoices": self.invoices,
        }
        return stores[kind]

    def _one(self, kind: str, resource_id: str, status: int = 200) -> tuple[int, Json]:
        document = {"jsonapi": {"version": "1.0"}, "data": self.resource(kind, resource_id)}
        return status, document

    def _page(
        self, kind: str, ids: list[str], path: str, query: dict[str, str]
    ) -> tuple[int, Json]:
        size, number = int(query.get("page[size]", 10)), int(query.get("page[number]", 1))
        if not 1 <= size <= 100:
            raise LemonSqueezyError(400, "page[size] must be between 1 and 100.")
        last = max(1, -(-len(ids) // size))
        page = ids[(number - 1) * size : number * size]
        links = {
            "first": f"{BASE_URL}/{path}?{urlencode({**query, 'page[number]': 1})}",
            "last": f"{BASE_URL}/{path}?{urlencode({**query, 'page[number]': last})}",
        }
        if number < last:
            links["next"] = f"{BASE_URL}/{path}?{urlencode({**query, 'page[number]': number + 1})}"
        return 200, {
            "meta": {
                "page": {
                    "currentPage": number,
                    "lastPage": last,
                    "perPage": size,
                    "total": len(ids),
                }
            },
            "jsonapi": {"version": "1.0"},
            "links": links,
            "data": [self.resource(kind, resource_id) for resource_id in page],
        }

    @staticmethod
    def _filters(query: dict[str, str], allowed: set[str]) -> dict[str, str]:
        filters = {key[7:-1]: value for key, value in query.items() if key.startswith("filter[")}
        for name in filters:
            if name not in allowed:
                raise LemonSqueezyError(400, f"Filter {name} is not allowed.")
        return filters

    def _emit(self, event_name: str, kind: str, resource_id: str) -> None:
        meta: Json = {"test_mode": True, "event_name": event_name, "webhook_id": str(uuid.uuid4())}
        custom = self.custom_data.get((kind, resource_id))
        if custom:
            meta["custom_data"] = custom
        self.events.append({"meta": meta, "data": self.resource(kind, resource_id)})

    def events_of(self, event_name: str) -> list[Json]:
        return [event for event in self.events if event["meta"]["event_name"] == event_name]

    # The catalog, which tests set up as a seller would in the dashboard

    def add_variant(
        self,
        variant_id: str,
        price: int,
        *,
        interval: str | None = "month",
        trial_days: int | None = None,
        currency: str = "USD",
        product_name: str = "Test product",
        product_id: str = "",
        status: str = "published",
    ) -> Json:
        """A variant of ``price`` minor units; ``interval=None`` makes it a one-time purchase.

        It belongs to product ``product_id``, made on first use (else to a product of its own).
        """
        now = timezone.now()
        product = self._product(product_id or str(int(variant_id) * 10), product_name)
        variant = {
            "id": variant_id,
            "product_id": int(product["id"]),
            "name": f"{product_name} ({interval or 'one-time'})",
            "product_name": product_name,
            "price": price,
            "currency": currency,
            "is_subscription": interval is not None,
            "interval": interval,
            "interval_count": 1,
            "has_free_trial": bool(trial_days),
            "trial_interval": "day",
            "trial_interval_count": trial_days or 0,
            "status": status,
            "created_at": now,
            "updated_at": now,
            "test_mode": True,
        }
        self.variants[variant_id] = variant
        return variant

    def _product(self, product_id: str, name: str) -> Json:
        now = timezone.now()
        return self.products.setdefault(
            product_id,
            {
                "id": product_id,
                "store_id": int(STORE_ID),
                "name": name,
                "description": f"<p>{name}, by the double.</p>",
                "status": "published",
                "created_at": now,
                "updated_at": now,
                "test_mode": True,
            },
        )

    def _list_products(self, *, query: dict[str, str], body: Json) -> tuple[int, Json]:
        filters = self._filters(query, {"store_id"})
        ids = [
            product_id
            for product_id, product in self.products.items()
            if str(product["store_id"]) == filters.get("store_id", str(product["store_id"]))
        ]
        return self._page("products", ids, "products", query)

    def _list_variants(self, *, query: dict[str, str], body: Json) -> tuple[int, Json]:
        filters = self._filters(query, {"product_id", "status"})
        ids = [
            variant_id
            for variant_id, variant in self.variants.items()
            if all(str(variant[key]) == value for key, value in filters.items())
        ]
        return self._page("variants", ids, "variants", query)

    def _variant(self, variant_id: Any, pointer: str) -> Json:
        variant = self.variants.get(str(variant_id))
        if variant is None:
            raise unprocessable(f"Variant {variant_id} does not exist.", pointer)
        return variant

    # Customers

    def _list_customers(self, *, query: dict[str, str], body: Json) -> tuple[int, Json]:
        filters = self._filters(query, {"store_id", "email"})
        ids = [
            customer_id
            for customer_id, customer in self.customers.items()
            if filters.get("email", customer["email"]) == customer["email"]
            and filters.get("store_id", STORE_ID) == STORE_ID
        ]
        return self._page("customers", ids, "customers", query)

    def _create_customer(self, *, query: dict[str, str], body: Json) -> tuple[int, Json]:
        attributes = self._attributes("customers", "POST", body)
        if self._relationship(body, "store", "stores") != STORE_ID:
            raise LemonSqueezyError(404, "Store not found.")
        for required in ("name", "email"):
            if not attributes.get(required):
                raise unprocessable(
                    f"The {required} field is required.", f"/data/attributes/{required}"
                )
        if any(c["email"] == attributes["email"] for c in self.customers.values()):
            raise unprocessable("The email has already been taken.", "/data/attributes/email")
        customer = self._new_customer(attributes["email"], attributes["name"])
        return self._one("customers", customer["id"], 201)

    def _new_customer(self, email: str, name: str) -> Json:
        now, customer_id = timezone.now(), self._new_id("customers")
        customer = {
            "id": customer_id,
            "store_id": int(STORE_ID),
            "name": name,
            "email": email,
            "status": "subscribed",
            "city": None,
            "region": None,
            "country": None,
            "urls": {
                "customer_portal": f"https://store.double.test/billing?customer={customer_id}"
                "&expires=1&signature=portal"
            },
            "created_at": now,
            "updated_at": now,
            "test_mode": True,
        }
        self.customers[customer_id] = customer
        return customer

    def _update_customer(
        self, customer_id: str, *, query: dict[str, str], body: Json
    ) -> tuple[int, Json]:
        attributes = self._attributes("customers", "PATCH", body, customer_id)
        if attributes.get("status", "archived") != "archived":
            raise unprocessable(
                "A customer's status can only become archived.", "/data/attributes/status"
            )
        self.resource("customers", customer_id)
        self.customers[customer_id].update(attributes, updated_at=timezone.now())
        return self._one("customers", customer_id)

    # Checkouts and what the buyer does in them

    def _create_checkout(self, *, query: dict[str, str], body: Json) -> tuple[int, Json]:
        attributes = self._attributes("checkouts", "POST", body)
        if self._relationship(body, "store", "stores") != STORE_ID:
            raise LemonSqueezyError(404, "Store not found.")
        variant = self._variant(
            self._relationship(body, "variant", "variants"), "/data/relationships/variant"
        )
        checkout_data = attributes.get("checkout_data", {})
        for name in checkout_data:
            if name not in CHECKOUT_DATA:
                raise unprocessable(
                    f"Unknown attribute {name}.", f"/data/attributes/checkout_data/{name}"
                )
        if not isinstance(checkout_data.get("custom", {}), dict):
            raise unprocessable(
                "custom must be an object.", "/data/attributes/checkout_data/custom"
            )
        for entry in checkout_data.get("variant_quantities", []):
            if (
                not isinstance(entry.get("variant_id"), int)
                or not isinstance(entry.get("quantity"), int)
                or entry["quantity"] < 1
            ):
                raise unprocessable(
                    "variant_quantities take an integer variant_id and a quantity of 1 or more.",
                    "/data/attributes/checkout_data/variant_quantities",
                )
        checkout_id, now = str(uuid.uuid4()), timezone.now()
        self.checkouts[checkout_id] = {
            "id": checkout_id,
            "store_id": int(STORE_ID),
            "variant_id": int(variant["id"]),
            "custom_price": attributes.get("custom_price"),
            "product_options": attributes.get("product_options", {}),
            "checkout_options": attributes.get("checkout_options", {}),
            "checkout_data": checkout_data,
            "expires_at": attributes.get("expires_at"),
            "created_at": now,
            "updated_at": now,
            "test_mode": True,
            "url": f"https://store.double.test/checkout/custom/{checkout_id}?signature=double",
        }
        return self._one("checkouts", checkout_id, 201)

    def complete_checkout(
        self,
        checkout_id: str,
        *,
        email: str = "",
        card_last4: str = "4242",
        custom: Json | None = None,
    ) -> Json:
        """The buyer pays the checkout: an order, and a subscription if the variant recurs.

        The buyer's browser can change the checkout's custom data: ``custom`` replaces it.
        Returns the subscription's state, or the order's for a one-time variant.
        """
        checkout = self.checkouts[checkout_id]
        data = checkout["checkout_data"]
        variant = self.variants[str(checkout["variant_id"])]
        quantity = next(
            (
                entry["quantity"]
                for entry in data.get("variant_quantities", [])
                if str(entry["variant_id"]) == variant["id"]
            ),
            1,
        )
        email = data.get("email") or email
        customer = next((c for c in self.customers.values() if c["email"] == email), None)
        customer = customer or self._new_customer(email, data.get("name") or email)
        custom_data = dict(data.get("custom") or {}) if custom is None else custom
        trial = variant["has_free_trial"]
        total = 0 if trial else variant["price"] * quantity
        order = self._new_order(customer, variant, total, card_last4)
        self.custom_data[("orders", order["id"])] = custom_data
        self._emit("order_created", "orders", order["id"])
        if not variant["is_subscription"]:
            return order
        subscription = self._new_subscription(customer, order, variant, quantity, card_last4)
        self.custom_data[("subscriptions", subscription["id"])] = custom_data
        self._emit("subscription_created", "subscriptions", subscription["id"])
        if not trial:
            self._invoice(subscription, total, "initial")
        return subscription

    def _new_order(self, customer: Json, variant: Json, total: int, card_last4: str) -> Json:
        now, order_id = timezone.now(), self._new_id("orders")
        order = {
            "id": order_id,
            "store_id": int(STORE_ID),
            "customer_id": int(customer["id"]),
            "identifier": str(uuid.uuid4()),
            "order_number": int(order_id),
            "user_name": customer["name"],
            "user_email": customer["email"],
            "currency": variant["currency"],
            "subtotal": total,
            "tax": 0,
            "total": total,
            "refunded_amount": 0,
            "status": "paid",
            "status_formatted": "Paid",
            "refunded": False,
            "refunded_at": None,
            "card_brand": "visa",
            "card_last_four": card_last4,
            "first_order_item": {
                "order_id": int(order_id),
                "product_id": variant["product_id"],
                "variant_id": int(variant["id"]),
                "product_name": variant["product_name"],
                "variant_name": variant["name"],
                "price": variant["price"],
            },
            "urls": {"receipt": f"https://store.double.test/my-orders/{order_id}?signature=r"},
            "created_at": now,
            "updated_at": now,
            "test_mode": True,
        }
        self.orders[order_id] = order
        return order

    # Subscriptions

    def _new_subscription(
        self, customer: Json, order: Json, variant: Json, quantity: int, card_last4: str
    ) -> Json:
        now = timezone.now()
        subscription_id, item_id = self._new_id("subscriptions"), self._new_id("subscription-items")
        trial_ends_at = (
            now + timedelta(days=variant["trial_interval_count"])
            if variant["has_free_trial"]
            else None
        )
        self.items[item_id] = {
            "id": int(item_id),
            "subscription_id": int(subscription_id),
            "price_id": int(variant["id"]) * 100,
            "quantity": quantity,
            "is_usage_based": False,
            "created_at": now,
            "updated_at": now,
        }
        subscription = {
            "id": subscription_id,
            "store_id": int(STORE_ID),
            "customer_id": int(customer["id"]),
            "order_id": int(order["id"]),
            "order_item_id": int(order["id"]),
            "product_id": variant["product_id"],
            "variant_id": int(variant["id"]),
            "product_name": variant["product_name"],
            "variant_name": variant["name"],
            "user_name": customer["name"],
            "user_email": customer["email"],
            "status": "on_trial" if trial_ends_at else "active",
            "card_brand": "visa",
            "card_last_four": card_last4,
            "pause": None,
            "cancelled": False,
            "trial_ends_at": trial_ends_at,
            "billing_anchor": now.day,
            "item_id": item_id,
            "urls": {
                "update_payment_method": f"https://store.double.test/subscription/{subscription_id}"
                "/payment-details?expires=1&signature=upm",
                "customer_portal": "https://store.double.test/billing?expires=1&signature=cp",
            },
            "renews_at": trial_ends_at or self._next_period(now, variant),
            "ends_at": None,
            "created_at": now,
            "updated_at": now,
            "test_mode": True,
        }
        self.subscriptions[subscription_id] = subscription
        return subscription

    @staticmethod
    def _next_period(start: datetime, variant: Json) -> datetime:
        return add_interval(start, variant["interval"], variant["interval_count"])

    def _subscription(self, subscription_id: str) -> Json:
        self.resource("subscriptions", subscription_id)
        subscription = self.subscriptions[subscription_id]
        self._catch_up(subscription)
        return subscription

    def _catch_up(self, subscription: Json) -> None:
        """What fell due since the subscription was last touched, in order."""
        now = timezone.now()
        while True:
            status, pause = subscription["status"], subscription["pause"]
            if status == "cancelled" and subscription["ends_at"] <= now:
                self._change(subscription, "subscription_expired", status="expired")
            elif (
                status == "paused"
                and pause["resumes_at"]
                and parse_ls_time(pause["resumes_at"]) <= now
            ):
                self._change(subscription, "subscription_unpaused", status="active", pause=None)
            elif status in ("on_trial", "active") and subscription["renews_at"] <= now:
                self._renew(subscription)
            else:
                return

    def _renew(self, subscription: Json) -> None:
        variant = self.variants[str(subscription["variant_id"])]
        subscription["updated_at"] = subscription["renews_at"]
        subscription.update(
            status="active", renews_at=self._next_period(subscription["renews_at"], variant)
        )
        self._emit("subscription_updated", "subscriptions", subscription["id"])
        quantity = self.items[subscription["item_id"]]["quantity"]
        self._invoice(subscription, variant["price"] * quantity, "renewal")

    def _invoice(self, subscription: Json, total: int, reason: str) -> Json:
        now, invoice_id = timezone.now(), self._new_id("subscription-invoices")
        variant = self.variants[str(subscription["variant_id"])]
        invoice = {
            "id": invoice_id,
            "store_id": int(STORE_ID),
            "subscription_id": int(subscription["id"]),
            "customer_id": subscription["customer_id"],
            "user_name": subscription["user_name"],
            "user_email": subscription["user_email"],
            "billing_reason": reason,
            "card_brand": subscription["card_brand"],
            "card_last_four": subscription["card_last_four"],
            "currency": variant["currency"],
            "status": "paid",
            "status_formatted": "Paid",
            "refunded": False,
            "refunded_at": None,
            "subtotal": total,
            "tax": 0,
            "total": total,
            "refunded_amount": 0,
            "urls": {"invoice_url": f"https://store.double.test/invoice/{invoice_id}?signature=i"},
            "created_at": now,
            "updated_at": now,
            "test_mode": True,
        }
        self.invoices[invoice_id] = invoice
        self.custom_data[("invoices", invoice_id)] = self.custom_data.get(
            ("subscriptions", subscription["id"]), {}
        )
        self._emit("subscription_payment_success", "invoices", invoice_id)
        return invoice

    def _change(self, subscription: Json, event_name: str, **changes: Any) -> None:
        """Apply ``changes``; Lemon Squeezy sends the specific event and subscription_updated."""
        subscription.update(changes, updated_at=timezone.now())
        self._emit(event_name, "subscriptions", subscription["id"])
        if event_name != "subscription_updated":
            self._emit("subscription_updated", "subscriptions", subscription["id"])

    def _list_subscriptions(self, *, query: dict[str, str], body: Json) -> tuple[int, Json]:
        allowed = {
            "store_id",
            "order_id",
            "order_item_id",
            "product_id",
            "variant_id",
            "user_email",
            "status",
        }
        filters = self._filters(query, allowed)
        for subscription in self.subscriptions.values():
            self._catch_up(subscription)
        ids = [
            subscription_id
            for subscription_id, subscription in self.subscriptions.items()
            if all(
                str({"store_id": subscription["store_id"]}.get(name, subscription.get(name)))
                == value
                for name, value in filters.items()
            )
        ]
        return self._page("subscriptions", ids, "subscriptions", query)

    def _get_subscription(self, subscription_id: str, **_: Any) -> tuple[int, Json]:
        self._subscription(subscription_id)
        return self._one("subscriptions", subscription_id)

    def _cancel_subscription(self, subscription_id: str, **_: Any) -> tuple[int, Json]:
        subscription = self._subscription(subscription_id)
        if subscription["status"] in ("cancelled", "expired"):
            raise unprocessable("The subscription is already cancelled.")
        ends_at = (
            subscription["trial_ends_at"]
            if subscription["status"] == "on_trial"
            else subscription["renews_at"]
        )
        self._change(
            subscription,
            "subscription_cancelled",
            status="cancelled",
            cancelled=True,
            ends_at=ends_at,
        )
        return self._one("subscriptions", subscription_id)

    def _update_subscription(
        self, subscription_id: str, *, query: dict[str, str], body: Json
    ) -> tuple[int, Json]:
        attributes = self._attributes("subscriptions", "PATCH", body, subscription_id)
        subscription = self._subscription(subscription_id)
        if subscription["status"] == "expired":
            raise unprocessable("An expired subscription cannot be updated.")
        if "cancelled" in attributes:
            self._set_cancelled(subscription, attributes["cancelled"])
        if "pause" in attributes:
            self._set_pause(subscription, attributes["pause"])
        if "variant_id" in attributes:
            self._set_variant(subscription, attributes)
        return self._one("subscriptions", subscription_id)

    def _set_cancelled(self, subscription: Json, cancelled: Any) -> None:
        if cancelled is not False:
            raise unprocessable(
                "Cancel with DELETE; cancelled only takes false.", "/data/attributes/cancelled"
            )
        if subscription["status"] != "cancelled":
            raise unprocessable(
                "Only a cancelled subscription can be resumed.", "/data/attributes/cancelled"
            )
        trialing = subscription["trial_ends_at"] and subscription["trial_ends_at"] > timezone.now()
        self._change(
            subscription,
            "subscription_resumed",
            status="on_trial" if trialing else "active",
            cancelled=False,
            ends_at=None,
        )

    def _set_pause(self, subscription: Json, pause: Any) -> None:
        if pause is None:
            if subscription["pause"] is None:
                raise unprocessable("The subscription is not paused.", "/data/attributes/pause")
            self._change(subscription, "subscription_unpaused", status="active", pause=None)
            return
        if not isinstance(pause, dict) or pause.get("mode") not in ("void", "free"):
            raise unprocessable("pause.mode must be void or free.", "/data/attributes/pause/mode")
        resumes_at = pause.get("resumes_at")
        if resumes_at is not None and parse_ls_time(resumes_at) <= timezone.now():
            raise unprocessable(
                "pause.resumes_at must be in the future.", "/data/attributes/pause/resumes_at"
            )
        if subscription["status"] not in ("active", "on_trial"):
            raise unprocessable(f"A {subscription['status']} subscription cannot be paused.")
        self._change(
            subscription,
            "subscription_paused",
            status="paused",
            pause={"mode": pause["mode"], "resumes_at": resumes_at},
        )

    def _set_variant(self, subscription: Json, attributes: Json) -> None:
        variant = self._variant(attributes["variant_id"], "/data/attributes/variant_id")
        if not variant["is_subscription"]:
            raise unprocessable("The variant is not a subscription.", "/data/attributes/variant_id")
        old = self.variants[str(subscription["variant_id"])]
        self._change(
            subscription,
            "subscription_updated",
            variant_id=int(variant["id"]),
            variant_name=variant["name"],
            product_id=variant["product_id"],
            product_name=variant["product_name"],
        )
        quantity = self.items[subscription["item_id"]]["quantity"]
        self._bill_change(subscription, (variant["price"] - old["price"]) * quantity, attributes)

    def _bill_change(self, subscription: Json, difference: int, options: Json) -> None:
        """invoice_immediately bills the (whole-period) difference now; by default it waits for
        the renewal, and disable_prorations drops it."""
        if (
            options.get("invoice_immediately")
            and not options.get("disable_prorations")
            and difference > 0
        ):
            self._invoice(subscription, difference, "updated")

    def _update_item(self, item_id: str, *, query: dict[str, str], body: Json) -> tuple[int, Json]:
        attributes = self._attributes("subscription-items", "PATCH", body, item_id)
        self.resource("subscription-items", item_id)
        item = self.items[item_id]
        subscription = self._subscription(str(item["subscription_id"]))
        quantity = attributes.get("quantity", item["quantity"])
        if not isinstance(quantity, int) or quantity < 1:
            raise unprocessable("The quantity must be at least 1.", "/data/attributes/quantity")
        if subscription["status"] == "expired":
            raise unprocessable("An expired subscription cannot be updated.")
        price = self.variants[str(subscription["variant_id"])]["price"]
        difference = (quantity - item["quantity"]) * price
        item.update(quantity=quantity, updated_at=timezone.now())
        self._change(subscription, "subscription_updated")
        self._bill_change(subscription, difference, attributes)
        return 200, {
            "jsonapi": {"version": "1.0"},
            "data": {
                "type": "subscription-items",
                "id": item_id,
                "attributes": rendered({k: v for k, v in item.items() if k != "id"}),
            },
        }

    # Refunds

    def _refund(self, kind: str, event_name: str) -> Callable[..., tuple[int, Json]]:
        def refund(resource_id: str, *, query: dict[str, str], body: Json) -> tuple[int, Json]:
            attributes = self._attributes(kind, "POST", body, resource_id)
            self.resource(kind, resource_id)
            paid = self._store(kind)[resource_id]
            left = paid["total"] - paid["refunded_amount"]
            amount = attributes.get("amount", left)
            if not isinstance(amount, int) or not 0 < amount <= left:
                raise unprocessable(
                    f"The amount must be between 1 and {left}.", "/data/attributes/amount"
                )
            refunded = paid["refunded_amount"] + amount
            full = refunded == paid["total"]
            paid.update(
                refunded_amount=refunded,
                refunded=full,
                refunded_at=timezone.now(),
                status="refunded" if full else "partial_refund",
                updated_at=timezone.now(),
            )
            stored_kind = "invoices" if kind == "subscription-invoices" else kind
            self._emit(event_name, stored_kind, resource_id)
            return self._one(kind, resource_id)

        return refund


def signed_delivery(event: Json, secret: str = WEBHOOK_SECRET) -> tuple[bytes, dict[str, str]]:
    """The body and headers Lemon Squeezy would POST for ``event``, signed with ``secret``."""
    body = json.dumps(event).encode()
    return body, signature_headers(body, event["meta"]["event_name"], secret)


def signature_headers(body: bytes, event_name: str, secret: str = WEBHOOK_SECRET) -> dict[str, str]:
    """Lemon Squeezy's signature of ``body``: the hex HMAC-SHA256 under the signing secret."""
    signature = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return {
        "X-Signature": signature,
        "X-Event-Name": event_name,
        "Content-Type": "application/json",
    }


def enable_lemon_squeezy(settings: Any) -> LemonSqueezyDouble:
    """Enable Lemon Squeezy in ``settings`` (pytest-django's), answered by a double."""
    from pay.processors import get_processor

    if "lemon_squeezy" not in settings.PAY_PROCESSORS:
        settings.PAY_PROCESSORS = [*settings.PAY_PROCESSORS, "lemon_squeezy"]
    settings.LEMON_SQUEEZY_API_KEY = API_KEY
    settings.LEMON_SQUEEZY_STORE_ID = STORE_ID
    settings.LEMON_SQUEEZY_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.LEMON_SQUEEZY_API_URL = BASE_URL
    double = LemonSqueezyDouble()
    double.install(get_processor("lemon_squeezy"))
    return double
