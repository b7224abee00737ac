"""The demo switched to each processor by setting: upgrading from the Subscription page, paying
the processor's checkout, then the subscription on the page and "Manage billing".

Each processor bills against its test double (the real SDK or HTTP client underneath); what
happens in the buyer's browser (Paddle.js, the Drop-in UI, a hosted checkout) is done by the
double's checkout completion or the nonce the Drop-in UI would post, and the processor's
signed webhooks are posted to the demo's endpoint.
"""

from __future__ import annotations

import abc
import json
import re
import runpy
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from django.core import mail
from django.http import HttpResponse
from django.test import Client, TestCase
from django.urls import reverse

from apps.teams.models import Team
from pay.models import Subscription, sync_catalogue
from pay.owners import resolve_owner
from pay.processors.data import SubscriptionStatus

pytestmark = pytest.mark.django_db

SERVER = "http://testserver"
SETTINGS_FILE = Path(__file__).resolve().parent.parent / "config" / "settings.py"
#: The demo's catalogue at every processor: slug, amount (minor units), interval per price.
PLANS = {
    "starter-monthly": ("starter", 1000, "month"),
    "starter-annual": ("starter", 10000, "year"),
    "pro-monthly": ("pro", 3000, "month"),
    "pro-annual": ("pro", 30000, "year"),
}
PRODUCTS = ("starter", "pro")
#: How the Subscription page shows Pro, by interval.
PRO_SHOWN = {
    "month": '$30.00</span> <span class="muted">per seat per month',
    "year": '$300.00</span> <span class="muted">per seat per year',
}


def url(name: str, team: Team, *args: str) -> str:
    return reverse(name, args=[team.slug, *args])


def use_processor(settings: Any, name: str, product_ids: dict[str, str]) -> None:
    """What DEMO_PAYMENT_PROCESSOR and the DEMO_<PROCESSOR>_PRODUCT_* variables configure."""
    settings.DEMO_PAYMENT_PROCESSOR = name
    settings.PAY_PROCESSORS = [name]
    settings.DEMO_PRODUCT_IDS = {**settings.DEMO_PRODUCT_IDS, name: product_ids}


def posted(requests: list[tuple[str, str, Any]], path: str) -> list[Any]:
    """The bodies of the POSTs to ``path`` a double recorded."""
    return [body for verb, at, body in requests if (verb, at) == ("POST", path)]


#: A webhook as the processor posts it: the body and the headers.
Delivery = tuple[bytes, dict[str, str]]


def deliver(client: Client, processor: str, deliveries: list[Delivery]) -> None:
    """POST each webhook to the demo's endpoint for ``processor``; each must be taken."""
    endpoint = reverse("pay:webhook", kwargs={"processor": processor})
    for body, headers in deliveries:
        content_type = headers.get("Content-Type", "application/x-www-form-urlencoded")
        response = client.post(endpoint, body, content_type=content_type, headers=headers)
        assert response.status_code == 200, response.content


class Harness(abc.ABC):
    """One processor in the demo: its setup, its checkout as the buyer goes through it, and
    where "Manage billing" leads."""

    name: str
    pro_price: str  #: the price of Pro the admin buys
    interval = "year"  #: its interval

    @abc.abstractmethod
    def checkout(self, client: Client, team: Team, upgrade: HttpResponse) -> None:
        """Check the checkout the upgrade started, then pay it as the buyer would."""

    @abc.abstractmethod
    def assert_manage_billing(self, location: str, team: Team) -> None:
        """Check where "Manage billing" sent the team's admin."""


class FakeHarness(Harness):
    name, pro_price = "fake_processor", "pro-annual"

    def __init__(self, settings: Any) -> None:
        sync_catalogue(self.name)

    def checkout(self, client: Client, team: Team, upgrade: HttpResponse) -> None:
        page = upgrade["Location"]
        assert "&times; 2 seats" in client.get(page).content.decode()
        welcome = client.post(page, {"card_number": "4242 4242 4242 4242"})["Location"]
        assert welcome.startswith(f"{SERVER}{url('team_pay:checkout_return', team)}?session_id=")
        client.get(welcome)

    def assert_manage_billing(self, location: str, team: Team) -> None:
        assert location == url("team_pay:billing", team)


class StripeHarness(Harness):
    name, pro_price = "stripe", "price_pro_annual"

    def __init__(self, double: Any) -> None:
        self.double = double

    def checkout(self, client: Client, team: Team, upgrade: HttpResponse) -> None:
        assert upgrade["Location"].startswith("https://checkout.stripe.com/c/pay/cs_")
        [request] = self.double.created("/v1/checkout/sessions")
        assert request.params["customer"] == team.payment_processor.processor_id
        assert request.params["line_items"] == {"0": {"price": self.pro_price, "quantity": "2"}}
        welcome = f"{SERVER}{url('team_pay:checkout_return', team)}"
        assert request.params["success_url"] == f"{welcome}?session_id={{CHECKOUT_SESSION_ID}}"
        session_id = urlsplit(upgrade["Location"]).path.rsplit("/", 1)[-1]
        self.double.complete_checkout(session_id)
        client.get(welcome, {"session_id": session_id})

    def assert_manage_billing(self, location: str, team: Team) -> None:
        assert location.startswith("https://billing.stripe.com/p/session/")


class PaddleHarness(Harness):
    name, pro_price = "paddle_billing", "pri_pro_annual"

    def __init__(self, settings: Any) -> None:
        from tests.paddle.double import enable_paddle

        self.double = enable_paddle(settings)
        products = {slug: self.double.add_product(slug.title())["id"] for slug in PRODUCTS}
        use_processor(settings, self.name, products)
        for plan, (slug, amount, interval) in PLANS.items():
            price_id = f"pri_{plan.replace('-', '_')}"
            self.double.add_price(price_id, amount, interval=interval, product_id=products[slug])
        sync_catalogue(self.name)  # as bootstrap_subscriptions does

    def checkout(self, client: Client, team: Team, upgrade: HttpResponse) -> None:
        from tests.paddle.double import CLIENT_TOKEN, signed_delivery

        page_url = f"{SERVER}{url('team_pay:paddle_checkout', team)}"
        [transaction] = posted(self.double.requests, "/transactions")
        assert transaction["customer_id"] == team.payment_processor.processor_id
        assert transaction["items"] == [{"price_id": self.pro_price, "quantity": 2}]
        assert resolve_owner(transaction["custom_data"]["pay_owner"]) == team
        assert transaction["checkout"] == {"url": page_url}
        assert upgrade["Location"].startswith(f"{page_url}?_ptxn=txn_")
        transaction_id = parse_qs(urlsplit(upgrade["Location"]).query)["_ptxn"][0]

        page = client.get(upgrade["Location"]).content.decode()
        config = json_script(page, "pay-paddle-config")
        welcome = f"{SERVER}{url('team_pay:checkout_return', team)}?session_id={transaction_id}"
        assert config["token"] == CLIENT_TOKEN
        assert config["checkout"]["settings"]["successUrl"] == welcome
        assert f"{{&quot;transactionId&quot;: &quot;{transaction_id}&quot;}}" in page
        assert "https://cdn.paddle.com/paddle/v2/paddle.js" in page

        already_sent = len(self.double.events)
        self.double.complete_checkout(transaction_id)  # what the buyer does in Paddle.js
        new_events = self.double.events[already_sent:]
        deliver(client, self.name, [signed_delivery(event) for event in new_events])
        client.get(welcome)

    def assert_manage_billing(self, location: str, team: Team) -> None:
        assert location.startswith("https://sandbox-customer-portal.paddle.com/")


class LemonSqueezyHarness(Harness):
    name = "lemon_squeezy"
    variants = dict(zip(PLANS, ("201", "202", "203", "204"), strict=True))
    pro_price = variants["pro-annual"]

    def __init__(self, settings: Any) -> None:
        from tests.lemon_squeezy.double import enable_lemon_squeezy

        self.double = enable_lemon_squeezy(settings)
        products = {"starter": "20", "pro": "21"}
        use_processor(settings, self.name, products)
        for plan, variant in self.variants.items():
            slug, amount, interval = PLANS[plan]
            name, product = slug.title(), products[slug]
            self.double.add_variant(
                variant, amount, interval=interval, product_name=name, product_id=product
            )
        sync_catalogue(self.name)  # as bootstrap_subscriptions does

    def checkout(self, client: Client, team: Team, upgrade: HttpResponse) -> None:
        from tests.lemon_squeezy.double import signed_delivery

        [document] = posted(self.double.requests, "checkouts")
        attributes = document["data"]["attributes"]
        data = attributes["checkout_data"]
        assert data["email"] == team.pay_customer_email()
        assert data["variant_quantities"] == [{"variant_id": int(self.pro_price), "quantity": 2}]
        assert resolve_owner(data["custom"]["pay_owner"]) == team
        welcome = f"{SERVER}{url('team_pay:checkout_return', team)}"
        assert attributes["product_options"]["redirect_url"] == welcome
        assert upgrade["Location"].startswith("https://store.double.test/checkout/custom/")

        checkout_id = urlsplit(upgrade["Location"]).path.rsplit("/", 1)[-1]
        already_sent = len(self.double.events)
        paid = self.double.complete_checkout(checkout_id)  # the buyer pays on Lemon Squeezy
        assert str(paid["customer_id"]) == team.payment_processor.processor_id
        deliver(client, self.name, [signed_delivery(e) for e in self.double.events[already_sent:]])
        client.get(welcome)

    def assert_manage_billing(self, location: str, team: Team) -> None:
        customer_id = team.payment_processor.processor_id
        assert location.startswith(f"https://store.double.test/billing?customer={customer_id}&")


class BraintreeHarness(Harness):
    """Braintree's catalogue has a product per plan: the demo's products are monthly plans."""

    name, pro_price, interval = "braintree", "pro-monthly", "month"

    def __init__(self, settings: Any) -> None:
        from tests.braintree.double import enable_braintree

        self.double = enable_braintree(settings)
        plans = [plan for plan, (_, _, interval) in PLANS.items() if interval == "month"]
        use_processor(settings, self.name, dict(zip(PRODUCTS, plans, strict=True)))
        for plan in plans:
            self.double.add_plan(plan, f"{PLANS[plan][1] / 100:.2f}")
        sync_catalogue(self.name)  # as bootstrap_subscriptions does

    def checkout(self, client: Client, team: Team, upgrade: HttpResponse) -> None:
        page_url = f"{url('team_pay:braintree_checkout', team)}?price={self.pro_price}"
        assert upgrade["Location"] == page_url
        page = client.get(page_url).content.decode()
        assert "<td>pro-monthly, per month</td><td>$30.00 per seat</td>" in page  # the plan's name
        assert '<td data-testid="checkout-seats">&times; 2 seats</td>' in page
        assert json_script(page, "pay-braintree-client-token")
        assert ("POST", "/client_token") in self.double.requests
        assert "js.braintreegateway.com/web/dropin/" in page

        paid = client.post(page_url, {"payment_method_nonce": "fake-valid-nonce"})

        assert paid["Location"] == url("team_pay:subscription", team)
        [subscription] = self.double.subscriptions.values()
        assert subscription["plan_id"] == self.pro_price
        [seats] = subscription["add_ons"]
        assert (seats["id"], seats["quantity"]) == ("seat", 1)  # the plan is the first seat
        method = self.double.payment_methods[subscription["payment_method_token"]]
        assert method["customer_id"] == team.payment_processor.processor_id

    def assert_manage_billing(self, location: str, team: Team) -> None:
        assert location == url("team_pay:billing", team)


def json_script(page: str, element_id: str) -> Any:
    found = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', page)
    assert found, f"no #{element_id} on the page"
    return json.loads(found.group(1))


PROCESSORS = ["fake_processor", "stripe", "paddle_billing", "braintree", "lemon_squeezy"]


@pytest.fixture(params=PROCESSORS)
def harness(request: pytest.FixtureRequest, settings: Any, db: None) -> Iterator[Harness]:
    """The demo switched to one processor (``DEMO_PAYMENT_PROCESSOR``), against its double."""
    harness: Harness
    if request.param == "stripe":
        harness = StripeHarness(request.getfixturevalue("demo_stripe"))
    else:
        harness = {
            "fake_processor": FakeHarness,
            "paddle_billing": PaddleHarness,
            "braintree": BraintreeHarness,
            "lemon_squeezy": LemonSqueezyHarness,
        }[request.param](settings)
    yield harness
    if isinstance(harness, BraintreeHarness):
        harness.double.stop()  # the only double with a server of its own


def test_an_admin_upgrades_the_team_and_manages_its_billing(harness, team, owner, member, login):
    client = login(owner)
    plans = client.get(url("team_pay:subscription", team), {"interval": harness.interval})
    assert PRO_SHOWN[harness.interval] in plans.content.decode()

    upgrade = client.post(url("team_pay:upgrade", team), {"price": harness.pro_price})
    harness.checkout(client, team, upgrade)

    team.forget_subscriptions()
    subscription: Subscription = team.active_subscription()
    assert subscription.customer.processor == harness.name
    assert (subscription.processor_plan, subscription.quantity) == (harness.pro_price, 2)
    assert subscription.status == SubscriptionStatus.ACTIVE
    page = client.get(url("team_pay:subscription", team)).content.decode()
    assert '<span class="badge badge-pro">Pro</span>' in page
    assert '<span class="badge badge-ok">Active</span>' in page
    assert '<dd data-testid="seats-billed">2</dd>' in page
    assert client.get(reverse("web:demo_pro", args=[team.slug])).status_code == 200

    manage = client.post(url("team_pay:manage_billing", team))
    harness.assert_manage_billing(manage["Location"], team)


@pytest.mark.parametrize("harness", ["braintree"], indirect=True)
def test_braintree_is_cancelled_and_resumed_on_the_built_in_billing_page(
    harness, team, owner, member, login
):
    client = login(owner)
    upgrade = client.post(url("team_pay:upgrade", team), {"price": "pro-monthly"})
    client.post(upgrade["Location"], {"payment_method_nonce": "fake-valid-nonce"})
    [braintree_subscription] = harness.double.subscriptions.values()

    client.post(url("team_pay:billing_action", team, "cancel"))
    team.forget_subscriptions()
    assert team.active_subscription().on_grace_period()
    assert braintree_subscription["number_of_billing_cycles"] == 1  # billing stops at period end
    assert "Resume" in client.get(url("team_pay:billing", team)).content.decode()

    client.post(url("team_pay:billing_action", team, "resume"))
    team.forget_subscriptions()
    assert not team.active_subscription().cancelled()
    assert braintree_subscription["number_of_billing_cycles"] is None


def end_at_paddle(harness: PaddleHarness, subscription: Subscription) -> list[Delivery]:
    from tests.paddle.double import signed_delivery

    subscription.cancel_now()
    return [signed_delivery(e) for e in harness.double.events_of("subscription.canceled")]


def end_at_braintree(harness: BraintreeHarness, subscription: Subscription) -> list[Delivery]:
    from tests.braintree.webhooks import delivery

    subscription.cancel_now()
    body = delivery(
        subscription.customer.backend, "subscription_canceled", subscription.processor_id
    )
    return [(body, {})]


def end_at_lemon_squeezy(
    harness: LemonSqueezyHarness, subscription: Subscription
) -> list[Delivery]:
    from tests.lemon_squeezy.double import signed_delivery

    subscription.cancel()  # Lemon Squeezy's only cancellation: it expires at the period's end
    with time_machine.travel(subscription.ends_at + timedelta(hours=1)):
        subscription.sync()
    return [signed_delivery(e) for e in harness.double.events_of("subscription_expired")]


@pytest.mark.parametrize(
    ("harness", "end"),
    [
        ("paddle_billing", end_at_paddle),
        ("braintree", end_at_braintree),
        ("lemon_squeezy", end_at_lemon_squeezy),
    ],
    indirect=["harness"],
)
def test_an_ended_subscription_mails_the_site_admins(harness, end, team, owner, member, login):
    client = login(owner)
    upgrade = client.post(url("team_pay:upgrade", team), {"price": harness.pro_price})
    harness.checkout(client, team, upgrade)
    subscription = team.active_subscription()

    with TestCase.captureOnCommitCallbacks(execute=True):
        deliver(client, harness.name, end(harness, subscription))

    [message] = [m for m in mail.outbox if "Subscription cancelled" in m.subject]
    assert message.subject.endswith("Subscription cancelled: Acme")
    assert subscription.processor_id in message.body


@pytest.mark.parametrize(
    ("processor", "prefix"),
    [("paddle_billing", "PADDLE"), ("braintree", "BRAINTREE"), ("lemon_squeezy", "LEMON_SQUEEZY")],
)
def test_the_environment_switches_the_demo_to_a_processor(monkeypatch, processor, prefix):
    monkeypatch.setenv("DEMO_PAYMENT_PROCESSOR", processor)
    ids = {"starter": "starter-id", "pro": "pro-id"}
    for slug, product_id in ids.items():
        monkeypatch.setenv(f"DEMO_{prefix}_PRODUCT_{slug.upper()}", product_id)

    demo_settings = runpy.run_path(str(SETTINGS_FILE))

    assert demo_settings["PAY_PROCESSORS"] == [processor]
    assert demo_settings["DEMO_PRODUCT_IDS"][processor] == ids
