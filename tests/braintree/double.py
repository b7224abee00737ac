"""An in-process Braintree gateway that the real SDK talks to over HTTP.

:class:`BraintreeDouble` is a small HTTP server on 127.0.0.1, in a thread of the test
process. The SDK reaches it through a ``braintree.Environment`` naming its port (plain
HTTP: the SDK speaks HTTPS only to port 443), so every request goes through the SDK's
real transport: its XML, its Basic authentication, its status-code handling. The
double answers the endpoints django-pay uses with the XML shapes of Braintree's API
reference, and keeps Braintree's rules as documented:

- payment methods are vaulted from the sandbox's test nonces (``fake-valid-nonce``,
  ``fake-valid-mastercard-nonce``, ``fake-paypal-billing-agreement-nonce``,
  ``fake-processor-declined-visa-nonce``, ``fake-consumed-nonce``);
- sales of 2000.00 to 3000.99 are declined by the processor, as in the sandbox;
- subscriptions bill on their billing dates, apply add-ons and limited-cycle discounts,
  expire after their last billing cycle, cannot be edited once cancelled, and prorate
  plan and add-on changes (a charge now, or a credit to the balance);
- sales settle only when told (:meth:`BraintreeDouble.settle`, the sandbox's testing
  gateway), and only settled sales can be refunded; unsettled ones can be voided.

Time passes lazily: whenever a request touches a subscription, the billing that fell
due by the (time-machine) clock happens first. Every billing, status change and
settlement records the webhook notification Braintree would send;
:meth:`BraintreeDouble.notification` gives its XML, ready to sign.
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
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any
from xml.sax.saxutils import escape

import braintree
from braintree import ErrorCodes as Codes
from braintree.util.xml_util import XmlUtil

MERCHANT_ID = "pay_double_merchant"
PUBLIC_KEY = "pay_double_public_key"
PRIVATE_KEY = "pay_double_private_key"
SEAT_ADD_ON = "seat"
PLAN_CREDIT = "plan-credit"

Json = dict[str, Any]

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

#: What Braintree lets one change on a past due subscription: nothing that changes the price.
PAST_DUE_UPDATABLE = {"id", "payment_method_token", "merchant_account_id", "descriptor"}

#: Sales of these amounts are declined by the sandbox's processor.
DECLINED_AMOUNTS = (Decimal("2000.00"), Decimal("3000.99"))

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
    double: BraintreeDouble


Route = tuple[str, re.Pattern[str], Callable[..., tuple[str, Any]]]


class BraintreeDouble:
    """Braintree's gateway, in process: see the module docstring."""

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
        self._routes: list[Route] = [
            ("POST", re.compile(r"/customers"), self._create_customer),
            ("GET", re.compile(r"/customers/([^/?]+)"), self._find_customer),
            ("PUT", re.compile(r"/customers/([^/]+)"), self._update_customer),
            ("DELETE", re.compile(r"/customers/([^/]+)"), self._delete_customer),
            ("POST", re.compile(r"/payment_methods"), self._create_payment_method),
            ("GET", re.compile(r"/payment_methods/any/([^/]+)"), self._find_payment_method),
            ("POST", re.compile(r"/client_token"), self._client_token),
            ("GET", re.compile(r"/plans/?"), self._list_plans),
            ("POST", re.compile(r"/subscriptions"), self._create_subscription),
            ("GET", re.compile(r"/subscriptions/([^/]+)"), self._find_subscription),
            ("PUT", re.compile(r"/subscriptions/([^/]+)/cancel"), self._cancel_subscription),
            ("PUT", re.compile(r"/subscriptions/([^/]+)"), self._update_subscription),
            ("POST", re.compile(r"/transactions"), self._sale),
            ("GET", re.compile(r"/transactions/([^/]+)"), self._find_transaction),
            ("POST", re.compile(r"/transactions/([^/]+)/refund"), self._refund),
            ("PUT", re.compile(r"/transactions/([^/]+)/void"), self._void),
            ("PUT", re.compile(r"/transactions/([^/]+)/settle"), self._settle),
        ]

    # Running

    def start(self) -> BraintreeDouble:
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

    # The Control Panel: what a merchant sets up by hand

    def add_plan(
        self,
        plan_id: str,
        price: str,
        billing_frequency: int = 1,
        trial_days: int | None = None,
    ) -> None:
        self.plans[plan_id] = {
            "id": plan_id,
            "name": plan_id,
            "price": money(price),
            "billing_frequency": billing_frequency,
            "currency_iso_code": self.currency,
            "trial_period": trial_days is not None,
            "trial_duration": trial_days,
            "trial_duration_unit": "day" if trial_days else None,
            "number_of_billing_cycles": None,
            "add_ons": [],
            "discounts": [],
            "created_at": now(),
            "updated_at": now(),
        }

    def settle(self, transaction_id: str) -> None:
        """Settle a sale, as Braintree's nightly batch (or the sandbox's testing API) does."""
        self._settle(transaction_id, body={})

    # Customers and payment methods

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

    def _list_plans(self, body: Json) -> tuple[str, Any]:
        return "plans", list(self.plans.values())

    # Subscriptions

    def _create_subscription(self, body: Json) -> tuple[str, Any]:
        params = body.get("subscription", {})
        plan = self.plans.get(params.get("plan_id", ""))
        if plan is None:
            raise GatewayError(
                "subscription", "plan_id", Codes.Subscription.PlanIdIsInvalid, "Plan ID is invalid."
            )
        if params.get("payment_method_token") not in self.payment_methods:
            raise GatewayError(
                "subscription",
                "payment_method_token",
                Codes.Subscription.PaymentMethodTokenIsInvalid,
                "Payment method token is invalid.",
            )
        trial = params.get("trial_period")
        trial = plan["trial_period"] if trial in (None, "") else trial
        subscription: Json = {
            "id": str(params.get("id") or new_id()),
            "plan_id": plan["id"],
            "billing_frequency": plan["billing_frequency"],
            "price": money(params["price"]) if params.get("price") else plan["price"],
            "balance": money(0),
            "payment_method_token": params["payment_method_token"],
            "merchant_account_id": "pay_double_usd",
            "status": "Active",
            "current_billing_cycle": 0,
            "number_of_billing_cycles": _optional_int(params.get("number_of_billing_cycles")),
            "never_expires": not params.get("number_of_billing_cycles"),
            "trial_period": bool(trial),
            "trial_duration": int(params.get("trial_duration") or plan["trial_duration"] or 0)
            if trial
            else None,
            "trial_duration_unit": (params.get("trial_duration_unit") or "day") if trial else None,
            "add_ons": [],
            "discounts": [],
            "transactions": [],
            "status_history": [],
            "billing_period_start_date": None,
            "billing_period_end_date": None,
            "paid_through_date": None,
            "days_past_due": None,
            "failure_count": 0,
            "created_at": now(),
            "updated_at": now(),
        }
        self._modify(subscription, params)
        starts = today()
        if subscription["trial_period"]:
            unit = subscription["trial_duration_unit"]
            length = subscription["trial_duration"]
            starts = add_months(starts, length) if unit == "month" else starts + timedelta(length)
        subscription["first_billing_date"] = starts
        subscription["next_billing_date"] = starts
        self._record_status(subscription)
        if not subscription["trial_period"]:
            sale = self._bill(subscription)
            if sale["status"] != "submitted_for_settlement":
                raise self._declined(sale)
        self.subscriptions[subscription["id"]] = subscription
        return "subscription", self._render_subscription(subscription)

    def _find_subscription(self, subscription_id: str, body: Json) -> tuple[str, Any]:
        return "subscription", self._render_subscription(self._subscription(subscription_id))

    def _update_subscription(self, subscription_id: str, body: Json) -> tuple[str, Any]:
        subscription = self._subscription(subscription_id)
        if subscription["status"] in ("Canceled", "Expired"):
            raise GatewayError(
                "subscription",
                "base",
                Codes.Subscription.CannotEditCanceledSubscription,
                f"Cannot edit a {subscription['status'].lower()} subscription.",
            )
        params = body.get("subscription", {})
        if subscription["status"] == "Past Due" and set(params) - PAST_DUE_UPDATABLE:
            raise GatewayError(
                "subscription",
                "base",
                Codes.Subscription.CannotEditPriceChangingFieldsOnPastDueSubscription,
                "Cannot edit price changing fields on past due subscription.",
            )
        before = self._cycle_amount(subscription)
        if params.get("plan_id"):
            plan = self.plans.get(params["plan_id"])
            if plan is None:
                raise GatewayError(
                    "subscription",
                    "plan_id",
                    Codes.Subscription.PlanIdIsInvalid,
                    "Plan ID is invalid.",
                )
            if plan["billing_frequency"] != subscription["billing_frequency"]:
                raise GatewayError(
                    "subscription",
                    "plan_id",
                    Codes.Subscription.PlanBillingFrequencyCannotBeUpdated,
                    "Cannot update subscription to a plan with a different billing frequency.",
                )
            subscription["plan_id"] = plan["id"]
        if params.get("price"):
            subscription["price"] = money(params["price"])
        if "number_of_billing_cycles" in params:
            cycles = _optional_int(params["number_of_billing_cycles"])
            if cycles is not None and cycles < subscription["current_billing_cycle"]:
                raise GatewayError(
                    "subscription",
                    "number_of_billing_cycles",
                    Codes.Subscription.NumberOfBillingCyclesIsTooSmall,
                    "Number Of Billing Cycles cannot be less than the current billing cycle.",
                )
            subscription["number_of_billing_cycles"] = cycles
            subscription["never_expires"] = cycles is None
        if params.get("never_expires") is True:
            subscription["number_of_billing_cycles"], subscription["never_expires"] = None, True
        self._modify(subscription, params)
        options = params.get("options", {})
        if options.get("prorate_charges") and subscription["paid_through_date"]:
            self._prorate(subscription, self._cycle_amount(subscription) - before)
        subscription["updated_at"] = now()
        return "subscription", self._render_subscription(subscription)

    def _cancel_subscription(self, subscription_id: str, body: Json) -> tuple[str, Any]:
        subscription = self._subscription(subscription_id)
        if subscription["status"] == "Canceled":
            raise GatewayError(
                "subscription",
                "status",
                Codes.Subscription.StatusIsCanceled,
                "Subscription has already been canceled.",
            )
        self._set_status(subscription, "Canceled")
        return "subscription", self._render_subscription(subscription)

    def _modify(self, subscription: Json, params: Json) -> None:
        """Apply ``add_ons`` and ``discounts``: add (from the Control Panel's), update, remove."""
        for kind, known in (("add_ons", self.add_ons), ("discounts", self.discounts)):
            changes = params.get(kind) or {}
            current = {item["id"]: item for item in subscription[kind]}
            for added in changes.get("add") or []:
                source = added.get("inherited_from_id", "")
                if source not in known:
                    raise GatewayError(
                        kind,
                        "inherited_from_id",
                        Codes.Subscription.Modification.InheritedFromIdIsInvalid,
                        "Inherited From ID is invalid.",
                    )
                if source in current:
                    raise GatewayError(
                        kind,
                        "existing_id",
                        Codes.Subscription.CannotAddDuplicateAddonOrDiscount,
                        "Cannot add duplicate add-on or discount.",
                    )
                current[source] = {
                    "id": source,
                    "amount": money(added.get("amount") or known[source]),
                    "quantity": int(added.get("quantity") or 1),
                    "number_of_billing_cycles": _optional_int(
                        added.get("number_of_billing_cycles")
                    ),
                    "current_billing_cycle": 0,
                    "never_expires": not added.get("number_of_billing_cycles"),
                }
            for updated in changes.get("update") or []:
                item = current.get(updated.get("existing_id", ""))
                if item is None:
                    raise GatewayError(
                        kind,
                        "existing_id",
                        Codes.Subscription.Modification.ExistingIdIsInvalid,
                        "Existing ID is invalid.",
                    )
                if updated.get("amount"):
                    item["amount"] = money(updated["amount"])
                if updated.get("quantity"):
                    item["quantity"] = int(updated["quantity"])
            for removed in changes.get("remove") or []:
                current.pop(removed, None)
            subscription[kind] = list(current.values())

    # Time passing

    def _catch_up(self, subscription: Json) -> None:
        """Bill every cycle that fell due; expire after the last one."""
        while (
            subscription["status"] in ("Active", "Pending")
            and subscription["next_billing_date"] <= today()
        ):
            cycles = subscription["number_of_billing_cycles"]
            if cycles is not None and subscription["current_billing_cycle"] >= cycles:
                self._set_status(subscription, "Expired")
                return
            if self._bill(subscription)["status"] != "submitted_for_settlement":
                self._set_status(subscription, "Past Due")
                return

    def _bill(self, subscription: Json) -> Json:
        """Charge the cycle starting at the next billing date; on success, the cycle begins."""
        amount = max(money(0), self._cycle_amount(subscription) + subscription["balance"])
        sale = self._new_sale(
            amount, subscription["payment_method_token"], subscription_id=subscription["id"]
        )
        subscription["transactions"].insert(0, sale)
        if sale["status"] != "submitted_for_settlement":
            subscription["failure_count"] += 1
            self._notify("subscription_charged_unsuccessfully", subscription)
            return sale
        start = subscription["next_billing_date"]
        following = add_months(start, subscription["billing_frequency"])
        subscription.update(
            balance=money(0),
            current_billing_cycle=subscription["current_billing_cycle"] + 1,
            billing_period_start_date=start,
            billing_period_end_date=following - timedelta(days=1),
            paid_through_date=following - timedelta(days=1),
            next_billing_date=following,
            updated_at=now(),
        )
        self._notify("subscription_charged_successfully", subscription)
        for discount in subscription["discounts"]:
            discount["current_billing_cycle"] += 1
        subscription["discounts"] = [
            d
            for d in subscription["discounts"]
            if d["number_of_billing_cycles"] is None
            or d["current_billing_cycle"] < d["number_of_billing_cycles"]
        ]
        return sale

    def _cycle_amount(self, subscription: Json) -> Decimal:
        add_ons = sum((a["amount"] * a["quantity"] for a in subscription["add_ons"]), money(0))
        discounts = sum((d["amount"] * d["quantity"] for d in subscription["discounts"]), money(0))
        return money(subscription["price"] + add_ons - discounts)

    def _prorate(self, subscription: Json, change: Decimal) -> None:
        """A price rise is charged now for the days left; a fall is credited to the balance."""
        start, end = subscription["billing_period_start_date"], subscription["paid_through_date"]
        days_left = (end - today()).days + 1
        share = money(change * days_left / ((end - start).days + 1))
        if share > 0:
            self._new_sale(
                share, subscription["payment_method_token"], subscription_id=subscription["id"]
            )
        else:
            subscription["balance"] += share

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

    # Transactions

    def _sale(self, body: Json) -> tuple[str, Any]:
        params = body.get("transaction", {})
        token = params.get("payment_method_token", "")
        method = self.payment_methods.get(token)
        if method is None or method["customer_id"] != params.get("customer_id", ""):
            raise GatewayError(
                "transaction",
                "payment_method_token",
                Codes.Transaction.PaymentMethodTokenIsInvalid,
                "Payment method token is invalid.",
            )
        sale = self._new_sale(money(params.get("amount") or 0), token)
        if sale["status"] != "submitted_for_settlement":
            raise self._declined(sale)
        return "transaction", self._render_transaction(sale)

    def _declined(self, sale: Json) -> GatewayError:
        """A declined sale: no validation errors, just the transaction that failed."""
        text = sale["processor_response_text"]
        return GatewayError("", "", "", text, transaction=self._render_transaction(sale))

    def _new_sale(self, amount: Decimal, token: str, subscription_id: str | None = None) -> Json:
        method = self._method(token)
        declined = DECLINED_AMOUNTS[0] <= amount <= DECLINED_AMOUNTS[1]
        sale = {
            "id": new_id(),
            "type": "sale",
            "amount": amount,
            "currency_iso_code": self.currency,
            "merchant_account_id": "pay_double_usd",
            "status": "processor_declined" if declined else "submitted_for_settlement",
            "processor_response_code": "2000" if declined else "1000",
            "processor_response_text": "Do Not Honor" if declined else "Approved",
            "subscription_id": subscription_id,
            "customer_id": method["customer_id"],
            "payment_method_token": token,
            "refund_ids": [],
            "refunded_transaction_id": None,
            "created_at": now(),
            "updated_at": now(),
        }
        self.transactions[sale["id"]] = sale
        return sale

    def _find_transaction(self, transaction_id: str, body: Json) -> tuple[str, Any]:
        return "transaction", self._render_transaction(self._transaction(transaction_id))

    def _refund(self, transaction_id: str, body: Json) -> tuple[str, Any]:
        sale = self._transaction(transaction_id)
        if sale["status"] not in ("settled", "settling"):
            raise GatewayError(
                "transaction",
                "base",
                Codes.Transaction.CannotRefundUnlessSettled,
                "Cannot refund a transaction unless it is settled.",
            )
        refunded = sum((self.transactions[r]["amount"] for r in sale["refund_ids"]), start=money(0))
        params = body.get("transaction", {})
        amount = money(params.get("amount") or sale["amount"] - refunded)
        if amount + refunded > sale["amount"]:
            raise GatewayError(
                "transaction",
                "amount",
                Codes.Transaction.RefundAmountIsTooLarge,
                "Refund amount is too large.",
            )
        refund = {
            **self._new_sale(amount, sale["payment_method_token"]),
            "type": "credit",
            "refunded_transaction_id": sale["id"],
        }
        self.transactions[refund["id"]] = refund
        sale["refund_ids"].append(refund["id"])
        return "transaction", self._render_transaction(refund)

    def _void(self, transaction_id: str, body: Json) -> tuple[str, Any]:
        sale = self._transaction(transaction_id)
        if sale["status"] not in ("authorized", "submitted_for_settlement", "settlement_pending"):
            raise GatewayError(
                "transaction",
                "base",
                Codes.Transaction.CannotBeVoided,
                "Transaction can only be voided if status is authorized, "
                "submitted_for_settlement, or - for PayPal - settlement_pending.",
            )
        sale.update(status="voided", updated_at=now())
        return "transaction", self._render_transaction(sale)

    def _settle(self, transaction_id: str, body: Json) -> tuple[str, Any]:
        sale = self._transaction(transaction_id)
        if sale["status"] == "submitted_for_settlement":
            sale.update(status="settled", updated_at=now())
            subject = {"transaction": self._render_transaction(sale)}
            self.notifications.append(("transaction_settled", now(), copy.deepcopy(subject)))
        return "transaction", self._render_transaction(sale)

    # Webhooks

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


_STATUS_NOTIFICATIONS = {
    "Active": "subscription_went_active",
    "Canceled": "subscription_canceled",
    "Expired": "subscription_expired",
    "Past Due": "subscription_went_past_due",
}


def _optional_int(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


def enable_braintree(settings: Any) -> BraintreeDouble:
    """Enable the Braintree processor in ``settings`` (pytest-django's) against a started
    double with two monthly plans and a yearly one; stop it when done."""
    double = BraintreeDouble().start()
    if "braintree" not in settings.PAY_PROCESSORS:
        settings.PAY_PROCESSORS = [*settings.PAY_PROCESSORS, "braintree"]
    settings.BRAINTREE_ENVIRONMENT = double.environment
    settings.BRAINTREE_MERCHANT_ID = MERCHANT_ID
    settings.BRAINTREE_PUBLIC_KEY = PUBLIC_KEY
    settings.BRAINTREE_PRIVATE_KEY = PRIVATE_KEY
    double.add_plan("basic-monthly", "10.00")
    double.add_plan("pro-monthly", "25.00")
    double.add_plan("pro-yearly", "250.00", billing_frequency=12)
    return double
