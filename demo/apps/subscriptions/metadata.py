"""What the demo sells, for django-pay's pricing page (``PAY_PRODUCT_METADATA_MODULE``).

Prices and amounts come from the processor's catalogue (``bootstrap_subscriptions`` copies
it into the database); this module adds the slugs pages are gated by, the copy and the
features. The products' ids differ by processor and, at Stripe, between test and live mode:
they come from the ``DEMO_PRODUCT_IDS`` setting, read whenever ``ACTIVE_PRODUCTS`` is, so
switching ``DEMO_PAYMENT_PROCESSOR`` (in a test, say) switches the products too.
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
    if missing := [slug for slug, product_id in ids.items() if not product_id]:
        raise ImproperlyConfigured(
            f"The demo has no {processor} product id for {', '.join(missing)}: set "
            f"DEMO_<PROCESSOR>_PRODUCT_{missing[0].upper()} and the like in the environment (see "
            "DEMO_PRODUCT_IDS in demo/config/settings.py) to the ids of the products made there."
        )
    return ids


def active_plan_intervals() -> list[PlanInterval]:
    """Monthly and annual; monthly only with Braintree, whose catalogue has no products but a
    product per plan, so the demo's Starter and Pro are each one (monthly) plan."""
    if settings.DEMO_PAYMENT_PROCESSOR == "braintree":
        return [PlanInterval.MONTH]
    return [PlanInterval.MONTH, PlanInterval.YEAR]


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
    """``ACTIVE_PRODUCTS`` and ``ACTIVE_PLAN_INTERVALS``, for the processor the settings name
    right now."""
    if name == "ACTIVE_PRODUCTS":
        return active_products()
    if name == "ACTIVE_PLAN_INTERVALS":
        return active_plan_intervals()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
