"""What the demo sells, for django-pay's pricing page (``PAY_PRODUCT_METADATA_MODULE``).

Prices and amounts come from the processor's catalogue (``bootstrap_subscriptions`` copies
it into the database); this module adds the slugs pages are gated by, the copy and the
features. The products' ids differ by processor and, at Stripe, between test and live mode:
they come from the ``DEMO_PRODUCT_IDS`` setting, read whenever ``ACTIVE_PRODUCTS`` is, so
switching ``DEMO_PAYMENT_PROCESSOR`` (in a test, say) switches the products too.
"""

from __future__ import annotations

from django.conf import settings

from pay.metadata import PlanInterval, ProductMetadata


def product_ids() -> dict[str, str]:
    """The ids of the demo's products at the processor in use (and Stripe's current mode)."""
    processor = settings.DEMO_PAYMENT_PROCESSOR
    if processor == "stripe":
        processor = "stripe-live" if settings.STRIPE_LIVE_MODE else "stripe-test"
    ids: dict[str, str] = settings.DEMO_PRODUCT_IDS[processor]
    return ids


ACTIVE_PLAN_INTERVALS = [PlanInterval.MONTH, PlanInterval.YEAR]


def active_products() -> list[ProductMetadata]:
    ids = product_ids()
    return [
        ProductMetadata(
            processor_id=ids["starter"],
            slug="starter",
            name="Starter",
            description="For small teams finding their feet.",
            features=["Unlimited projects", "Plan-based content", "Email support"],
        ),
        ProductMetadata(
            processor_id=ids["pro"],
            slug="pro",
            name="Pro",
            description="Everything in Starter, and the Pro-only pages.",
            features=["Everything in Starter", "Pro-only pages", "Priority support"],
            is_default=True,
        ),
    ]


def __getattr__(name: str) -> object:
    """``ACTIVE_PRODUCTS``, with the ids of the processor the settings name right now."""
    if name == "ACTIVE_PRODUCTS":
        return active_products()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
