"""The double's plumbing: Paddle's HTTP conventions, ids, times, and the catalog."""

from __future__ import annotations

import json
import re
import secrets
import string
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from django.utils import timezone
from paddle_billing import Environment
from requests import PreparedRequest, Response
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

from tests.json_times import rendered, rfc3339

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


Route = tuple[str, re.Pattern[str], Callable[..., tuple[int, Json]]]


class PaddleServer(BaseAdapter):
    """The HTTP side: routing, Paddle's envelopes and errors, events, the catalog.

    Each layer on top (customers, transactions, subscriptions…) adds its routes."""

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
        self._routes: list[Route] = [
            ("GET", re.compile(r"/products"), self._list_products),
            ("GET", re.compile(r"/prices"), self._list_prices),
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
                "occurred_at": rfc3339(timezone.now()),
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
        product_id: str | None = None,
    ) -> Json:
        """A price of ``amount`` minor units; ``interval=None`` makes it a one-time price.

        It belongs to product ``product_id`` (made by :meth:`add_product`), else to a new one.
        """
        now = timezone.now()
        product = self.products[product_id] if product_id else self.add_product(product_name)
        price: Json = {
            "id": price_id,
            "product_id": product["id"],
            "type": "standard",
            "description": f"{product['name']} ({interval or 'one-time'})",
            "name": product["name"],
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

    def add_product(self, name: str, description: str | None = None) -> Json:
        now = timezone.now()
        product: Json = {
            "id": new_id("pro"),
            "name": name,
            "description": description,
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
        return product

    def _list_products(self, *, query: dict[str, str], body: Json) -> tuple[int, Json]:
        return self._page(list(self.products.values()), "/products", query)

    def _list_prices(self, *, query: dict[str, str], body: Json) -> tuple[int, Json]:
        return self._page(list(self.prices.values()), "/prices", query)

    def _price(self, price_id: Any) -> Json:
        if price_id not in self.prices:
            raise PaddleError(404, "not_found", f"Price {price_id} not found.")
        return self.prices[price_id]
