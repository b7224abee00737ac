"""Lemon Squeezy's products and variants, for the local catalogue: each variant is a price.

Variants carry no currency: the store's is theirs. Only published products and variants are
on sale; a product with several variants keeps a hidden "pending" default one, left inactive.
"""

from __future__ import annotations

from django.utils.html import strip_tags

from pay.processors.data import PriceDetails, ProductDetails

from .client import LemonSqueezyAPI, Resource, store_id

PUBLISHED = "published"


class LemonSqueezyCatalogue(LemonSqueezyAPI):
    def list_products(self) -> list[ProductDetails]:
        return [_product_details(product) for product in self._products()]

    def list_prices(self) -> list[PriceDetails]:
        store = self.fetch(f"stores/{store_id()}", "read the store's currency")
        currency = str(store["attributes"]["currency"]).lower()
        products = {product["id"] for product in self._products()}
        variants = self.fetch_all("variants", "list the variants", {})
        return [
            _price_details(variant, currency)
            for variant in variants
            if str(variant["attributes"]["product_id"]) in products
        ]

    def _products(self) -> list[Resource]:
        return self.fetch_all("products", "list the products", {"store_id": store_id()})


def _product_details(product: Resource) -> ProductDetails:
    attributes = product["attributes"]
    return ProductDetails(
        processor_id=str(product["id"]),
        name=str(attributes["name"]),
        description=strip_tags(attributes.get("description") or "").strip(),
        active=attributes["status"] == PUBLISHED,
    )


def _price_details(variant: Resource, currency: str) -> PriceDetails:
    attributes = variant["attributes"]
    recurring = bool(attributes["is_subscription"])
    return PriceDetails(
        processor_id=str(variant["id"]),
        product_processor_id=str(attributes["product_id"]),
        currency=currency,
        amount=int(attributes["price"]),
        interval=str(attributes["interval"]) if recurring else None,
        interval_count=int(attributes.get("interval_count") or 1) if recurring else 1,
        active=attributes["status"] == PUBLISHED,
        data={"name": attributes.get("name", ""), "trial": bool(attributes.get("has_free_trial"))},
    )
