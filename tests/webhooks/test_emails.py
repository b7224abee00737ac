"""Customer emails: one per event that calls for it, each switchable off."""

from __future__ import annotations

from datetime import timedelta

import django
import pytest
from django.core.mail.backends.base import BaseEmailBackend

from pay.models import Charge, Webhook
from tests.paddle.conftest import BASIC, checkout
from tests.paddle.double import signed_delivery

from .conftest import deliver_stripe, post

pytestmark = pytest.mark.django_db


def deliver_last(client, double, event_type):
    assert deliver_stripe(client, double.events_of(event_type)[-1]).status_code == 200


def test_receipt(stripe_double, stripe_customer, client, mailoutbox):
    stripe_customer.charge(2500)

    deliver_last(client, stripe_double, "charge.succeeded")

    (email,) = mailoutbox
    assert email.to == ["ada@example.com"]
    assert email.subject == "Your receipt: 25.00 USD"
    assert "Visa ending in 4242" in email.body
    assert "https://pay.stripe.com/receipts/" in email.body


def test_refund(stripe_double, stripe_customer, client, mailoutbox):
    stripe_customer.charge(2500).refund(1000)

    deliver_last(client, stripe_double, "charge.refunded")

    (email,) = mailoutbox
    assert email.subject == "Your refund of 10.00 USD"
    assert "refunded 10.00 USD of your payment of 25.00 USD" in email.body


@pytest.mark.parametrize(
    ("card", "event_type", "subject"),
    [
        ("pm_card_chargeCustomerFail", "invoice.payment_failed", "Your payment of 10.00 USD fail"),
        (
            "pm_card_authenticationRequired",
            "invoice.payment_action_required",
            "Please confirm your payment of 10.00 USD",
        ),
    ],
)
def test_payment_problems(
    stripe_double, stripe_customer, client, mailoutbox, time_machine, card, event_type, subject
):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")
    stripe_customer.add_payment_method(card)
    time_machine.move_to(subscription.current_period_end + timedelta(hours=1))
    subscription.sync()

    deliver_last(client, stripe_double, event_type)

    (email,) = mailoutbox
    assert email.subject.startswith(subject)
    invoice = stripe_double.events_of(event_type)[-1]["data"]["object"]
    assert invoice["hosted_invoice_url"] in email.body


def test_trial_will_end(stripe_double, stripe_customer, client, mailoutbox, time_machine):
    subscription = stripe_customer.subscribe(plan="price_basic_monthly", trial_period_days=14)
    time_machine.move_to(subscription.trial_ends_at - timedelta(days=2))
    subscription.sync()

    deliver_last(client, stripe_double, "customer.subscription.trial_will_end")

    (email,) = mailoutbox
    assert email.subject == f"Your trial ends on {subscription.trial_ends_at:%B} " + str(
        subscription.trial_ends_at.day
    )


@pytest.mark.parametrize(("plan", "emails"), [("price_pro_annual", 1), ("price_basic_monthly", 0)])
def test_renewing_is_announced_for_yearly_plans(
    stripe_double, stripe_customer, client, mailoutbox, time_machine, plan, emails
):
    subscription = stripe_customer.subscribe(plan=plan)
    time_machine.move_to(subscription.current_period_end - timedelta(days=6))
    subscription.sync()

    deliver_last(client, stripe_double, "invoice.upcoming")

    assert len(mailoutbox) == emails
    if emails:
        assert mailoutbox[0].subject.startswith("Your subscription renews on")


def test_each_email_can_be_switched_off(
    stripe_double, stripe_customer, client, mailoutbox, settings
):
    settings.PAY_EMAILS = {"receipt": False}
    stripe_customer.charge(2500).refund(1000)

    deliver_last(client, stripe_double, "charge.succeeded")
    deliver_last(client, stripe_double, "charge.refunded")

    assert [email.subject for email in mailoutbox] == ["Your refund of 10.00 USD"]


def test_templates_can_be_overridden(
    stripe_double, stripe_customer, client, mailoutbox, settings, tmp_path
):
    emails = tmp_path / "pay" / "emails"
    emails.mkdir(parents=True)
    (emails / "receipt_subject.txt").write_text("Thanks from Engines Inc.")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path]}]
    stripe_customer.charge(2500)

    deliver_last(client, stripe_double, "charge.succeeded")

    assert mailoutbox[0].subject == "Thanks from Engines Inc."


def test_the_owner_email_hook_picks_the_recipient(stripe_double, team, client, mailoutbox):
    customer = team.set_payment_processor("stripe")
    customer.add_payment_method("pm_card_visa")
    customer.charge(2500)

    deliver_last(client, stripe_double, "charge.succeeded")

    assert mailoutbox[0].to == ["billing@engines.test"]


def test_no_email_without_an_address(stripe_double, stripe_customer, client, mailoutbox, user):
    user.email = ""
    user.save()
    stripe_customer.charge(2500)

    deliver_last(client, stripe_double, "charge.succeeded")

    assert mailoutbox == []
    assert Charge.objects.count() == 1


def test_a_paddle_checkout_sends_a_receipt(paddle, paddle_customer, client, mailoutbox):
    checkout(paddle_customer, paddle, BASIC)
    (completed,) = paddle.events_of("transaction.completed")

    for _ in range(2):
        post(client, "/pay/webhooks/paddle_billing/", *signed_delivery(completed))

    (email,) = mailoutbox
    assert email.subject == "Your receipt: 10.00 USD"


def test_a_mail_server_that_is_down_loses_the_email_not_the_event(
    stripe_double, stripe_customer, client, settings, caplog
):
    if django.VERSION >= (6, 1):
        settings.MAILERS = {"default": {"BACKEND": "tests.webhooks.test_emails.BrokenMailServer"}}
    else:
        settings.EMAIL_BACKEND = "tests.webhooks.test_emails.BrokenMailServer"
    stripe_customer.charge(2500)

    response = deliver_stripe(client, stripe_double.events_of("charge.succeeded")[-1])

    assert response.status_code == 200
    assert Webhook.objects.get().status == Webhook.Status.PROCESSED
    assert "mail server is down" in caplog.text


class BrokenMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise ConnectionRefusedError("the mail server is down")


def test_action_required_links_to_this_site_s_confirmation_page_when_it_knows_its_domain(
    stripe_double, stripe_customer, client, mailoutbox, time_machine, monkeypatch
):
    monkeypatch.setattr("pay.absolute_urls.site_root", lambda request=None: "https://app.test")
    subscription = stripe_customer.subscribe(plan="price_basic_monthly")
    stripe_customer.add_payment_method("pm_card_authenticationRequired")
    time_machine.move_to(subscription.current_period_end + timedelta(hours=1))
    subscription.sync()

    deliver_last(client, stripe_double, "invoice.payment_action_required")

    (email,) = mailoutbox
    assert "Confirm your payment: https://app.test/pay/stripe/payments/pi_" in email.body
