"""Stripe's products and prices, every page of them, for the local catalogue."""

from __future__ import annotations

from pay.processors.data import PriceDetails, ProductDetails

from .client import StripeAPI, stripe_errors
from .translate import price_details, product_details

#: Stripe's largest page: fewer requests for a big catalogue.
PAGE_SIZE = 100


class StripeCatalogue(StripeAPI):
    @stripe_errors()
    def list_products(self) -> list[ProductDetails]:
        products = self.client.v1.products.list({"limit": PAGE_SIZE})
        return [product_details(product) for product in products.auto_paging_iter()]

    @stripe_errors()
    def list_prices(self) -> list[PriceDetails]:
        prices = self.client.v1.prices.list({"limit": PAGE_SIZE, "expand": ["data.tiers"]})
        return [price_details(price) for price in prices.auto_paging_iter()]
