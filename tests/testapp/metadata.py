"""The test project's product metadata (PAY_PRODUCT_METADATA_MODULE), for the fake's catalogue."""

from pay.metadata import PlanInterval, ProductMetadata

ACTIVE_PRODUCTS = [
    ProductMetadata(
        processor_id="prod_starter",
        slug="starter",
        name="Starter",
        features=["One project"],
    ),
    ProductMetadata(
        processor_id="prod_pro",
        slug="pro",
        name="Pro",
        features=["Unlimited projects", "Reports"],
        is_default=True,
    ),
    ProductMetadata(
        processor_id="prod_enterprise",
        slug="enterprise",
        name="Enterprise",
        features=["Unlimited projects", "Reports", "Single sign-on"],
        price_displays={PlanInterval.MONTH: "From $15 per user", PlanInterval.YEAR: "Ask us"},
    ),
]

ACTIVE_PLAN_INTERVALS = [PlanInterval.MONTH, PlanInterval.YEAR]
