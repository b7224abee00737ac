"""Paddle's products and prices, every page of them, for the local catalogue."""

from __future__ import annotations

from paddle_billing.Resources.Prices.Operations import ListPrices
from paddle_billing.Resources.Products.Operations import ListProducts
from paddle_billing.Resources.Shared.Operations import Pager

from pay.processors.data import PriceDetails, ProductDetails

from .client import PaddleAPI, paddle_errors
from .translate import price_details, product_details

#: Paddle's largest page for the catalogue: fewer requests.
PAGE_SIZE = 200


class PaddleCatalogue(PaddleAPI):
    def list_products(self) -> list[ProductDetails]:
        with paddle_errors("list the products"):
            products = list(
                self.client.products.list(ListProducts(pager=Pager(per_page=PAGE_SIZE)))
            )
        return [product_details(product) for product in products]

    def list_prices(self) -> list[PriceDetails]:
        with paddle_errors("list the prices"):
            prices = list(self.client.prices.list(ListPrices(pager=Pager(per_page=PAGE_SIZE))))
        return [price_details(price) for price in prices]
