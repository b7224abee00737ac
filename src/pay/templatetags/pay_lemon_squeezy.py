"""Lemon Squeezy checkout links in templates: ``{% load pay_lemon_squeezy %}``.

``{% lemon_squeezy_checkout_url owner variant as url %}`` creates a checkout
for that owner through the API and gives its URL, for a link or for Lemon.js's
overlay. Each render creates a checkout, so put it on the page a buyer reaches
by choosing a plan, not on a pricing page every visitor sees.
"""

from __future__ import annotations

from django import template
from django.db.models import Model

from pay.models import Customer
from pay.processors.lemon_squeezy import PROCESSOR_NAME

register = template.Library()


@register.simple_tag
def lemon_squeezy_checkout_url(
    owner: Model,
    variant: str | int,
    quantity: int = 1,
    name: str = "default",
    success_url: str = "",
) -> str:
    """The URL of a new checkout of ``variant`` for ``owner``, carrying its signed reference.

    Uses the owner's Lemon Squeezy customer, creating one without making it the
    owner's default processor.
    """
    customer = Customer.objects.for_owner(owner).filter(processor=PROCESSOR_NAME).first()
    customer = customer or Customer.objects.create(owner=owner, processor=PROCESSOR_NAME)
    session = customer.checkout(
        line_items=[{"price": str(variant), "quantity": quantity}],
        success_url=success_url,
        cancel_url="",
        name=name,
    )
    return session.url
