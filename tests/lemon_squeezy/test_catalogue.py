"""Lemon Squeezy's products and variants, every page of them, into the local catalogue."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from pay.models import Price, Product

from .conftest import ANNUAL, ONCE, PRO
from .double import LemonSqueezyDouble

pytestmark = pytest.mark.django_db


def test_bootstrap_copies_the_stores_products_and_variants(
    lemon: LemonSqueezyDouble, capsys: Any
) -> None:
    lemon.add_variant("301", 4000, interval="month", product_name="Team", product_id="30")
    lemon.add_variant("302", 40000, interval="year", product_name="Team", product_id="30")
    lemon.add_variant("300", 0, product_name="Team", product_id="30", status="pending")
    for n in range(120):
        lemon.add_variant(str(1000 + n), 100, product_name=f"Archive {n}")

    call_command("bootstrap_subscriptions", processor="lemon_squeezy")

    assert "Synchronized plan 302\n" in capsys.readouterr().out
    team = Product.objects.get(processor="lemon_squeezy", processor_id="30")
    assert (team.name, team.description, team.active) == ("Team", "Team, by the double.", True)
    prices = {price.processor_id: price for price in team.prices.all()}
    assert {key: (p.amount, p.currency, p.interval, p.active) for key, p in prices.items()} == {
        "301": (4000, "usd", "month", True),
        "302": (40000, "usd", "year", True),
        "300": (0, "usd", "month", False),  # the default variant a product with several hides
    }
    assert Price.objects.get(processor_id=ONCE).interval is None
    assert Price.objects.get(processor_id=ANNUAL).interval == "year"
    assert Price.objects.filter(processor="lemon_squeezy").count() == len(lemon.variants)
    pages = [path for method, path, _ in lemon.requests if path == "variants"]
    assert len(pages) == 2  # 100 a page


def test_variants_of_another_stores_products_are_left_out(lemon: LemonSqueezyDouble) -> None:
    lemon.add_variant("401", 900, product_name="Elsewhere", product_id="40")
    lemon.products["40"]["store_id"] = 2

    call_command("bootstrap_subscriptions", processor="lemon_squeezy", verbosity=0)

    assert not Product.objects.filter(processor_id="40").exists()
    assert not Price.objects.filter(processor_id="401").exists()
    assert Price.objects.get(processor_id=PRO).product.name == "Pro"
