"""What the demo sells: two per-seat products, each billed monthly or annually.

The names, descriptions and features live here; the prices' ids live in settings
(``DEMO_PRICE_IDS``), because they differ between processors and between Stripe's test and
live modes. The amounts shown are the demo's list prices, in cents per seat.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class PlanInterval:
    interval: str
    name: str
    per: str


@dataclass(frozen=True)
class ProductMetadata:
    slug: str
    name: str
    description: str
    features: tuple[str, ...]
    seat_amounts: dict[str, int]
    currency: str = "usd"
    highlighted: bool = False

    def price_id(self, interval: str) -> str:
        return price_ids()[f"{self.slug}-{interval}"]


MONTHLY = PlanInterval("month", "Monthly", "month")
ANNUAL = PlanInterval("year", "Annual", "year")
ACTIVE_PLAN_INTERVALS = [MONTHLY, ANNUAL]

STARTER = ProductMetadata(
    slug="starter",
    name="Starter",
    description="For small teams finding their feet.",
    features=("Unlimited projects", "Plan-based content", "Email support"),
    seat_amounts={"month": 1000, "year": 10000},
)
PRO = ProductMetadata(
    slug="pro",
    name="Pro",
    description="Everything in Starter, and the Pro-only pages.",
    features=("Everything in Starter", "Pro-only pages", "Priority support"),
    seat_amounts={"month": 2500, "year": 25000},
    highlighted=True,
)
ACTIVE_PRODUCTS = [STARTER, PRO]


def price_ids() -> dict[str, str]:
    """The price ids of the processor in use, and of Stripe's current mode."""
    processor = settings.DEMO_PAYMENT_PROCESSOR
    if processor == "stripe":
        processor = "stripe-live" if settings.STRIPE_LIVE_MODE else "stripe-test"
    ids: dict[str, str] = settings.DEMO_PRICE_IDS[processor]
    return ids


def get_product(slug: str) -> ProductMetadata | None:
    return next((product for product in ACTIVE_PRODUCTS if product.slug == slug), None)


def get_interval(interval: str) -> PlanInterval | None:
    return next((plan for plan in ACTIVE_PLAN_INTERVALS if plan.interval == interval), None)


def plan_of(price_id: str) -> tuple[ProductMetadata, PlanInterval] | None:
    """The product and interval a processor's price id stands for."""
    for key, candidate in price_ids().items():
        if candidate == price_id:
            slug, interval = key.rsplit("-", 1)
            product, plan = get_product(slug), get_interval(interval)
            if product and plan:
                return product, plan
    return None
