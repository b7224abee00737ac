"""The double's objects: built from Stripe's own examples, kept by id, rendered like Stripe.

Objects are plain dicts shaped exactly like the API's JSON. Keys starting with
``_`` are the double's private bookkeeping and never leave it. Expandable fields
hold ids and are replaced by objects when a request asks to ``expand`` them.
"""

from __future__ import annotations

import copy
import json
import secrets
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

FIXTURES = Path(__file__).with_name("fixtures.json")

StripeObject = dict[str, Any]

#: Fields in the fixtures whose example values would mislead: a new object starts without them.
_RESETS: dict[str, dict[str, Any]] = {
    "customer": {"discount": None, "currency": None, "invoice_prefix": "DOUBLE"},
    "payment_method": {"metadata": {}, "customer": None},
    "setup_intent": {"last_setup_error": None, "next_action": None},
    "payment_intent": {
        "canceled_at": None,
        "last_payment_error": None,
        "next_action": None,
        "processing": None,
        "transfer_data": None,
        "automatic_payment_methods": None,
        "payment_method_configuration_details": None,
    },
    "charge": {
        "source": None,
        "transfer_data": None,
        "balance_transaction": None,
        "billing_details": {
            "address": None,
            "email": None,
            "name": None,
            "phone": None,
            "tax_id": None,
        },
        "description": None,
    },
    "subscription": {
        "cancel_at": None,
        "canceled_at": None,
        "ended_at": None,
        "pause_collection": None,
        "pending_update": None,
        "pending_invoice_item_interval": None,
        "next_pending_invoice_item_invoice": None,
        "trial_start": None,
        "trial_end": None,
        "cancel_at_period_end": False,
        "transfer_data": None,
        "billing_thresholds": None,
        "billing_schedules": [],
        "billing_cycle_anchor_config": None,
        "managed_payments": None,
    },
    "subscription_item": {"billing_thresholds": None, "plan": None},
    "price": {"transform_quantity": None},
    "product": {"package_dimensions": None, "description": None, "default_price": None},
    "invoice": {
        "last_finalization_error": None,
        "from_invoice": None,
        "shipping_cost": None,
        "amount_overpaid": 0,
        "next_payment_attempt": None,
        "webhooks_delivered_at": None,
        "due_date": None,
        "parent": None,
    },
    "checkout.session": {
        "after_expiration": None,
        "custom_text": None,
        "shipping_address_collection": None,
        "shipping_cost": None,
        "total_details": None,
        "currency_conversion": None,
        "collected_information": None,
        "customer_details": None,
        "payment_intent": None,
        "invoice_creation": None,
    },
    "billing_portal.session": {"flow": None},
}

#: Fields Stripe leaves out unless a request expands them.
INCLUDABLE: dict[str, tuple[str, ...]] = {"invoice": ("payments",), "charge": ("refunds",)}

ID_PREFIXES = {
    "customer": "cus",
    "payment_method": "pm",
    "setup_intent": "seti",
    "payment_intent": "pi",
    "charge": "ch",
    "refund": "re",
    "price": "price",
    "product": "prod",
    "subscription": "sub",
    "subscription_item": "si",
    "invoice": "in",
    "invoice_payment": "inpay",
    "checkout.session": "cs_test",
    "billing_portal.session": "bps",
    "event": "evt",
}


class NotFound(Exception):
    def __init__(self, object_type: str, object_id: str) -> None:
        super().__init__(f"No such {object_type.replace('_', ' ')}: '{object_id}'")
        self.object_id = object_id


def now() -> int:
    """The double's clock: Python's, so time-machine moves it."""
    return int(time.time())


class Store:
    def __init__(self) -> None:
        self.objects: dict[str, StripeObject] = {}
        self.templates: dict[str, StripeObject] = json.loads(FIXTURES.read_text())["resources"]
        #: Computes an includable field: (object, field) -> value.
        self.includers: dict[tuple[str, str], Callable[[StripeObject], Any]] = {}

    def new_id(self, object_type: str) -> str:
        return f"{ID_PREFIXES[object_type]}_{secrets.token_hex(8)}"

    def build(self, object_type: str, **fields: Any) -> StripeObject:
        """A new object from Stripe's example of its type, saved under a fresh id."""
        obj = copy.deepcopy(self.templates[object_type])
        obj.update(copy.deepcopy(_RESETS.get(object_type, {})))
        for field in INCLUDABLE.get(object_type, ()):
            obj.pop(field, None)
        obj.update(id=self.new_id(object_type), created=now(), livemode=False)
        obj.update(fields)
        self.objects[obj["id"]] = obj
        return obj

    def get(self, object_type: str, object_id: Any) -> StripeObject:
        obj = self.objects.get(str(object_id))
        if obj is None or obj.get("object") != object_type:
            raise NotFound(object_type, str(object_id))
        return obj

    def all(self, object_type: str) -> list[StripeObject]:
        return [obj for obj in self.objects.values() if obj.get("object") == object_type]

    # Rendering

    def render(self, obj: StripeObject, expand: Iterable[str] = ()) -> StripeObject:
        """The object as the API returns it: private keys dropped, ``expand`` paths expanded."""
        rendered: StripeObject = _public(obj)
        for path in expand:
            rendered = self._expand(rendered, path.split("."))
        return rendered

    def render_list(
        self, objects: list[StripeObject], url: str, params: dict[str, Any]
    ) -> StripeObject:
        """A page of a list, honouring ``limit``, ``starting_after`` and ``data.…`` expansions."""
        if params.get("starting_after"):
            ids = [obj["id"] for obj in objects]
            after = (
                ids.index(params["starting_after"]) + 1 if params["starting_after"] in ids else 0
            )
            objects = objects[after:]
        limit = params.get("limit", 10)
        page = objects[:limit]
        listed = {
            "object": "list",
            "url": url,
            "has_more": len(objects) > limit,
            "data": [_public(obj) for obj in page],
        }
        for path in params.get("expand", []):
            listed = self._expand(listed, path.split("."))
        return listed

    def _expand(self, value: Any, segments: list[str]) -> Any:
        if not segments or not isinstance(value, dict):
            return value
        head, rest = segments[0], segments[1:]
        if value.get("object") == "list" and head == "data":
            return {**value, "data": [self._expand(item, rest) for item in value["data"]]}
        includer = self.includers.get((value.get("object", ""), head))
        if head not in value and includer is not None:
            value = {**value, head: includer(value)}
        child = value.get(head)
        if isinstance(child, str) and child in self.objects:
            child = _public(self.objects[child])
        if child is None:
            return value
        return {**value, head: self._expand(child, rest)}


def _public(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _public(v) for k, v in value.items() if not k.startswith("_")}
    if isinstance(value, list):
        return [_public(item) for item in value]
    return value
