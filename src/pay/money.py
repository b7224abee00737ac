"""Amounts in minor units, written for people: one place knows how many decimals a currency has."""

from __future__ import annotations

#: Currencies without minor units (Stripe's list): their amounts are whole units.
ZERO_DECIMAL = frozenset(
    {"bif", "clp", "djf", "gnf", "jpy", "kmf", "krw", "mga"}
    | {"pyg", "rwf", "ugx", "vnd", "vuv", "xaf", "xof", "xpf"}
)


def major_units(amount: int, currency: str, grouped: bool = False) -> str:
    """``1999, "usd"`` as ``"19.99"``, ``500, "jpy"`` as ``"500"``; with ``grouped``,
    thousands are separated (``"1,234.00"``). Integer arithmetic only: no float rounding."""
    separator = "," if grouped else ""
    if currency.lower() in ZERO_DECIMAL:
        return f"{amount:{separator}}"
    units, cents = divmod(amount, 100)
    return f"{units:{separator}}.{cents:02d}"


def format_money(amount: int, currency: str) -> str:
    """``1999, "usd"`` as ``"19.99 USD"``; the bare number when the currency is unknown."""
    if not currency:
        return str(amount)
    return f"{major_units(amount, currency)} {currency.upper()}"
