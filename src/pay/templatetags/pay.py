"""``{% load pay %}``: ask about the page's subscription holder in templates.

::

    {% subscription_holder as holder %}
    {% if holder|has_active_subscription %}...{% endif %}
    {% if holder|is_on_plan:"pro,enterprise" %}...{% endif %}
    {% if holder|has_feature:"Unlimited projects" %}...{% endif %}

Each reuses the holder's cached subscription: one query per page at most.
"""

from __future__ import annotations

from typing import Any

from django import template

from pay import holders
from pay.models import Billable

register = template.Library()


@register.simple_tag(takes_context=True)
def subscription_holder(context: template.Context) -> Billable | None:
    """The holder of the page's request (see ``pay.holders.get_subscription_holder``)."""
    request = context.get("request")
    return holders.get_subscription_holder(request) if request is not None else None


@register.filter
def has_active_subscription(holder: Any) -> bool:
    return isinstance(holder, Billable) and holders.has_active_subscription(holder)


@register.filter
def is_on_plan(holder: Any, plans: str) -> bool:
    """``plans`` is comma-separated: product slugs, product ids or plan ids."""
    names = [plan.strip() for plan in plans.split(",") if plan.strip()]
    return isinstance(holder, Billable) and holders.is_on_plan(holder, names)


@register.filter
def has_feature(holder: Any, feature: str) -> bool:
    return isinstance(holder, Billable) and holders.has_feature(holder, feature)
