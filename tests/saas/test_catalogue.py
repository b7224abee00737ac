"""The local catalogue: products and prices copied from the processor, and the bootstrap command."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from pay.metadata import PlanInterval, plans_for
from pay.models import Price, Product, sync_catalogue
from tests.stripe_double import StripeDouble

pytestmark = pytest.mark.django_db


def test_the_fake_catalogue_is_seeded_and_configurable(settings: Any) -> None:
    settings.PAY_FAKE_PROCESSOR_PLANS = {
        "pro-monthly": {"amount": 2500},
        "starter-annual": {"active": False},
        "team-annual": {
            "product": "prod_team",
            "product_name": "Team",
            "amount": 90000,
            "interval": "year",
        },
    }
    sync_catalogue("fake_processor")
    assert sorted(Product.objects.values_list("processor_id", "name")) == [
        ("prod_enterprise", "Enterprise"),
        ("prod_pro", "Pro"),
        ("prod_starter", "Starter"),
        ("prod_team", "Team"),
    ]
    pro = Price.objects.get(processor_id="pro-monthly")
    assert (pro.product.name, pro.amount, pro.currency, pro.interval) == (
        "Pro",
        2500,
        "usd",
        "month",
    )
    assert not Price.objects.get(processor_id="starter-annual").active
    assert Price.objects.get(processor_id="team-annual").interval == "year"


def test_the_fake_processor_renews_annual_catalogue_plans_yearly() -> None:
    from pay.processors.fake.periods import plan_interval

    assert plan_interval("enterprise-seat-annual") == ("year", 1)
    assert plan_interval("not-in-the-catalogue") == ("month", 1)


def test_a_second_sync_updates_rows_and_retires_what_disappeared(settings: Any) -> None:
    settings.PAY_FAKE_PROCESSOR_PLANS = {"basic-monthly": {"amount": 500}}
    sync_catalogue("fake_processor")
    assert Price.objects.get(processor_id="basic-monthly").product.name == "basic-monthly"
    settings.PAY_FAKE_PROCESSOR_PLANS = {"pro-monthly": {"amount": 3500, "product_name": "Pro+"}}

    sync_catalogue("fake_processor")

    assert Price.objects.get(processor_id="pro-monthly").amount == 3500
    assert Product.objects.get(processor_id="prod_pro").name == "Pro+"
    retired = Price.objects.get(processor_id="basic-monthly")
    assert (retired.active, retired.product.active) == (False, False)
    assert Price.objects.filter(active=True).count() == 6


def test_plans_for_an_interval_come_from_the_catalogue(catalogue: Any) -> None:
    monthly = plans_for(PlanInterval.MONTH)
    assert [(p.product.slug, p.price.processor_id if p.price else None) for p in monthly] == [
        ("starter", "starter-monthly"),
        ("pro", "pro-monthly"),
        ("enterprise", "enterprise-seat-monthly"),
    ]
    assert [p.display_price for p in monthly] == ["$10.00", "$30.00", "From $15 per user"]
    assert [p.display_price for p in plans_for("year")] == ["$100.00", "$300.00", "Ask us"]


def test_bootstrap_on_the_fake_processor(capsys: Any) -> None:
    call_command("bootstrap_subscriptions")
    out = capsys.readouterr().out
    for plan in ("starter-monthly", "pro-annual", "enterprise-seat-monthly"):
        assert f"Synchronized plan {plan}\n" in out
    block = out[out.index("from pay.metadata") :]
    namespace: dict[str, Any] = {}
    exec(block, namespace)  # the block is valid Python, ready to paste
    assert [(p.processor_id, p.slug) for p in namespace["ACTIVE_PRODUCTS"]] == [
        ("prod_starter", "starter"),
        ("prod_pro", "pro"),
        ("prod_enterprise", "enterprise"),
        ("basic-monthly", "basic-monthly"),  # the test settings' plan without a product
    ]


def test_bootstrap_quietly(capsys: Any) -> None:
    call_command("bootstrap_subscriptions", verbosity=0)
    assert capsys.readouterr().out == ""
    assert Price.objects.filter(processor_id="pro-annual").exists()


def test_bootstrap_names_a_disabled_processor() -> None:
    with pytest.raises(CommandError, match="not enabled"):
        call_command("bootstrap_subscriptions", processor="stripe")


def test_stripe_catalogue_every_page(stripe_double: StripeDouble, capsys: Any) -> None:
    stripe_double.add_product("prod_pro", "Pro", "For professionals")
    stripe_double.add_price("price_pro_2026", 3500, product="prod_pro")
    stripe_double.add_price(
        "price_seats_tiered",
        None,
        product="prod_pro",
        interval="year",
        tiers=[{"up_to": 5, "unit_amount": 1000}, {"up_to": "inf", "unit_amount": 800}],
    )
    for n in range(110):
        stripe_double.add_product(f"prod_bulk_{n:03}", f"Bulk {n}")

    call_command("bootstrap_subscriptions", processor="stripe")

    out = capsys.readouterr().out
    assert "Synchronized plan price_pro_2026\n" in out
    assert "Synchronized plan price_one_off_ebook\n" in out
    assert Product.objects.filter(processor="stripe").count() == 5 + 1 + 110
    pro = Price.objects.get(processor="stripe", processor_id="price_pro_2026")
    assert (pro.product.name, pro.product.description, pro.amount) == (
        "Pro",
        "For professionals",
        3500,
    )
    tiered = Price.objects.get(processor_id="price_seats_tiered")
    assert (tiered.amount, tiered.billing_scheme, tiered.interval) == (None, "tiered", "year")
    assert tiered.tiers == [
        {"up_to": 5, "unit_amount": 1000, "flat_amount": None},
        {"up_to": None, "unit_amount": 800, "flat_amount": None},
    ]
    one_off = Price.objects.get(processor_id="price_one_off_ebook")
    assert (one_off.interval, one_off.recurring) == (None, False)
    product_pages = [r for r in stripe_double.requests if r.path == "/v1/products"]
    assert [r.params.get("starting_after") is not None for r in product_pages] == [False, True]
