"""Braintree's objects (from the API or a webhook) as django-pay's plain data.

Braintree keeps money as decimal strings in major units and subscription dates as
calendar dates (in the merchant account's time zone, taken here as UTC): a period
ending on a date ends when that day does.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pay.errors import ProcessorError
from pay.processors.data import (
    ChargeDetails,
    PaymentMethodDetails,
    SubscriptionDetails,
    SubscriptionStatus,
)
from pay.processors.fake.periods import add_interval

#: ISO 4217 currencies without two decimals; every other one has two.
_EXPONENTS = {
    **dict.fromkeys(
        ("bif", "clp", "djf", "gnf", "isk", "jpy", "kmf", "krw", "pyg", "rwf", "ugx", "vnd"),
        0,
    ),
    **dict.fromkeys(("vuv", "xaf", "xof", "xpf"), 0),
    **dict.fromkeys(("bhd", "iqd", "jod", "kwd", "lyd", "omr", "tnd"), 3),
}

_STATUSES = {
    "Active": SubscriptionStatus.ACTIVE,
    # A subscription whose first billing date is still to come.
    "Pending": SubscriptionStatus.ACTIVE,
    "Past Due": SubscriptionStatus.PAST_DUE,
    "Canceled": SubscriptionStatus.CANCELED,
    "Expired": SubscriptionStatus.CANCELED,
}

#: Braintree's payment instrument types, in the words other processors use.
_METHOD_TYPES = {
    "credit_card": "card",
    "paypal_account": "paypal",
    "venmo_account": "venmo",
    "apple_pay_card": "apple_pay",
    "android_pay_card": "google_pay",
}

#: Refund transactions that did not (or will not) give money back.
_FAILED_REFUND_STATUSES = ("voided", "failed", "processor_declined", "gateway_rejected")


def to_decimal(amount: int, currency: str) -> Decimal:
    """Minor units as Braintree's major-unit amount: 1999 usd is 19.99."""
    return Decimal(amount).scaleb(-_EXPONENTS.get(currency.lower(), 2))


def to_minor(amount: Decimal | str, currency: str) -> int:
    scaled = Decimal(amount).scaleb(_EXPONENTS.get(currency.lower(), 2))
    return int(scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def utc(moment: datetime | None) -> datetime | None:
    """The SDK parses Braintree's timestamps as naive UTC datetimes."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=UTC)


def end_of(day: date) -> datetime:
    """The instant a day ends: a period paid through ``day`` gives access until then."""
    return start_of(day + timedelta(days=1))


def subscription_details(
    subscription: Any, seat_add_on: str, local: SubscriptionDetails | None = None
) -> SubscriptionDetails:
    """A Braintree subscription; ``local`` is our copy, for its name and an end Braintree
    cannot record."""
    status = _STATUSES.get(subscription.status)
    if status is None:
        raise ProcessorError(
            f"Braintree reported subscription {subscription.id} as {subscription.status!r}, "
            "a status django-pay does not know; upgrade django-pay."
        )
    trial_ends_at = trial_end(subscription)
    ends_at = _ends_at(subscription, trial_ends_at, local)
    now = datetime.now(UTC)
    if status == SubscriptionStatus.CANCELED and ends_at and ends_at > now:
        status = SubscriptionStatus.ACTIVE  # cancelled for the end of its trial
    if status == SubscriptionStatus.ACTIVE and trial_ends_at and trial_ends_at > now:
        status = SubscriptionStatus.TRIALING
    period_start, period_end = _period(subscription, trial_ends_at)
    return SubscriptionDetails(
        processor_id=subscription.id,
        plan=subscription.plan_id,
        status=status,
        quantity=1 + extra_seats(subscription, seat_add_on),
        name=local.name if local is not None else "default",
        trial_ends_at=trial_ends_at,
        ends_at=ends_at,
        current_period_start=period_start,
        current_period_end=period_end,
        data={
            "braintree_status": subscription.status,
            "price": str(subscription.price),
            "balance": str(subscription.balance),
            "payment_method_token": subscription.payment_method_token,
            "merchant_account_id": subscription.merchant_account_id,
            "current_billing_cycle": subscription.current_billing_cycle,
            "number_of_billing_cycles": subscription.number_of_billing_cycles,
            "never_expires": subscription.never_expires,
            "next_billing_date": _iso(subscription.next_billing_date),
            "paid_through_date": _iso(subscription.paid_through_date),
            "add_ons": _modifications(subscription.add_ons),
            "discounts": _modifications(subscription.discounts),
        },
    )


def extra_seats(subscription: Any, seat_add_on: str) -> int:
    """Seats beyond the first: the quantity of the seat add-on, if the subscription has it."""
    seats = [add_on for add_on in subscription.add_ons if add_on.id == seat_add_on]
    return int(seats[0].quantity or 1) if seats else 0


def trial_end(subscription: Any) -> datetime | None:
    if not subscription.trial_period:
        return None
    started = utc(subscription.created_at)
    assert started is not None  # every subscription has a creation time
    return add_interval(started, subscription.trial_duration_unit, int(subscription.trial_duration))


def paid_through_end(subscription: Any) -> datetime | None:
    paid_through = subscription.paid_through_date
    return end_of(paid_through) if paid_through else None


def _period(subscription: Any, trial_ends_at: datetime | None) -> tuple[datetime | None, ...]:
    start, end = subscription.billing_period_start_date, subscription.billing_period_end_date
    if start and end:
        return start_of(start), end_of(end)
    if trial_ends_at is not None:
        return utc(subscription.created_at), trial_ends_at
    return None, None


def final_cycle(subscription: Any) -> bool:
    """Braintree bills no more: the subscription is in the last of its billing cycles."""
    cycles = subscription.number_of_billing_cycles
    return (
        not subscription.never_expires
        and cycles is not None
        and int(subscription.current_billing_cycle or 0) >= int(cycles)
    )


def _ends_at(
    subscription: Any, trial_ends_at: datetime | None, local: SubscriptionDetails | None
) -> datetime | None:
    if subscription.status == "Canceled":
        ends_at = _cancelled_at(subscription)
        if _cancelled_for_the_trials_end(subscription, trial_ends_at, ends_at):
            ends_at = trial_ends_at or ends_at
        # Ended since, by cancel_now(), which Braintree cannot record on a cancelled one.
        if local is not None and local.ends_at is not None:
            ends_at = min(ends_at, local.ends_at)
        return ends_at
    if subscription.status == "Expired" or final_cycle(subscription):
        return paid_through_end(subscription) or trial_ends_at or utc(subscription.updated_at)
    return None


def _cancelled_for_the_trials_end(
    subscription: Any, trial_ends_at: datetime | None, cancelled_at: datetime
) -> bool:
    """cancel() on a trial limits it to one billing cycle, then cancels it before it bills
    (see BraintreeSubscriptions.cancel): the trial goes on until its end."""
    return (
        not subscription.never_expires
        and not subscription.paid_through_date
        and trial_ends_at is not None
        and cancelled_at < trial_ends_at
    )


def _cancelled_at(subscription: Any) -> datetime:
    """When Braintree cancelled the subscription: its status history says, newest first."""
    for event in subscription.status_history:
        if event.status == "Canceled":
            return utc(event.timestamp) or datetime.now(UTC)
    return utc(subscription.updated_at) or datetime.now(UTC)


def _modifications(modifications: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "id": modification.id,
            "amount": str(modification.amount),
            "quantity": modification.quantity,
            "number_of_billing_cycles": modification.number_of_billing_cycles,
        }
        for modification in modifications
    ]


def charge_details(transaction: Any, refunds: list[Any]) -> ChargeDetails:
    """A sale, with what its ``refunds`` gave back; a voided sale took nothing."""
    currency = transaction.currency_iso_code.lower()
    amount = to_minor(transaction.amount, currency)
    counted = [refund for refund in refunds if refund.status not in _FAILED_REFUND_STATUSES]
    refunded = sum(to_minor(refund.amount, currency) for refund in counted)
    if transaction.status == "voided":
        refunded = amount
    card = getattr(transaction, "credit_card_details", None)
    return ChargeDetails(
        processor_id=transaction.id,
        amount=amount,
        currency=currency,
        amount_refunded=refunded,
        subscription_processor_id=transaction.subscription_id or "",
        payment_method_type=method_type(transaction.payment_instrument_type or ""),
        brand=(card.card_type or "") if card is not None else "",
        last4=(card.last_4 or "") if card is not None else "",
        data={
            "status": transaction.status,
            "merchant_account_id": transaction.merchant_account_id,
            "processor_response_text": transaction.processor_response_text,
            "refunds": [
                {
                    "id": refund.id,
                    "amount": to_minor(refund.amount, currency),
                    "status": refund.status,
                }
                for refund in refunds
            ],
        },
    )


def payment_method_details(method: Any) -> PaymentMethodDetails:
    """A vaulted payment method: a card, a PayPal account, Venmo…"""
    return PaymentMethodDetails(
        processor_id=method.token,
        type=method_type(_snake_case(type(method).__name__)),
        brand=getattr(method, "card_type", "") or "",
        last4=getattr(method, "last_4", "") or "",
        exp_month=_number(getattr(method, "expiration_month", None)),
        exp_year=_number(getattr(method, "expiration_year", None)),
        default=bool(method.default),
        data={"email": getattr(method, "email", "") or ""},
    )


def method_type(instrument_type: str) -> str:
    return _METHOD_TYPES.get(instrument_type, instrument_type)


def _snake_case(class_name: str) -> str:
    """``PayPalAccount`` as Braintree's instrument type, ``paypal_account``."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", class_name.replace("PayPal", "Paypal")).lower()


def _number(value: Any) -> int | None:
    return int(value) if value not in (None, "") else None


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
