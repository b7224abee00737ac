"""Prices, subscriptions, invoices, and what happens to them as the clock moves.

Time is Python's clock (so ``time_machine`` moves it): before every request, and
on :meth:`BillingAPI.advance`, each subscription catches up with the present in
order: trial-end notices, renewals with their invoices and payments, cancellations
at period end, pauses resuming, incomplete subscriptions expiring.
"""

from __future__ import annotations

import calendar
import copy
from datetime import UTC, datetime
from typing import Any

from .api import changed, endpoint, invalid, merge_metadata, missing
from .payments import PaymentsAPI, card_error
from .store import NotFound, StripeObject, now

DAY = 86400
INCOMPLETE_EXPIRES_AFTER = 23 * 3600
TRIAL_WILL_END_NOTICE = 3 * DAY
UPCOMING_NOTICE = 7 * DAY
FINAL_STATUSES = ("canceled", "incomplete_expired")


def add_interval(start: int, interval: str, count: int = 1) -> int:
    moment = datetime.fromtimestamp(start, tz=UTC)
    if interval == "day":
        return start + count * DAY
    if interval == "week":
        return start + count * 7 * DAY
    months = count * (12 if interval == "year" else 1)
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return int(moment.replace(year=year, month=month, day=day).timestamp())


def _tier(tier: dict[str, Any]) -> dict[str, Any]:
    up_to = tier.get("up_to")
    return {
        "up_to": None if up_to in (None, "inf") else up_to,
        "unit_amount": tier.get("unit_amount"),
        "unit_amount_decimal": None
        if tier.get("unit_amount") is None
        else str(tier["unit_amount"]),
        "flat_amount": tier.get("flat_amount"),
        "flat_amount_decimal": None
        if tier.get("flat_amount") is None
        else str(tier["flat_amount"]),
    }


class BillingAPI(PaymentsAPI):
    def __init__(self) -> None:
        super().__init__()
        self.store.includers[("invoice", "payments")] = self._invoice_payments
        self.store.includers[("price", "tiers")] = self._price_tiers

    # Catalogue

    def add_product(
        self, product_id: str, name: str, description: str | None = None
    ) -> StripeObject:
        """Seed a product with a chosen id, as if made in the Dashboard."""
        product = self.store.build("product", name=name, description=description, metadata={})
        del self.store.objects[product["id"]]
        product["id"] = product_id
        self.store.objects[product_id] = product
        return product

    def add_price(
        self,
        price_id: str,
        unit_amount: int | None,
        interval: str | None = "month",
        currency: str = "usd",
        usage_type: str = "licensed",
        interval_count: int = 1,
        product: str | None = None,
        tiers: list[dict[str, Any]] | None = None,
    ) -> StripeObject:
        """Seed a price with a chosen id, as if made in the Dashboard; ``tiers`` make it tiered
        (graduated), each ``{"up_to": int | "inf", "unit_amount": int, "flat_amount": int}``."""
        product_id = product or self.store.build("product", name=price_id, metadata={})["id"]
        price = self.store.build(
            "price",
            unit_amount=unit_amount,
            unit_amount_decimal=None if unit_amount is None else str(unit_amount),
            currency=currency,
            product=product_id,
            type="recurring" if interval else "one_time",
            billing_scheme="tiered" if tiers else "per_unit",
            tiers_mode="graduated" if tiers else None,
            _tiers=[_tier(tier) for tier in tiers or []],
            recurring={
                "interval": interval,
                "interval_count": interval_count,
                "usage_type": usage_type,
                "meter": None,
                "trial_period_days": None,
            }
            if interval
            else None,
        )
        del self.store.objects[price["id"]]
        price["id"] = price_id
        self.store.objects[price_id] = price
        return price

    def _price_tiers(self, price: StripeObject) -> list[StripeObject] | None:
        stored = self.store.get("price", price["id"])
        return stored["_tiers"] if stored["billing_scheme"] == "tiered" else None

    @endpoint("get", "/v1/products")
    def list_products(self, params: dict[str, Any]) -> StripeObject:
        found = [
            p for p in self.store.all("product") if params.get("active") in (None, p["active"])
        ]
        return self.store.render_list(found[::-1], "/v1/products", params)

    @endpoint("get", "/v1/prices")
    def list_prices(self, params: dict[str, Any]) -> StripeObject:
        found = [
            p
            for p in self.store.all("price")
            if params.get("active") in (None, p["active"])
            and params.get("product") in (None, p["product"])
            and params.get("type") in (None, p["type"])
        ]
        return self.store.render_list(found[::-1], "/v1/prices", params)

    @endpoint("get", "/v1/prices/{price}")
    def retrieve_price(self, params: dict[str, Any], price: str) -> StripeObject:
        return self.store.render(self.price(price), params.get("expand", []))

    def price(self, price_id: str, param: str = "price") -> StripeObject:
        try:
            return self.store.get("price", price_id)
        except NotFound:
            raise missing(f"No such price: '{price_id}'", param) from None

    # Subscriptions

    @endpoint("post", "/v1/subscriptions")
    def create_subscription(self, params: dict[str, Any]) -> StripeObject:
        customer = self.customer(params.get("customer", ""))
        behaviour = params.get("payment_behavior", "allow_incomplete")
        if behaviour == "pending_if_incomplete":
            raise invalid("payment_behavior=pending_if_incomplete is only for updates.")
        subscription = self.new_subscription(customer, params)
        self.emit("customer.subscription.created", subscription)
        if subscription["status"] == "trialing":
            self._invoice(subscription, [], "subscription_create", attempt=False)
        else:
            invoice = self._invoice(
                subscription,
                self._item_lines(subscription),
                "subscription_create",
                attempt=behaviour != "default_incomplete",
                off_session=bool(params.get("off_session")),
            )
            if behaviour == "error_if_incomplete" and invoice["status"] != "paid":
                self._discard(subscription, invoice)
                raise card_error("Your card was declined.", "card_declined", "generic_decline")
        return self.store.render(subscription, params.get("expand", []))

    def new_subscription(self, customer: StripeObject, params: dict[str, Any]) -> StripeObject:
        items = params.get("items") or []
        if not items:
            raise invalid("Missing required param: items.", "items")
        for index, item in enumerate(items):
            self.price(item.get("price", ""), f"items[{index}][price]")
        start = now()
        trial_end = self._trial_end(params, start)
        subscription = self.store.build(
            "subscription",
            customer=customer["id"],
            status="trialing" if trial_end else "incomplete",
            metadata=merge_metadata({}, params.get("metadata", {})),
            default_payment_method=params.get("default_payment_method"),
            description=params.get("description"),
            cancel_at_period_end=params.get("cancel_at_period_end", False),
            cancel_at=params.get("cancel_at"),
            trial_start=start if trial_end else None,
            trial_end=trial_end,
            start_date=start,
            billing_cycle_anchor=start,
            latest_invoice=None,
            _pending_prorations=[],
            _notices=[],
        )
        if "trial_settings" in params:
            subscription["trial_settings"] = copy.deepcopy(params["trial_settings"])
        subscription["items"] = {
            "object": "list",
            "data": [],
            "has_more": False,
            "url": f"/v1/subscription_items?subscription={subscription['id']}",
        }
        for index, item in enumerate(items):
            self._add_item(subscription, item, f"items[{index}]")
        period_end = trial_end or self._period_end(subscription, start)
        self._set_period(subscription, start, period_end)
        subscription["currency"] = subscription["items"]["data"][0]["price"]["currency"]
        return subscription

    def _trial_end(self, params: dict[str, Any], start: int) -> int | None:
        if params.get("trial_end") not in (None, "now"):
            return int(params["trial_end"])
        if params.get("trial_period_days"):
            return start + int(params["trial_period_days"]) * DAY
        return None

    def _add_item(self, subscription: StripeObject, item: dict[str, Any], param: str) -> None:
        price = self.price(item.get("price", ""), f"{param}[price]")
        subscription["items"]["data"].append(
            self.store.build(
                "subscription_item",
                subscription=subscription["id"],
                price=copy.deepcopy(price),
                quantity=item.get("quantity", 1),
                metadata=item.get("metadata", {}),
            )
        )

    def _period_end(self, subscription: StripeObject, start: int) -> int:
        recurring = subscription["items"]["data"][0]["price"]["recurring"]
        return add_interval(start, recurring["interval"], recurring["interval_count"])

    def _set_period(self, subscription: StripeObject, start: int, end: int) -> None:
        for item in subscription["items"]["data"]:
            item.update(current_period_start=start, current_period_end=end)

    @staticmethod
    def period(subscription: StripeObject) -> tuple[int, int]:
        first = subscription["items"]["data"][0]
        return first["current_period_start"], first["current_period_end"]

    def subscription(self, subscription_id: str) -> StripeObject:
        try:
            return self.store.get("subscription", subscription_id)
        except NotFound:
            raise missing(f"No such subscription: '{subscription_id}'", "id") from None

    @endpoint("get", "/v1/subscriptions/{subscription_exposed_id}")
    def retrieve_subscription(
        self, params: dict[str, Any], subscription_exposed_id: str
    ) -> StripeObject:
        found = self.subscription(subscription_exposed_id)
        return self.store.render(found, params.get("expand", []))

    @endpoint("get", "/v1/subscriptions")
    def list_subscriptions(self, params: dict[str, Any]) -> StripeObject:
        status = params.get("status")
        found = [
            s
            for s in self.store.all("subscription")
            if params.get("customer") in (None, s["customer"])
            and params.get("price") in (None, *[i["price"]["id"] for i in s["items"]["data"]])
            and (
                s["status"] == status
                or status == "all"
                or (status is None and s["status"] not in FINAL_STATUSES)
            )
        ]
        return self.store.render_list(found[::-1], "/v1/subscriptions", params)

    @endpoint("post", "/v1/subscriptions/{subscription_exposed_id}")
    def update_subscription(
        self, params: dict[str, Any], subscription_exposed_id: str
    ) -> StripeObject:
        subscription = self.subscription(subscription_exposed_id)
        if subscription["status"] in FINAL_STATUSES:
            raise invalid(
                "A canceled subscription can only update its cancellation_details and metadata."
            )
        behaviour = params.get("payment_behavior", "allow_incomplete")
        if behaviour not in ("allow_incomplete", "default_incomplete", "error_if_incomplete"):
            raise invalid(f"The Stripe double does not implement payment_behavior={behaviour}.")
        for index, item in enumerate(params.get("items", [])):
            if "price" in item:
                self.price(item["price"], f"items[{index}][price]")
        before = self.store.render(subscription)
        previous = self._update_simple_fields(subscription, params)
        if "items" in params or params.get("trial_end") == "now":
            self._change_items(subscription, params, behaviour)
        previous |= {
            key: before[key]
            for key in ("items", "status", "latest_invoice")
            if before[key] != self.store.render(subscription)[key]
        }
        if previous:
            self.emit("customer.subscription.updated", subscription, previous)
        return self.store.render(subscription, params.get("expand", []))

    def _update_simple_fields(
        self, subscription: StripeObject, params: dict[str, Any]
    ) -> dict[str, Any]:
        fields: dict[str, Any] = {
            key: params[key]
            for key in ("cancel_at_period_end", "default_payment_method", "description")
            if key in params
        }
        if "cancel_at" in params:
            fields["cancel_at"] = params["cancel_at"] or None
        if "metadata" in params:
            fields["metadata"] = merge_metadata(subscription["metadata"], params["metadata"])
        if "pause_collection" in params:
            pause = params["pause_collection"]
            fields["pause_collection"] = (
                {"behavior": pause["behavior"], "resumes_at": pause.get("resumes_at")}
                if pause
                else None
            )
        if "trial_end" in params and params["trial_end"] != "now":
            if subscription["status"] != "trialing":
                raise invalid("Only a trialing subscription can move its trial end.", "trial_end")
            fields["trial_end"] = params["trial_end"]
            self._set_period(subscription, self.period(subscription)[0], params["trial_end"])
        if fields.get("cancel_at_period_end"):
            fields["canceled_at"] = now()
        elif fields.get("cancel_at_period_end") is False:
            fields["canceled_at"] = None
        return changed(subscription, **fields)

    def _change_items(
        self, subscription: StripeObject, params: dict[str, Any], behaviour: str
    ) -> None:
        """Apply item changes and bill them the way the proration behaviour asks."""
        old_amount = self._amount(subscription)
        old_interval = self._interval(subscription)
        for index, change in enumerate(params.get("items", [])):
            self._change_item(subscription, change, f"items[{index}]")
        proration = params.get("proration_behavior", "create_prorations")
        start, end = self.period(subscription)
        current = now()
        ends_trial = params.get("trial_end") == "now" and subscription["status"] == "trialing"
        if ends_trial:
            changed(subscription, status="active", trial_end=current)
        elif subscription["status"] == "trialing":
            return
        if ends_trial or self._interval(subscription) != old_interval:
            unused = 0 if proration == "none" or ends_trial else old_amount
            unused = self._unused(unused, start, end, current)
            self._set_period(subscription, current, self._period_end(subscription, current))
            lines = self._item_lines(subscription)
            if unused:
                lines.append(self._line(subscription, -unused, "Unused time", proration=True))
            self._invoice(subscription, lines, "subscription_update", attempt=True)
        else:
            difference = self._amount(subscription) - old_amount
            if proration == "none" or difference == 0:
                return
            prorated = round(difference * (end - current) / (end - start))
            line = self._line(subscription, prorated, "Proration for the change", proration=True)
            if proration == "always_invoice" and prorated > 0:
                self._invoice(subscription, [line], "subscription_update", attempt=True)
            else:
                subscription["_pending_prorations"].append(line)
        if behaviour == "error_if_incomplete" and subscription["status"] != "active":
            raise card_error("Your card was declined.", "card_declined", "generic_decline")

    def _change_item(self, subscription: StripeObject, change: dict[str, Any], param: str) -> None:
        items = subscription["items"]["data"]
        if "id" not in change:
            self._add_item(subscription, change, param)
            start, end = self.period(subscription)
            items[-1].update(current_period_start=start, current_period_end=end)
            return
        item = next((i for i in items if i["id"] == change["id"]), None)
        if item is None:
            raise invalid(f"No such subscription item: '{change['id']}'", f"{param}[id]")
        if change.get("deleted"):
            items.remove(item)
            return
        if "price" in change:
            item["price"] = copy.deepcopy(self.price(change["price"], f"{param}[price]"))
        if "quantity" in change:
            item["quantity"] = change["quantity"]

    def _amount(self, subscription: StripeObject) -> int:
        return sum(i["price"]["unit_amount"] * i["quantity"] for i in subscription["items"]["data"])

    def _interval(self, subscription: StripeObject) -> tuple[str, int]:
        recurring = subscription["items"]["data"][0]["price"]["recurring"]
        return recurring["interval"], recurring["interval_count"]

    @staticmethod
    def _unused(amount: int, start: int, end: int, current: int) -> int:
        return round(amount * max(end - current, 0) / (end - start)) if end > start else 0

    @endpoint("delete", "/v1/subscriptions/{subscription_exposed_id}")
    def cancel_subscription(
        self, params: dict[str, Any], subscription_exposed_id: str
    ) -> StripeObject:
        subscription = self.subscription(subscription_exposed_id)
        if subscription["status"] in FINAL_STATUSES:
            raise invalid(f"The subscription {subscription['id']} has already been canceled.")
        self.end_subscription(subscription, now())
        return self.store.render(subscription, params.get("expand", []))

    def end_subscription(self, subscription: StripeObject, at: int) -> None:
        previous = changed(
            subscription,
            status="canceled",
            ended_at=at,
            canceled_at=subscription.get("canceled_at") or at,
        )
        for invoice in self._invoices_of(subscription):
            if invoice["status"] == "open":
                self._void(invoice, at)
        self.emit("customer.subscription.deleted", subscription, previous, at=at)

    @endpoint("post", "/v1/subscriptions/{subscription}/resume")
    def resume_subscription(self, params: dict[str, Any], subscription: str) -> StripeObject:
        found = self.subscription(subscription)
        if found["status"] != "paused":
            raise invalid("Only a paused subscription can be resumed.")
        current = now()
        previous = changed(found, status="active", pause_collection=None)
        if params.get("billing_cycle_anchor", "now") == "now":
            self._set_period(found, current, self._period_end(found, current))
        self.emit("customer.subscription.resumed", found, previous)
        self._invoice(found, self._item_lines(found), "subscription_cycle", attempt=True)
        return self.store.render(found, params.get("expand", []))

    def customer_deleted(self, customer: StripeObject) -> None:
        for subscription in self.store.all("subscription"):
            if subscription["customer"] == customer["id"] and subscription["status"] not in (
                FINAL_STATUSES
            ):
                self.end_subscription(subscription, now())

    # Invoices

    def _item_lines(self, subscription: StripeObject) -> list[StripeObject]:
        start, end = self.period(subscription)
        return [
            self._line(
                subscription,
                item["price"]["unit_amount"] * item["quantity"],
                f"{item['quantity']} x {item['price']['id']}",
                quantity=item["quantity"],
                price=item["price"]["id"],
                period=(start, end),
            )
            for item in subscription["items"]["data"]
        ]

    def _line(
        self,
        subscription: StripeObject,
        amount: int,
        description: str,
        quantity: int = 1,
        price: str | None = None,
        period: tuple[int, int] | None = None,
        proration: bool = False,
    ) -> StripeObject:
        start, end = period or self.period(subscription)
        return {
            "id": f"il_{self.store.new_id('invoice')[3:]}",
            "object": "line_item",
            "amount": amount,
            "currency": subscription["currency"],
            "description": description,
            "quantity": quantity,
            "period": {"start": start, "end": end},
            "pricing": {"type": "price_details", "price_details": {"price": price}},
            "parent": {
                "type": "subscription_item_details",
                "subscription_item_details": {
                    "subscription": subscription["id"],
                    "proration": proration,
                },
            },
        }

    def _invoice(
        self,
        subscription: StripeObject,
        lines: list[StripeObject],
        reason: str,
        attempt: bool,
        off_session: bool = False,
        at: int | None = None,
        authenticated: bool = False,
    ) -> StripeObject:
        """Create, finalise and (if ``attempt``) try to pay an invoice for the subscription."""
        created = now() if at is None else at
        total = sum(line["amount"] for line in lines)
        start, end = self.period(subscription)
        invoice = self.store.build(
            "invoice",
            created=created,
            customer=subscription["customer"],
            currency=subscription["currency"],
            billing_reason=reason,
            status="open",
            amount_due=max(total, 0),
            amount_paid=0,
            amount_remaining=max(total, 0),
            subtotal=total,
            subtotal_excluding_tax=total,
            total=total,
            total_excluding_tax=total,
            period_start=start,
            period_end=end,
            lines={
                "object": "list",
                "data": lines,
                "has_more": False,
                "url": "/v1/invoices/lines",
            },
            parent={
                "type": "subscription_details",
                "quote_details": None,
                "subscription_details": {
                    "subscription": subscription["id"],
                    "metadata": dict(subscription["metadata"]),
                },
            },
            status_transitions={
                "finalized_at": created,
                "paid_at": None,
                "voided_at": None,
                "marked_uncollectible_at": None,
            },
        )
        invoice["hosted_invoice_url"] = f"https://invoice.stripe.com/i/{invoice['id']}"
        invoice["invoice_pdf"] = f"https://pay.stripe.com/invoice/{invoice['id']}/pdf"
        subscription["latest_invoice"] = invoice["id"]
        self.emit("invoice.created", invoice, at=created)
        self.emit("invoice.finalized", invoice, at=created)
        if invoice["amount_due"] == 0:
            self._mark_paid(invoice, created)
        elif attempt:
            self._collect(invoice, subscription, off_session, authenticated)
        return invoice

    def _collect(
        self,
        invoice: StripeObject,
        subscription: StripeObject,
        off_session: bool,
        authenticated: bool,
    ) -> None:
        customer = self.store.get("customer", subscription["customer"])
        method_id = subscription.get("default_payment_method") or self.default_payment_method(
            customer
        )
        intent = self.new_payment_intent(
            amount=invoice["amount_due"],
            currency=invoice["currency"],
            customer=customer["id"],
            description=f"Invoice {invoice['id']}",
            _invoice=invoice["id"],
        )
        self.store.build(
            "invoice_payment",
            invoice=invoice["id"],
            amount_requested=invoice["amount_due"],
            amount_paid=None,
            currency=invoice["currency"],
            is_default=True,
            status="open",
            payment={"type": "payment_intent", "payment_intent": intent["id"]},
            status_transitions={"canceled_at": None, "paid_at": None},
        )
        invoice["attempted"] = method_id is not None
        if method_id:
            intent["payment_method"] = method_id
            invoice["attempt_count"] += 1
            self.confirm(intent, off_session=off_session, authenticated=authenticated)
        else:
            self.payment_failed(intent)

    def payment_succeeded(self, intent: StripeObject) -> None:
        invoice = self.store.objects.get(intent.get("_invoice", ""))
        if invoice is None or invoice["status"] == "paid":
            return
        for payment in self.store.all("invoice_payment"):
            if payment["payment"]["payment_intent"] == intent["id"]:
                payment.update(status="paid", amount_paid=intent["amount"])
                payment["status_transitions"]["paid_at"] = now()
        self._mark_paid(invoice, now())

    def _mark_paid(self, invoice: StripeObject, at: int) -> None:
        invoice.update(status="paid", amount_paid=invoice["amount_due"], amount_remaining=0)
        invoice["status_transitions"]["paid_at"] = at
        self.emit("invoice.paid", invoice, at=at)
        self.emit("invoice.payment_succeeded", invoice, at=at)
        subscription = self._subscription_of(invoice)
        if subscription is None or subscription["status"] not in (
            "incomplete",
            "past_due",
            "unpaid",
        ):
            return
        if not any(i["status"] == "open" for i in self._invoices_of(subscription)):
            previous = changed(subscription, status="active")
            self.emit("customer.subscription.updated", subscription, previous, at=at)

    def payment_failed(self, intent: StripeObject) -> None:
        invoice = self.store.objects.get(intent.get("_invoice", ""))
        if invoice is None:
            return
        needs_action = intent["status"] == "requires_action"
        self.emit(
            "invoice.payment_action_required" if needs_action else "invoice.payment_failed",
            invoice,
        )
        subscription = self._subscription_of(invoice)
        if subscription is not None and subscription["status"] in ("active", "trialing"):
            previous = changed(subscription, status="past_due")
            self.emit("customer.subscription.updated", subscription, previous)

    def _void(self, invoice: StripeObject, at: int) -> None:
        invoice["status"] = "void"
        invoice["status_transitions"]["voided_at"] = at
        self.emit("invoice.voided", invoice, at=at)

    def _subscription_of(self, invoice: StripeObject) -> StripeObject | None:
        details = (invoice.get("parent") or {}).get("subscription_details") or {}
        return self.store.objects.get(details.get("subscription") or "")

    def _invoices_of(self, subscription: StripeObject) -> list[StripeObject]:
        return [i for i in self.store.all("invoice") if self._subscription_of(i) is subscription]

    def _invoice_payments(self, invoice: StripeObject) -> StripeObject:
        payments = [p for p in self.store.all("invoice_payment") if p["invoice"] == invoice["id"]]
        return self.store.render_list(payments, f"/v1/invoice_payments?invoice={invoice['id']}", {})

    def _discard(self, subscription: StripeObject, invoice: StripeObject) -> None:
        for payment in self.store.all("invoice_payment"):
            if payment["invoice"] == invoice["id"]:
                del self.store.objects[payment["id"]]
        for obj in (subscription, invoice):
            del self.store.objects[obj["id"]]

    @endpoint("get", "/v1/invoices/{invoice}")
    def retrieve_invoice(self, params: dict[str, Any], invoice: str) -> StripeObject:
        return self.store.render(self._get("invoice", invoice), params.get("expand", []))

    @endpoint("get", "/v1/invoices")
    def list_invoices(self, params: dict[str, Any]) -> StripeObject:
        found = [
            i
            for i in self.store.all("invoice")
            if params.get("customer") in (None, i["customer"])
            and params.get("subscription") in (None, (self._subscription_of(i) or {}).get("id"))
        ]
        return self.store.render_list(found[::-1], "/v1/invoices", params)

    @endpoint("get", "/v1/invoice_payments")
    def list_invoice_payments(self, params: dict[str, Any]) -> StripeObject:
        wanted_intent = (params.get("payment") or {}).get("payment_intent")
        found = [
            p
            for p in self.store.all("invoice_payment")
            if params.get("invoice") in (None, p["invoice"])
            and wanted_intent in (None, p["payment"]["payment_intent"])
        ]
        return self.store.render_list(found, "/v1/invoice_payments", params)

    # The clock

    def advance(self) -> None:
        """Bring every subscription up to the present (renewals, trial ends, expiries)."""
        for subscription in self.store.all("subscription"):
            while subscription["status"] not in FINAL_STATUSES:
                due = self._next_due(subscription)
                if due is None or due[0] > now():
                    break
                at, action = due
                action(subscription, at)

    def _next_due(self, subscription: StripeObject) -> tuple[int, Any] | None:
        start, end = self.period(subscription)
        candidates: list[tuple[int, Any]] = []
        if subscription["status"] == "incomplete":
            candidates.append((subscription["created"] + INCOMPLETE_EXPIRES_AFTER, self._expire))
        if subscription["cancel_at"]:
            candidates.append((subscription["cancel_at"], self._cancel_at))
        pause = subscription["pause_collection"]
        if pause and pause.get("resumes_at"):
            candidates.append((pause["resumes_at"], self._unpause))
        notices = subscription["_notices"]
        if subscription["status"] == "trialing" and ("trial", end) not in notices:
            candidates.append((max(end - TRIAL_WILL_END_NOTICE, start), self._trial_notice))
        elif (
            subscription["status"] in ("active", "past_due")
            and ("upcoming", end) not in notices
            and end - start > UPCOMING_NOTICE
            and not subscription["cancel_at_period_end"]
        ):
            candidates.append((end - UPCOMING_NOTICE, self._upcoming_notice))
        if subscription["status"] in ("active", "trialing", "past_due", "unpaid"):
            candidates.append((end, self._period_ends))
        return min(candidates, key=lambda c: c[0]) if candidates else None

    def _expire(self, subscription: StripeObject, at: int) -> None:
        previous = changed(subscription, status="incomplete_expired", ended_at=at)
        for invoice in self._invoices_of(subscription):
            if invoice["status"] == "open":
                self._void(invoice, at)
        self.emit("customer.subscription.updated", subscription, previous, at=at)

    def _cancel_at(self, subscription: StripeObject, at: int) -> None:
        self.end_subscription(subscription, at)

    def _unpause(self, subscription: StripeObject, at: int) -> None:
        previous = changed(subscription, pause_collection=None)
        self.emit("customer.subscription.updated", subscription, previous, at=at)

    def _trial_notice(self, subscription: StripeObject, at: int) -> None:
        subscription["_notices"].append(("trial", self.period(subscription)[1]))
        self.emit("customer.subscription.trial_will_end", subscription, at=at)

    def _upcoming_notice(self, subscription: StripeObject, at: int) -> None:
        end = self.period(subscription)[1]
        subscription["_notices"].append(("upcoming", end))
        upcoming = {
            "object": "invoice",
            "id": None,
            "customer": subscription["customer"],
            "currency": subscription["currency"],
            "amount_due": self._amount(subscription),
            "status": "draft",
            "next_payment_attempt": end,
            "parent": {
                "type": "subscription_details",
                "subscription_details": {
                    "subscription": subscription["id"],
                    "metadata": dict(subscription["metadata"]),
                },
            },
        }
        self.emit("invoice.upcoming", upcoming, at=at)

    def _period_ends(self, subscription: StripeObject, at: int) -> None:
        if subscription["cancel_at_period_end"]:
            self.end_subscription(subscription, at)
            return
        customer = self.store.get("customer", subscription["customer"])
        has_method = bool(
            subscription.get("default_payment_method") or self.default_payment_method(customer)
        )
        missing_method = subscription["trial_settings"]["end_behavior"]["missing_payment_method"]
        previous: dict[str, Any] = {}
        if subscription["status"] == "trialing":
            if not has_method and missing_method == "pause":
                previous = changed(subscription, status="paused")
                self.emit("customer.subscription.paused", subscription, previous, at=at)
                return
            if not has_method and missing_method == "cancel":
                self.end_subscription(subscription, at)
                return
            previous = changed(subscription, status="active")
        old_items = self.store.render(subscription)["items"]
        self._set_period(subscription, at, self._period_end(subscription, at))
        previous["items"] = old_items
        self.emit("customer.subscription.updated", subscription, previous, at=at)
        lines = self._item_lines(subscription) + subscription["_pending_prorations"]
        subscription["_pending_prorations"] = []
        pause = subscription["pause_collection"]
        invoice = self._invoice(subscription, lines, "subscription_cycle", attempt=not pause, at=at)
        if pause and invoice["status"] == "open":
            if pause["behavior"] == "void":
                self._void(invoice, at)
            elif pause["behavior"] == "mark_uncollectible":
                invoice["status"] = "uncollectible"
                invoice["status_transitions"]["marked_uncollectible_at"] = at
            else:
                invoice["status"] = "draft"
