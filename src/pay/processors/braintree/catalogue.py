"""Braintree's plans, for the local catalogue: Braintree has no products, so each plan is a
product with one price, both under the plan's id."""

from __future__ import annotations

from typing import Any

from pay.processors.data import PriceDetails, ProductDetails

from .client import BraintreeAPI, braintree_errors
from .translate import to_minor


class BraintreeCatalogue(BraintreeAPI):
    def list_products(self) -> list[ProductDetails]:
        return [
            ProductDetails(
                processor_id=plan.id,
                name=plan.name or plan.id,
                description=getattr(plan, "description", None) or "",
            )
            for plan in self._plans()
        ]

    def list_prices(self) -> list[PriceDetails]:
        return [_price_details(plan) for plan in self._plans()]

    def _plans(self) -> list[Any]:
        with braintree_errors("list the plans"):
            return list(self.gateway.plan.all())


def _price_details(plan: Any) -> PriceDetails:
    """A plan bills every ``billing_frequency`` months: whole years are shown as years."""
    months = int(plan.billing_frequency)
    interval, count = ("year", months // 12) if months % 12 == 0 else ("month", months)
    currency = plan.currency_iso_code.lower()
    return PriceDetails(
        processor_id=plan.id,
        product_processor_id=plan.id,
        currency=currency,
        amount=to_minor(plan.price, currency),
        interval=interval,
        interval_count=count,
        data={"trial_period": bool(plan.trial_period)},
    )
