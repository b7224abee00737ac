"""The emails a customer gets because of a processor's event.

Each kind is on unless ``PAY_EMAILS`` turns it off (``{"receipt": False}``), and
each is two templates a project can override: ``pay/emails/<kind>_subject.txt``
and ``pay/emails/<kind>.txt``. Mail goes to the owner's ``pay_customer_email()``
after the processing transaction commits, so an event mails once: never for a
delivery that changed nothing, never twice for a retried one.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import NoReverseMatch

from pay import conf
from pay.absolute_urls import absolute_url
from pay.errors import InvalidAction
from pay.models import Customer
from pay.money import format_money
from pay.processors.data import (
    Change,
    ChargeChanged,
    ChargeRefunded,
    ChargeSucceeded,
    PaymentActionRequired,
    PaymentProblem,
    RenewalUpcoming,
    SubscriptionChanged,
    TrialEnding,
)

from .apply import subscription_of

logger = logging.getLogger("pay.webhooks")

#: Change type -> email kind; the most specific type first.
KINDS: list[tuple[type[Change], str]] = [
    (ChargeSucceeded, "receipt"),
    (ChargeRefunded, "refund"),
    (PaymentActionRequired, "payment_action_required"),
    (PaymentProblem, "payment_failed"),
    (TrialEnding, "trial_will_end"),
    (RenewalUpcoming, "subscription_renewing"),
]


def kind_of(change: Change) -> str:
    return next((kind for type_, kind in KINDS if isinstance(change, type_)), "")


def enabled(kind: str) -> bool:
    return bool(conf.get("PAY_EMAILS").get(kind, True))


def send_on_commit(processor: str, changes: Iterable[Change]) -> None:
    """Queue the emails ``changes`` call for, to go out when the transaction commits."""
    for change in changes:
        kind = kind_of(change)
        if not kind or not enabled(kind):
            continue
        message = _message(processor, kind, change)
        if message is not None:
            # robust: a mail server that is down must not turn a processed event into a failed one.
            transaction.on_commit(_sender(*message), robust=True)


def _message(processor: str, kind: str, change: Change) -> tuple[str, str, str] | None:
    customer = Customer.objects.filter(
        processor=processor, processor_id=change.customer_processor_id
    ).first()
    if customer is None or customer.owner is None:
        return None
    recipient = customer.owner_details().email
    if not recipient:
        logger.info("No email for %s; the %s email was not sent.", customer, kind)
        return None
    context = {"customer": customer, "owner": customer.owner, **_context(customer, change)}
    subject = render_to_string(f"pay/emails/{kind}_subject.txt", context)
    body = render_to_string(f"pay/emails/{kind}.txt", context)
    return " ".join(subject.split()), body, recipient


def _context(customer: Customer, change: Change) -> dict[str, Any]:
    if isinstance(change, ChargeChanged):
        charge = change.charge
        return {
            "charge": customer.charges.filter(processor_id=charge.processor_id).first(),
            "amount": format_money(charge.amount, charge.currency),
            "amount_refunded": format_money(charge.amount_refunded, charge.currency),
            "receipt_url": charge.receipt_url,
        }
    if isinstance(change, SubscriptionChanged):
        details = change.subscription
        return {
            "subscription": subscription_of(customer, details.processor_id),
            "plan": details.plan,
            "trial_ends_at": details.trial_ends_at,
            "renews_at": details.current_period_end,
        }
    if isinstance(change, PaymentProblem):
        return {
            "subscription": subscription_of(customer, change.subscription_processor_id),
            "amount": format_money(change.amount, change.currency),
            "reason": change.reason,
            "action_url": _confirmation_page(customer, change) or change.action_url,
        }
    return {}


def _confirmation_page(customer: Customer, change: PaymentProblem) -> str:
    """This site's own page for confirming a Stripe payment, when the site knows its domain
    (the Sites framework); otherwise the processor's page is the link."""
    if not (isinstance(change, PaymentActionRequired) and change.payment_intent_id):
        return ""
    if customer.processor != "stripe":
        return ""
    from pay.processors.stripe.views import confirm_payment_url

    try:
        return absolute_url(confirm_payment_url(change.payment_intent_id))
    except (InvalidAction, NoReverseMatch):
        return ""


def _sender(subject: str, body: str, recipient: str) -> Callable[[], None]:
    def send_customer_email() -> None:
        send_mail(subject, body, None, [recipient])

    return send_customer_email
