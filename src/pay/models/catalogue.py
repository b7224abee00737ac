"""The local copy of a processor's catalogue: products and their prices.

Pricing pages read prices from here instead of asking the processor on every
request; ``manage.py bootstrap_subscriptions`` (or :func:`sync_catalogue`) keeps
it current.
"""

from __future__ import annotations

from django.db import models, transaction

from pay.money import major_units
from pay.processors import get_processor
from pay.processors.data import PriceDetails, ProductDetails


class Product(models.Model):
    processor = models.CharField(max_length=32)
    processor_id = models.CharField(max_length=255)
    name = models.CharField(max_length=255)
    description = models.TextField(blank=True)
    active = models.BooleanField(default=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "pay_product"
        constraints = [
            models.UniqueConstraint(
                fields=["processor", "processor_id"], name="pay_product_unique_processor_id"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Price(models.Model):
    class Interval(models.TextChoices):
        DAY = "day"
        WEEK = "week"
        MONTH = "month"
        YEAR = "year"

    class BillingScheme(models.TextChoices):
        PER_UNIT = "per_unit"
        TIERED = "tiered"

    class UsageType(models.TextChoices):
        LICENSED = "licensed"
        METERED = "metered"

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="prices")
    processor = models.CharField(max_length=32)
    processor_id = models.CharField(max_length=255)
    #: Per unit, in minor units of ``currency``; NULL for a tiered price (see ``tiers``).
    amount = models.PositiveIntegerField(null=True, blank=True)
    currency = models.CharField(max_length=3)
    #: NULL for a one-off price.
    interval = models.CharField(max_length=8, choices=Interval.choices, null=True, blank=True)  # noqa: DJ001
    interval_count = models.PositiveSmallIntegerField(default=1)
    billing_scheme = models.CharField(
        max_length=16, choices=BillingScheme.choices, default=BillingScheme.PER_UNIT
    )
    tiers = models.JSONField(default=list, blank=True)
    usage_type = models.CharField(
        max_length=16, choices=UsageType.choices, default=UsageType.LICENSED
    )
    active = models.BooleanField(default=True)
    data = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "pay_price"
        constraints = [
            models.UniqueConstraint(
                fields=["processor", "processor_id"], name="pay_price_unique_processor_id"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.name} {self.display_amount()} {self.display_interval()}".strip()

    @property
    def recurring(self) -> bool:
        return self.interval is not None

    def display_amount(self) -> str:
        """The amount per unit, e.g. ``"$30.00"`` or ``"30.00 EUR"``; ``""`` when tiered."""
        if self.amount is None:
            return ""
        value = major_units(self.amount, self.currency, grouped=True)
        return f"${value}" if self.currency == "usd" else f"{value} {self.currency.upper()}"

    def display_interval(self) -> str:
        """``"per month"``, ``"every 3 months"``, or ``""`` for a one-off price."""
        if self.interval is None:
            return ""
        if self.interval_count == 1:
            return f"per {self.interval}"
        return f"every {self.interval_count} {self.interval}s"


def sync_catalogue(processor: str) -> list[Price]:
    """Copy every product and price of ``processor`` into the local catalogue.

    Products and prices that disappeared from the processor stay, marked inactive, since
    subscriptions may still refer to them. Returns the prices, as now stored.
    """
    backend = get_processor(processor)
    products, prices = backend.list_products(), backend.list_prices()
    with transaction.atomic():
        stored = {details.processor_id: _store_product(processor, details) for details in products}
        Product.objects.filter(processor=processor).exclude(processor_id__in=stored).update(
            active=False
        )
        synced = [
            _store_price(processor, stored[details.product_processor_id], details)
            for details in prices
            if details.product_processor_id in stored
        ]
        Price.objects.filter(processor=processor).exclude(
            pk__in=[price.pk for price in synced]
        ).update(active=False)
    return synced


def _store_product(processor: str, details: ProductDetails) -> Product:
    product, _ = Product.objects.update_or_create(
        processor=processor,
        processor_id=details.processor_id,
        defaults={
            "name": details.name,
            "description": details.description,
            "active": details.active,
            "data": details.data,
        },
    )
    return product


def _store_price(processor: str, product: Product, details: PriceDetails) -> Price:
    price, _ = Price.objects.update_or_create(
        processor=processor,
        processor_id=details.processor_id,
        defaults={
            "product": product,
            "amount": details.amount,
            "currency": details.currency.lower(),
            "interval": details.interval,
            "interval_count": details.interval_count,
            "billing_scheme": details.billing_scheme,
            "tiers": details.tiers,
            "usage_type": details.usage_type,
            "active": details.active,
            "data": details.data,
        },
    )
    return price
