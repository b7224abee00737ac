"""Paddle's catalogue, every page of it, into the local one."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from pay.models import Price, Product

from .double import PaddleDouble

pytestmark = pytest.mark.django_db


def test_bootstrap_copies_products_and_prices_from_every_page(
    paddle: PaddleDouble, capsys: Any
) -> None:
    team = paddle.add_product("Team", "For teams")
    paddle.add_price("pri_team_seat", 900, product_id=team["id"], currency="EUR")
    for n in range(200):
        paddle.add_product(f"Archive {n}")

    call_command("bootstrap_subscriptions", processor="paddle_billing")

    assert "Synchronized plan pri_team_seat\n" in capsys.readouterr().out
    assert Product.objects.filter(processor="paddle_billing").count() == len(paddle.products)
    seat = Price.objects.get(processor="paddle_billing", processor_id="pri_team_seat")
    assert (seat.product.name, seat.product.description) == ("Team", "For teams")
    assert (seat.amount, seat.currency, seat.interval, seat.interval_count) == (
        900,
        "eur",
        "month",
        1,
    )
    fee = Price.objects.get(processor_id="pri_setup_fee")
    assert (fee.amount, fee.interval) == (5000, None)
    assert Price.objects.get(processor_id="pri_pro_annual").interval == "year"
    pages = [path for method, path, _ in paddle.requests if path == "/products"]
    assert len(pages) == 2
