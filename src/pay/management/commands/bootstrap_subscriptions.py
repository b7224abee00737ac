"""``manage.py bootstrap_subscriptions``: copy the processor's catalogue into the database.

Prints each price it synchronised, then an ``ACTIVE_PRODUCTS`` block to paste into
the project's metadata module (``PAY_PRODUCT_METADATA_MODULE``) and edit.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.text import slugify

from pay.errors import PayError
from pay.models import Price, sync_catalogue
from pay.processors import default_processor


class Command(BaseCommand):
    help = "Synchronise every product and price from the processor into the local catalogue."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--processor", help="the processor to read (default: PAY_DEFAULT_PROCESSOR)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        processor = options["processor"] or default_processor()
        try:
            prices = sync_catalogue(processor)
        except PayError as error:
            raise CommandError(str(error)) from error
        if options["verbosity"] == 0:
            return
        for price in prices:
            self.stdout.write(f"Synchronized plan {price.processor_id}")
        self.stdout.write("")
        self.stdout.write("Paste this into your PAY_PRODUCT_METADATA_MODULE and edit it:")
        self.stdout.write("")
        self.stdout.write(active_products_block(prices))


def active_products_block(prices: list[Price]) -> str:
    """``ACTIVE_PRODUCTS = [...]`` listing the active products of ``prices`` once each."""
    products = {price.product.pk: price.product for price in prices if price.product.active}
    entries = [
        "    ProductMetadata(\n"
        f"        processor_id={product.processor_id!r},\n"
        f"        slug={slugify(product.name)!r},\n"
        f"        name={product.name!r},\n"
        f"        description={product.description!r},\n"
        "        features=[],\n"
        "    ),"
        for product in products.values()
    ]
    return "\n".join(
        [
            "from pay.metadata import PlanInterval, ProductMetadata",
            "",
            "ACTIVE_PRODUCTS = [",
            *entries,
            "]",
            "",
            "ACTIVE_PLAN_INTERVALS = [PlanInterval.MONTH, PlanInterval.YEAR]",
        ]
    )
