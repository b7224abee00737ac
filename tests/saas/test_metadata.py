"""Product metadata: ProductMetadata, and the project's module of it."""

from __future__ import annotations

from typing import Any

import pytest

from pay.errors import ConfigurationError
from pay.metadata import (
    PlanInterval,
    ProductMetadata,
    active_plan_intervals,
    active_products,
    product_by_slug,
)


def test_stripe_id_is_the_processor_id() -> None:
    product = ProductMetadata(
        stripe_id="prod_1", slug="teams", price_displays={"month": "From $10 per user"}
    )
    assert (product.processor_id, product.stripe_id, product.name) == ("prod_1", "prod_1", "Teams")
    assert product.price_display(PlanInterval.MONTH) == "From $10 per user"
    assert product.price_display("year") == ""
    assert product == ProductMetadata(
        processor_id="prod_1",
        slug="teams",
        price_displays={PlanInterval.MONTH: "From $10 per user"},
    )
    assert str(PlanInterval.YEAR.label) == "Annual"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"slug": "pro"}, "needs its processor's product id"),
        ({"slug": "pro", "processor_id": "a", "stripe_id": "b"}, "exactly one of them"),
        ({"processor_id": "prod_1"}, "needs a slug"),
    ],
)
def test_incomplete_metadata_is_refused(arguments: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        ProductMetadata(**arguments)


def test_the_projects_module() -> None:
    assert [p.slug for p in active_products()] == ["starter", "pro", "enterprise"]
    assert active_plan_intervals() == [PlanInterval.MONTH, PlanInterval.YEAR]
    pro = product_by_slug("pro")
    assert pro is not None
    assert pro.is_default


def test_without_a_module_nothing_is_on_sale_monthly_and_annually(settings: Any) -> None:
    settings.PAY_PRODUCT_METADATA_MODULE = None
    assert active_products() == []
    assert active_plan_intervals() == [PlanInterval.MONTH, PlanInterval.YEAR]


def test_a_module_that_cannot_be_imported_is_named(settings: Any) -> None:
    settings.PAY_PRODUCT_METADATA_MODULE = "apps.subscriptions.metadta"
    with pytest.raises(
        ConfigurationError, match=r"'apps\.subscriptions\.metadta', which cannot be"
    ):
        active_products()


def test_entries_must_be_product_metadata(settings: Any) -> None:
    settings.PAY_PRODUCT_METADATA_MODULE = "tests.saas.test_metadata"
    with pytest.raises(ConfigurationError, match="every entry must be a ProductMetadata"):
        active_products()


ACTIVE_PRODUCTS = [{"slug": "pro"}]
