"""The fake processor's catalogue: a few products with monthly and annual prices.

It starts seeded (Starter, Pro, and a per-seat Enterprise) so a demo has something
to sell; ``PAY_FAKE_PROCESSOR_PLANS`` changes or adds plans, key by key::

    PAY_FAKE_PROCESSOR_PLANS = {
        "pro-monthly": {"amount": 2500},  # Pro costs $25 a month here
        "team-annual": {"product": "prod_team", "product_name": "Team",
                        "amount": 90000, "interval": "year"},
        "starter-monthly": {"active": False},  # no longer sold
    }

A plan without a ``product`` is a product of its own, named after the plan.
"""

from __future__ import annotations

from typing import Any

from pay import conf
from pay.processors.data import PriceDetails, ProductDetails

#: Plan id -> price settings; the product is ``product`` (id) and ``product_name``.
SEEDED_PLANS: dict[str, dict[str, Any]] = {
    "starter-monthly": {"product": "prod_starter", "amount": 1000, "interval": "month"},
    "starter-annual": {"product": "prod_starter", "amount": 10000, "interval": "year"},
    "pro-monthly": {"product": "prod_pro", "amount": 3000, "interval": "month"},
    "pro-annual": {"product": "prod_pro", "amount": 30000, "interval": "year"},
    "enterprise-seat-monthly": {"product": "prod_enterprise", "amount": 1500, "interval": "month"},
    "enterprise-seat-annual": {"product": "prod_enterprise", "amount": 15000, "interval": "year"},
}

SEEDED_PRODUCTS: dict[str, dict[str, str]] = {
    "prod_starter": {"name": "Starter", "description": "For individuals getting started."},
    "prod_pro": {"name": "Pro", "description": "For professionals who need more."},
    "prod_enterprise": {"name": "Enterprise", "description": "For teams, billed per seat."},
}


def fake_plans() -> dict[str, dict[str, Any]]:
    """The seeded plans, each updated by its PAY_FAKE_PROCESSOR_PLANS entry, plus new ones."""
    configured: dict[str, dict[str, Any]] = conf.get("PAY_FAKE_PROCESSOR_PLANS")
    plan_ids = [*SEEDED_PLANS, *(plan for plan in configured if plan not in SEEDED_PLANS)]
    return {
        plan: {"product": plan, **SEEDED_PLANS.get(plan, {}), **configured.get(plan, {})}
        for plan in plan_ids
    }


class FakeCatalogue:
    def list_products(self) -> list[ProductDetails]:
        products: dict[str, ProductDetails] = {}
        for plan_id, plan in fake_plans().items():
            product_id = plan["product"]
            seeded = SEEDED_PRODUCTS.get(product_id, {})
            products.setdefault(
                product_id,
                ProductDetails(
                    processor_id=product_id,
                    name=plan.get("product_name") or seeded.get("name") or plan_id,
                    description=seeded.get("description", ""),
                ),
            )
        return list(products.values())

    def list_prices(self) -> list[PriceDetails]:
        return [
            PriceDetails(
                processor_id=plan_id,
                product_processor_id=plan["product"],
                currency=plan.get("currency", "usd"),
                amount=plan.get("amount", 0),
                interval=plan.get("interval", "month"),
                interval_count=plan.get("interval_count", 1),
                active=plan.get("active", True),
            )
            for plan_id, plan in fake_plans().items()
        ]
