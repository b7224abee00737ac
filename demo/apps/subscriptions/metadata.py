"""What the demo sells, for django-pay's pricing page (``PAY_PRODUCT_METADATA_MODULE``).

Prices and amounts come from the processor's catalogue (``bootstrap_subscriptions`` copies
it into the database); this module adds the slugs pages are gated by, the copy and the
features. The products' ids differ by processor and, at Stripe, between test and live mode:
they come from the ``DEMO_PRODUCT_IDS`` setting.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from pay.metadata import PlanInterval, ProductMetadata


def product_ids() -> dict[str, str]:
    """The ids of the demo's products at the processor in use (and Stripe's current mode)."""
    processor = settings.DEMO_PAYMENT_PROCESSOR
    if processor == "stripe":
        processor = "stripe-live" if settings.STRIPE_LIVE_MODE else "stripe-test"
    ids: dict[str, str] | None = settings.DEMO_PRODUCT_IDS.get(processor)
    if ids is None:
        raise ImproperlyConfigured(
            f"The demo has no product ids for {processor!r}: add DEMO_PRODUCT_IDS[{processor!r}]"
            ' = {"starter": "...", "pro": "..."} to demo/config/settings.py, with the ids of the'
            " products made at the processor."
        )
    return ids


ACTIVE_PLAN_INTERVALS = [PlanInterval.MONTH, PlanInterval.YEAR]

ACTIVE_PRODUCTS = [
    ProductMetadata(
        processor_id=product_ids()["starter"],
        slug="starter",
        name="Starter",
        description="For small teams finding their feet.",
        features=["Unlimited projects", "Plan-based content", "Email support"],
    ),
    ProductMetadata(
        processor_id=product_ids()["pro"],
        slug="pro",
        name="Pro",
        description="Everything in Starter, and the Pro-only pages.",
        features=["Everything in Starter", "Pro-only pages", "Priority support"],
        is_default=True,
    ),
]
