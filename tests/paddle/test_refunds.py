"""Refunds are Paddle adjustments: split over the charge's items, pending until Paddle approves."""

from __future__ import annotations

from decimal import Decimal

import pytest
from paddle_billing.Entities.Shared import Action, AdjustmentType
from paddle_billing.Resources.Adjustments.Operations import CreateAdjustment, CreateAdjustmentItem

from pay.errors import InvalidAmount
from pay.processors.data import ChargeChanged

from .conftest import SETUP_FEE
from .double import signed_delivery
from .flows import charge_through_checkout

pytestmark = pytest.mark.django_db


@pytest.fixture
def charge(paddle, paddle_customer):
    """A paid charge of two one-time items, 5000 and 1200, with 10% tax: 6820 in all."""
    paddle.tax_rate = Decimal("0.1")
    paddle.add_price("pri_training", 1200, interval=None, product_name="Training")
    return charge_through_checkout(paddle_customer, paddle, SETUP_FEE, "pri_training")


def refund_requests(paddle):
    return [
        body
        for method, path, body in paddle.requests
        if path == "/adjustments" and method == "POST"
    ]


def test_a_charge_is_what_the_buyer_paid_tax_included(charge):
    assert charge.amount == 6820
    assert charge.currency == "usd"
    assert charge.brand == "visa"
    assert charge.last4 == "4242"
    assert charge.data["invoice_number"]


def test_a_partial_refund_takes_from_the_first_item(paddle, charge):
    charge.refund(1000)

    [request] = refund_requests(paddle)
    first_item = paddle.transactions[charge.processor_id]["details"]["line_items"][0]["id"]
    assert request["action"] == "refund"
    assert request["transaction_id"] == charge.processor_id
    assert request["items"] == [{"item_id": first_item, "type": "partial", "amount": "1000"}]
    assert charge.amount_refunded == 1000
    [refund] = charge.data["refunds"]
    assert refund["status"] == "pending_approval"
    assert refund["amount"] == 1000


def test_a_refund_spills_over_to_the_next_item(paddle, charge):
    charge.refund(1000)

    charge.refund(5000)

    lines = paddle.transactions[charge.processor_id]["details"]["line_items"]
    assert refund_requests(paddle)[-1]["items"] == [
        {"item_id": lines[0]["id"], "type": "partial", "amount": "4500"},
        {"item_id": lines[1]["id"], "type": "partial", "amount": "500"},
    ]
    assert charge.amount_refunded == 6000


def test_refunding_everything_refunds_each_item_in_full(paddle, charge):
    charge.refund()

    assert [item["type"] for item in refund_requests(paddle)[-1]["items"]] == ["full", "full"]
    assert charge.fully_refunded()


def test_refunds_made_elsewhere_count(paddle, charge, processor):
    """Paddle refuses more than is left, and the library asks for no more than that."""
    line = paddle.transactions[charge.processor_id]["details"]["line_items"][0]
    elsewhere = CreateAdjustment.partial(
        action=Action.Refund,
        items=[CreateAdjustmentItem(item_id=line["id"], type=AdjustmentType.Full, amount=None)],
        reason="goodwill",
        transaction_id=charge.processor_id,
    )
    processor.client.adjustments.create(elsewhere)
    calls = len(refund_requests(paddle))

    with pytest.raises(InvalidAmount, match="only 1320 more"):
        processor.refund(charge.details(), 2000)

    assert len(refund_requests(paddle)) == calls


def test_a_rejected_refund_no_longer_counts(paddle, charge, processor):
    charge.refund(1000)
    adjustment_id = charge.data["refunds"][0]["id"]

    paddle.review_refund(adjustment_id, "rejected")
    updated = paddle.events_of("adjustment.updated")[-1]
    [change] = processor.translate_webhook(processor.verify_webhook(*signed_delivery(updated)))

    assert isinstance(change, ChargeChanged)
    assert change.charge.processor_id == charge.processor_id
    assert change.charge.amount_refunded == 0
    assert change.charge.data["refunds"] == [
        {"id": adjustment_id, "amount": 1000, "status": "rejected"}
    ]


def test_a_late_completed_event_keeps_the_refunds(paddle, charge, processor):
    """Events arrive in any order: the charge is rebuilt from Paddle, refunds included."""
    charge.refund(1000)
    completed = next(
        event
        for event in paddle.events_of("transaction.completed")
        if event["data"]["id"] == charge.processor_id
    )

    changes = processor.translate_webhook(processor.verify_webhook(*signed_delivery(completed)))

    [charged] = [change for change in changes if isinstance(change, ChargeChanged)]
    assert charged.charge.amount_refunded == 1000
