"""The plain data that crosses the boundary between a processor and the models.

Processors never see a model instance and never touch the database: they take
these frozen dataclasses and return new ones, and the models apply the result.
That keeps every processor testable on its own and the models free of any
processor's vocabulary.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


class SubscriptionStatus(enum.StrEnum):
    INCOMPLETE = "incomplete"
    INCOMPLETE_EXPIRED = "incomplete_expired"
    TRIALING = "trialing"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    CANCELED = "canceled"
    UNPAID = "unpaid"
    PAUSED = "paused"


@dataclass(frozen=True)
class OwnerDetails:
    """What a processor may know about a billable owner."""

    reference: str
    email: str = ""
    name: str = ""


@dataclass(frozen=True)
class CustomerDetails:
    """A customer as the processor knows it."""

    processor_id: str
    owner: OwnerDetails
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SubscriptionDetails:
    """A subscription's full state, as the processor reports it."""

    processor_id: str
    plan: str
    status: SubscriptionStatus
    quantity: int = 1
    name: str = "default"
    trial_ends_at: datetime | None = None
    ends_at: datetime | None = None
    current_period_start: datetime | None = None
    current_period_end: datetime | None = None
    pause_behavior: str = ""
    pause_starts_at: datetime | None = None
    pause_resumes_at: datetime | None = None
    metered: bool = False
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class SubscribeRequest:
    """What the application asks for when it subscribes a customer."""

    name: str
    plan: str
    quantity: int = 1
    trial_period_days: int | None = None
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChargeDetails:
    """A charge, with money in integer minor units of ``currency``."""

    processor_id: str
    amount: int
    currency: str
    amount_refunded: int = 0
    subscription_processor_id: str = ""
    payment_method_type: str = ""
    brand: str = ""
    last4: str = ""
    receipt_url: str = ""
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ChargeRequest:
    amount: int
    currency: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PaymentMethodDetails:
    processor_id: str
    type: str = "card"
    brand: str = ""
    last4: str = ""
    exp_month: int | None = None
    exp_year: int | None = None
    default: bool = False
    data: dict[str, Any] = field(default_factory=dict)


# Hosted checkout


@dataclass(frozen=True)
class LineItem:
    """One price in a checkout; ``adjustable_quantity`` lets the buyer change the seats."""

    price: str
    quantity: int = 1
    adjustable_quantity: bool = False


@dataclass(frozen=True)
class CheckoutRequest:
    mode: str  # "subscription", "payment" or "setup"
    line_items: tuple[LineItem, ...]
    success_url: str
    cancel_url: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class CheckoutSession:
    """A hosted checkout: send the buyer to ``url``; once complete it carries the result."""

    processor_id: str
    url: str
    mode: str
    customer_processor_id: str
    status: str = "open"  # "open", "complete" or "expired"
    subscription: SubscriptionDetails | None = None
    #: The payment method the buyer paid with, once complete, when the processor says.
    payment_method: PaymentMethodDetails | None = None
    data: dict[str, Any] = field(default_factory=dict)


# Webhooks


@dataclass(frozen=True)
class WebhookEvent:
    """A verified event, in the processor's own vocabulary."""

    event_id: str
    event_type: str
    created: datetime
    payload: dict[str, Any]


@dataclass(frozen=True)
class SubscriptionChanged:
    """The subscription now looks like ``subscription`` (as of the event's time).

    ``owner_reference`` (a signed or processor-held link to the owner) lets the
    models create the customer when the processor created it (e.g. in a hosted checkout).
    """

    customer_processor_id: str
    subscription: SubscriptionDetails
    owner_reference: str = ""


@dataclass(frozen=True)
class ChargeChanged:
    customer_processor_id: str
    charge: ChargeDetails


@dataclass(frozen=True)
class PaymentMethodChanged:
    customer_processor_id: str
    payment_method: PaymentMethodDetails


@dataclass(frozen=True)
class PaymentMethodRemoved:
    customer_processor_id: str
    payment_method_processor_id: str


@dataclass(frozen=True)
class CustomerRemoved:
    customer_processor_id: str


@dataclass(frozen=True)
class PaymentProblem:
    """A payment failed or needs the customer's action (``action_url`` set when it does)."""

    customer_processor_id: str
    subscription_processor_id: str = ""
    reason: str = ""
    amount: int = 0
    currency: str = ""
    action_url: str = ""


# What an event tells the customer about: each is applied like the change it extends, and
# also drives the customer's email (see pay.webhooks.emails). A processor that reports
# only the plain changes simply sends no such emails.


@dataclass(frozen=True)
class ChargeSucceeded(ChargeChanged):
    """A payment went through: the customer is owed a receipt."""


@dataclass(frozen=True)
class ChargeRefunded(ChargeChanged):
    """Money went back to the customer."""


@dataclass(frozen=True)
class PaymentActionRequired(PaymentProblem):
    """A payment waits for the customer to confirm it (3-D Secure) at ``action_url``."""

    payment_intent_id: str = ""


@dataclass(frozen=True)
class TrialEnding(SubscriptionChanged):
    """The subscription's trial ends soon (``subscription.trial_ends_at``)."""


@dataclass(frozen=True)
class RenewalUpcoming(SubscriptionChanged):
    """A yearly subscription renews soon (``subscription.current_period_end``)."""


#: What a processor's webhook translation returns: the changes an event implies.
Change = (
    SubscriptionChanged
    | ChargeChanged
    | PaymentMethodChanged
    | PaymentMethodRemoved
    | CustomerRemoved
    | PaymentProblem
)


# The catalogue: products and their prices, as the processor lists them


@dataclass(frozen=True)
class ProductDetails:
    processor_id: str
    name: str
    description: str = ""
    active: bool = True
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class PriceDetails:
    """A price of a product. ``amount`` is per unit in minor units; ``None`` when tiered.

    ``interval`` is ``"month"``, ``"year"`` (or ``"day"``, ``"week"``), ``None`` for a one-off
    price. ``tiers`` are the processor's tiers, each ``{"up_to": int | None, "unit_amount":
    int | None, "flat_amount": int | None}``.
    """

    processor_id: str
    product_processor_id: str
    currency: str
    amount: int | None
    interval: str | None = "month"
    interval_count: int = 1
    billing_scheme: str = "per_unit"  # or "tiered"
    tiers: list[dict[str, Any]] = field(default_factory=list)
    usage_type: str = "licensed"  # or "metered"
    active: bool = True
    data: dict[str, Any] = field(default_factory=dict)
