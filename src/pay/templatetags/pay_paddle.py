"""Paddle.js in templates: ``{% load pay_paddle %}``.

``{% paddle_js %}`` once per page (it also opens the checkout of a
``?_ptxn=`` transaction link, so put it on your default payment link page),
then ``{% paddle_checkout_button owner price %}`` for each plan on offer.
"""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.db.models import Model

from pay.models import Billable, Customer
from pay.owners import owner_reference
from pay.processors.paddle import PROCESSOR_NAME
from pay.processors.paddle.checkout import PADDLE_JS_URL, overlay_checkout_options, paddle_js_config

register = template.Library()


@register.inclusion_tag("pay/paddle/paddle_js.html")
def paddle_js(success_url: str = "") -> dict[str, Any]:
    """Load and start Paddle.js; ``success_url`` is where buyers go after paying."""
    return {"config": paddle_js_config(success_url), "paddle_js_url": PADDLE_JS_URL}


@register.inclusion_tag("pay/paddle/checkout_button.html")
def paddle_checkout_button(
    owner: Model,
    price: str,
    quantity: int = 1,
    name: str = "default",
    success_url: str = "",
    label: str = "Subscribe",
    css_class: str = "",
) -> dict[str, Any]:
    """A button opening Paddle's checkout overlay for ``price``, bought by ``owner``.

    The checkout carries the owner's signed reference, so the subscription it
    creates is linked to ``owner`` and to no one else. An owner already known to
    Paddle checks out as that customer; any other starts with its email filled in.
    """
    customer = (
        Customer.objects.for_owner(owner)
        .filter(processor=PROCESSOR_NAME, processor_id__isnull=False)
        .first()
    )
    email = owner.pay_customer_email() if isinstance(owner, Billable) else ""
    options = overlay_checkout_options(
        price=price,
        owner_reference=owner_reference(owner),
        quantity=quantity,
        name=name,
        customer_id=(customer.processor_id if customer else None) or "",
        email=email,
        success_url=success_url,
    )
    return {"options": json.dumps(options), "label": label, "css_class": css_class}
