"""Stripe's test cards, by the shortcut ids and tokens Stripe accepts in test mode.

Each card has a behaviour, as Stripe documents for its test numbers:

- ``succeeds``: every payment succeeds (4242 4242 4242 4242).
- ``declined``: declined, even when attached to a customer (4000 0000 0000 0002).
- ``fails_later``: attaches to a customer, then every payment is declined (4000 0000 0000 0341).
- ``authenticate``: every payment needs 3-D Secure (4000 0027 6000 3184); off-session
  payments fail with ``authentication_required``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class TestCard:
    __test__ = False  # not a pytest test class

    brand: str
    last4: str
    behaviour: str
    decline_code: str = ""


CARDS = {
    "visa": TestCard("visa", "4242", "succeeds"),
    "mastercard": TestCard("mastercard", "4444", "succeeds"),
    "amex": TestCard("amex", "8431", "succeeds"),
    "chargeDeclined": TestCard("visa", "0002", "declined", "generic_decline"),
    "chargeDeclinedInsufficientFunds": TestCard("visa", "9995", "declined", "insufficient_funds"),
    "chargeCustomerFail": TestCard("visa", "0341", "fails_later", "generic_decline"),
    "authenticationRequired": TestCard("visa", "3184", "authenticate"),
    "threeDSecure2Required": TestCard("visa", "3220", "authenticate"),
}


def test_card(reference: str) -> TestCard | None:
    """The card behind ``pm_card_<name>`` or ``tok_<name>``, if it is one of Stripe's test cards."""
    for prefix in ("pm_card_", "tok_"):
        if reference.startswith(prefix):
            return CARDS.get(reference.removeprefix(prefix))
    return None
