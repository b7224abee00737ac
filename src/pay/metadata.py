"""What a project says about the products it sells, beyond what the processor knows.

The processor's catalogue (synchronised into :class:`pay.models.Product` and
:class:`pay.models.Price`) has ids and amounts; a pricing page also needs a slug
to gate features by, marketing copy, a feature list and, for per-seat or tiered
prices, a line such as "From $10 per user" instead of a single amount. A project
keeps that in a module of its own, as SaaS Pegasus does::

    # settings.py
    PAY_PRODUCT_METADATA_MODULE = "apps.subscriptions.metadata"

    # apps/subscriptions/metadata.py
    from pay.metadata import PlanInterval, ProductMetadata

    ACTIVE_PRODUCTS = [
        ProductMetadata(stripe_id="prod_...", slug="pro", name="Pro",
                        features=["Unlimited projects"], is_default=True),
    ]
    ACTIVE_PLAN_INTERVALS = [PlanInterval.MONTH, PlanInterval.YEAR]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import import_module
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from pay import conf
from pay.errors import ConfigurationError

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from pay.models import Price


class PlanInterval(models.TextChoices):
    """How often a plan bills; ``PlanInterval.YEAR.label`` is "Annual"."""

    MONTH = "month", _("Monthly")
    YEAR = "year", _("Annual")


@dataclass(frozen=True, init=False)
class ProductMetadata:
    """A product as the pricing page presents it.

    ``processor_id`` is the product's id at the processor (``stripe_id=`` is accepted too,
    as in SaaS Pegasus). ``price_displays`` replaces the price shown for an interval, e.g.
    ``{PlanInterval.MONTH: "From $10 per user"}``.
    """

    processor_id: str
    slug: str
    name: str
    description: str = ""
    features: list[str] = field(default_factory=list)
    price_displays: dict[PlanInterval, str] = field(default_factory=dict)
    is_default: bool = False

    def __init__(
        self,
        processor_id: str = "",
        slug: str = "",
        name: str = "",
        description: str = "",
        features: Sequence[str] = (),
        price_displays: Mapping[PlanInterval | str, str] | None = None,
        is_default: bool = False,
        *,
        stripe_id: str = "",
    ) -> None:
        if bool(processor_id) == bool(stripe_id):
            raise ConfigurationError(
                f"ProductMetadata {slug or name!r} needs its processor's product id: "
                "give processor_id= (or stripe_id=), exactly one of them."
            )
        if not slug:
            raise ConfigurationError(
                f"ProductMetadata {processor_id or stripe_id!r} needs a slug, e.g. slug='pro'."
            )
        values = {
            "processor_id": processor_id or stripe_id,
            "slug": slug,
            "name": name or slug.title(),
            "description": description,
            "features": list(features),
            "price_displays": {PlanInterval(k): v for k, v in (price_displays or {}).items()},
            "is_default": is_default,
        }
        for attribute, value in values.items():
            object.__setattr__(self, attribute, value)

    def __hash__(self) -> int:
        return hash((self.processor_id, self.slug))

    @property
    def stripe_id(self) -> str:
        return self.processor_id

    def price_display(self, interval: PlanInterval | str) -> str:
        """The replacement text for this interval's price, or ``""`` to show the amount."""
        return self.price_displays.get(PlanInterval(interval), "")


@dataclass(frozen=True)
class Plan:
    """One product at one interval, as a pricing page shows it; ``price`` is ``None`` when
    the local catalogue has no active price for it (run ``bootstrap_subscriptions``)."""

    product: ProductMetadata
    interval: PlanInterval
    price: Price | None

    @property
    def display_price(self) -> str:
        """``price_displays``' text for the interval, else the amount, e.g. ``"$30.00"``."""
        if display := self.product.price_display(self.interval):
            return display
        return self.price.display_amount() if self.price is not None else ""


def _metadata_module() -> object | None:
    dotted = conf.get("PAY_PRODUCT_METADATA_MODULE")
    if not dotted:
        return None
    try:
        return import_module(dotted)
    except ImportError as error:
        raise ConfigurationError(
            f"PAY_PRODUCT_METADATA_MODULE is {dotted!r}, which cannot be imported ({error}). "
            "Point it at the module that defines ACTIVE_PRODUCTS."
        ) from error


def active_products() -> list[ProductMetadata]:
    """The project's ``ACTIVE_PRODUCTS``, in display order (empty without a metadata module)."""
    products = list(getattr(_metadata_module(), "ACTIVE_PRODUCTS", []))
    for product in products:
        if not isinstance(product, ProductMetadata):
            raise ConfigurationError(
                f"ACTIVE_PRODUCTS holds {product!r}; every entry must be a ProductMetadata."
            )
    return products


def active_plan_intervals() -> list[PlanInterval]:
    """The project's ``ACTIVE_PLAN_INTERVALS``; monthly and annual when it sets none."""
    intervals = getattr(_metadata_module(), "ACTIVE_PLAN_INTERVALS", list(PlanInterval))
    return [PlanInterval(interval) for interval in intervals]


def default_plan_interval() -> PlanInterval:
    return active_plan_intervals()[0]


def product_by_processor_id(processor_id: str) -> ProductMetadata | None:
    return next((p for p in active_products() if p.processor_id == processor_id), None)


def product_by_slug(slug: str) -> ProductMetadata | None:
    return next((p for p in active_products() if p.slug == slug), None)


def plans_for(
    interval: PlanInterval | str,
    processor: str | None = None,
    products: Iterable[ProductMetadata] | None = None,
) -> list[Plan]:
    """Each active product with its price for ``interval``, from the local catalogue.

    One query, whatever the number of products.
    """
    from pay.models import Price
    from pay.processors import default_processor

    interval = PlanInterval(interval)
    products = list(active_products() if products is None else products)
    prices = Price.objects.filter(
        processor=processor or default_processor(),
        product__processor_id__in=[p.processor_id for p in products],
        interval=interval,
        interval_count=1,
        active=True,
    ).select_related("product")
    by_product: dict[str, Price] = {}
    for price in prices.order_by("amount", "pk"):
        by_product.setdefault(price.product.processor_id, price)
    return [Plan(product, interval, by_product.get(product.processor_id)) for product in products]


def offered_prices(processor: str | None = None) -> QuerySet[Price]:
    """The recurring prices a holder may subscribe or switch to: the active ones of
    ACTIVE_PRODUCTS (of every active product when the project has no metadata module)."""
    from pay.models import Price
    from pay.processors import default_processor

    prices = Price.objects.filter(
        processor=processor or default_processor(),
        active=True,
        product__active=True,
        interval__isnull=False,
    )
    products = active_products()
    if products:
        prices = prices.filter(product__processor_id__in=[p.processor_id for p in products])
    return prices.select_related("product")


__all__ = [
    "Plan",
    "PlanInterval",
    "ProductMetadata",
    "active_plan_intervals",
    "active_products",
    "default_plan_interval",
    "offered_prices",
    "plans_for",
    "product_by_processor_id",
    "product_by_slug",
]
