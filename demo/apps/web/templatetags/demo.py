"""Template filters for the demo's pages."""

from __future__ import annotations

from django import template

register = template.Library()

SYMBOLS = {"usd": "$", "eur": "€", "gbp": "£"}


@register.filter
def money(amount: int, currency: str = "usd") -> str:
    """``2550|money:"usd"`` is ``$25.50``: an amount in minor units, as django-pay keeps them."""
    units, cents = divmod(int(amount), 100)
    symbol = SYMBOLS.get(currency.lower(), currency.upper() + " ")
    return f"{symbol}{units:,}.{cents:02d}"
