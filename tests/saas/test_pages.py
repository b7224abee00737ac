"""The Subscription page, checkout and billing management, through the Django test client."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from pay.errors import ActionRequired, InvalidAction
from pay.models import Subscription
from pay.processors import get_processor
from pay.processors.data import CheckoutRequest, CustomerDetails, LineItem, OwnerDetails
from pay.processors.fake import FakeProcessor
from pay.processors.fake.checkout import FakeCheckout
from tests.stripe_double import StripeDouble
from tests.testapp.models import Membership

from .conftest import subscribe

pytestmark = pytest.mark.django_db


def checkout_path(response: Any) -> str:
    """The path of the built-in checkout page an upgrade redirected to."""
    assert response.status_code == 302, response
    url = urlsplit(str(response["Location"]))
    assert url.netloc == "testserver"
    assert url.path.startswith("/pay/fake/checkout/")
    return url.path


def pay(client: Client, path: str, card: str = "4242 4242 4242 4242") -> Any:
    return client.post(path, {"card_number": card})


def follow_back(client: Client, response: Any) -> Any:
    location = urlsplit(response["Location"])
    return client.get(f"{location.path}?{location.query}")


# The Subscription page


def test_plans_on_offer_with_an_interval_toggle(signed_in: Client, catalogue: Any) -> None:
    monthly = signed_in.get("/pay/subscription/").content.decode()
    for text in ("Starter", "$10.00 per month", "Reports", "From $15 per user", "Annual"):
        assert text in monthly
    annual = signed_in.get("/pay/subscription/?interval=year").content.decode()
    assert "$300.00 per year" in annual
    assert "$30.00" not in annual
    assert "Ask us" in annual


def test_the_toggle_offers_only_the_active_intervals(
    signed_in: Client, catalogue: Any, settings: Any
) -> None:
    settings.PAY_PRODUCT_METADATA_MODULE = "tests.saas.monthly_only"
    page = signed_in.get("/pay/subscription/?interval=year").content.decode()
    assert "$30.00 per month" in page
    assert "?interval=year" not in page


def test_anonymous_visitors_log_in_first(client: Client) -> None:
    response = client.get("/pay/subscription/")
    assert response["Location"] == "/accounts/login/?next=/pay/subscription/"


# Checkout on the fake processor


def test_upgrade_checkout_and_return(signed_in: Client, user: Any, catalogue: Any) -> None:
    path = checkout_path(signed_in.post("/pay/subscription/upgrade/", {"price": "pro-monthly"}))
    page = signed_in.get(path)
    assert b"Pro: $30.00 per month" in page.content

    paid = pay(signed_in, path)
    assert paid["Location"].startswith("http://testserver/pay/subscription/welcome/?session_id=")
    assert Subscription.objects.get().active()  # recorded at once, as a webhook would
    back = follow_back(signed_in, paid)
    assert back["Location"] == "/pay/subscription/"

    subscription = user.pay_customers.get().subscriptions.get()
    assert (subscription.processor_plan, subscription.quantity) == ("pro-monthly", 1)
    shown = signed_in.get("/pay/subscription/").content.decode()
    assert "Thank you! Your subscription is active." in shown
    assert "Renews on" in shown
    assert "Visa ending in 4242" in shown
    assert "Manage billing" in shown


def test_a_declined_card_creates_nothing(signed_in: Client, catalogue: Any) -> None:
    path = checkout_path(signed_in.post("/pay/subscription/upgrade/", {"price": "pro-monthly"}))
    response = pay(signed_in, path, card="4000 0000 0000 0002")
    assert response.status_code == 402
    assert b"The card was declined" in response.content
    assert not Subscription.objects.exists()


def test_a_paid_session_cannot_be_paid_again(signed_in: Client, catalogue: Any) -> None:
    path = checkout_path(signed_in.post("/pay/subscription/upgrade/", {"price": "pro-monthly"}))
    follow_back(signed_in, pay(signed_in, path))
    again = signed_in.get(path)
    assert again["Location"] == "http://testserver/pay/subscription/"
    assert pay(signed_in, path)["Location"] == "http://testserver/pay/subscription/"
    assert Subscription.objects.count() == 1


def test_returning_twice_does_not_bring_back_a_cancelled_subscription(
    signed_in: Client, user: Any, catalogue: Any
) -> None:
    path = checkout_path(signed_in.post("/pay/subscription/upgrade/", {"price": "pro-monthly"}))
    paid = pay(signed_in, path)
    follow_back(signed_in, paid)
    user.pay_customers.get().subscriptions.get().cancel_now()
    follow_back(signed_in, paid)
    assert not Subscription.objects.get().active()


def test_someone_elses_checkout_is_not_found(
    signed_in: Client, catalogue: Any, django_user_model: Any
) -> None:
    path = checkout_path(signed_in.post("/pay/subscription/upgrade/", {"price": "pro-monthly"}))
    grace = django_user_model.objects.create_user(username="grace")
    other = Client()
    other.force_login(grace)
    assert other.get(path).status_code == 404
    assert pay(other, path).status_code == 404
    assert not Subscription.objects.exists()


def test_a_tampered_session_is_not_found(signed_in: Client, catalogue: Any) -> None:
    path = checkout_path(signed_in.post("/pay/subscription/upgrade/", {"price": "pro-monthly"}))
    tampered = path.replace("/pay/fake/checkout/", "/pay/fake/checkout/x")
    assert signed_in.get(tampered).status_code == 404


def test_someone_elses_session_is_refused_on_return(
    signed_in: Client, catalogue: Any, django_user_model: Any
) -> None:
    grace = django_user_model.objects.create_user(username="grace")
    other = Client()
    other.force_login(grace)
    paid = pay(
        other, checkout_path(other.post("/pay/subscription/upgrade/", {"price": "pro-monthly"}))
    )
    stolen = follow_back(signed_in, paid)
    assert stolen["Location"] == "/pay/subscription/"
    assert Subscription.objects.get().customer.owner == grace


@pytest.mark.parametrize("price", ["gold-monthly", "basic-monthly"])
def test_prices_not_on_offer_are_refused(signed_in: Client, catalogue: Any, price: str) -> None:
    """basic-monthly is in the catalogue, but its product is not in ACTIVE_PRODUCTS."""
    response = signed_in.post("/pay/subscription/upgrade/", {"price": price})
    assert response["Location"] == "/pay/subscription/"
    assert "That plan is not on sale" in signed_in.get("/pay/subscription/").content.decode()
    assert not Subscription.objects.exists()


def test_the_fake_checkout_carries_only_same_site_urls(user: Any) -> None:
    processor = get_processor("fake_processor")
    assert isinstance(processor, FakeCheckout)
    customer = CustomerDetails("fake_cus_1", OwnerDetails("testapp.user:1"))
    request = CheckoutRequest(
        mode="subscription",
        line_items=(LineItem("pro-monthly"),),
        success_url="https://evil.example/steal",
        cancel_url="http://testserver/pay/subscription/",
    )
    with pytest.raises(InvalidAction, match="is not an address of this site"):
        processor.create_checkout(customer, request)


def test_state_changes_need_post_and_csrf(user: Any, catalogue: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get("/pay/subscription/upgrade/").status_code == 405
    assert client.post("/pay/subscription/upgrade/", {"price": "pro-monthly"}).status_code == 403
    subscribe(user, "pro-monthly")
    assert client.post("/pay/billing/cancel/").status_code == 403
    assert Subscription.objects.get().active()
    assert not Subscription.objects.get().cancelled()


# Teams: per-seat checkout, admins only


def test_a_team_admin_checks_out_one_seat_per_member(
    signed_in: Client, user: Any, team_of: Any, catalogue: Any, django_user_model: Any
) -> None:
    team = team_of(user)
    for name in ("grace", "alan"):
        Membership.objects.create(team=team, user=django_user_model.objects.create_user(name))
    response = signed_in.post(
        f"/teams/{team.pk}/pay/subscription/upgrade/", {"price": "enterprise-seat-monthly"}
    )
    path = checkout_path(response)
    assert b"&times; 3 seats" in signed_in.get(path).content
    paid = pay(signed_in, path)
    assert urlsplit(paid["Location"]).path == f"/teams/{team.pk}/pay/subscription/welcome/"
    back = follow_back(signed_in, paid)
    assert back["Location"] == f"/teams/{team.pk}/pay/subscription/"
    subscription = team.active_subscription()
    assert (subscription.processor_plan, subscription.quantity) == ("enterprise-seat-monthly", 3)
    assert user.active_subscription() is None


def test_team_members_who_are_not_admins_are_forbidden(
    signed_in: Client, user: Any, team_of: Any, catalogue: Any
) -> None:
    team = team_of(user, Membership.Role.MEMBER)
    subscribe(team, "pro-monthly")
    assert signed_in.get(f"/teams/{team.pk}/pay/subscription/").status_code == 403
    assert signed_in.get(f"/teams/{team.pk}/pay/billing/").status_code == 403
    assert signed_in.post(f"/teams/{team.pk}/pay/billing/cancel_now/").status_code == 403
    assert team.active_subscription() is not None


def test_another_teams_billing_is_not_found(
    signed_in: Client, team_of: Any, django_user_model: Any
) -> None:
    team = team_of(django_user_model.objects.create_user("grace"))
    subscribe(team, "pro-monthly")
    assert signed_in.get(f"/teams/{team.pk}/pay/subscription/").status_code == 404
    assert signed_in.post(f"/teams/{team.pk}/pay/billing/cancel_now/").status_code == 404
    assert team.active_subscription() is not None


def test_a_teams_prefix_serves_its_billing_pages_not_the_sites(client: Client, team: Any) -> None:
    """Webhooks and the processors' own pages are the site's, served once, under pay/."""
    assert client.post(f"/teams/{team.pk}/pay/webhooks/stripe/").status_code == 404
    assert client.get(f"/teams/{team.pk}/pay/fake/checkout/any/").status_code == 404
    assert client.get(f"/teams/{team.pk}/pay/subscription/").status_code == 302  # to log in


# The built-in billing page


def test_manage_billing_without_a_hosted_portal_opens_the_built_in_page(
    signed_in: Client, user: Any, catalogue: Any
) -> None:
    subscribe(user, "pro-monthly")
    assert signed_in.post("/pay/subscription/manage/")["Location"] == "/pay/billing/"
    page = signed_in.get("/pay/billing/").content.decode()
    for text in ("Switch plan", "Cancel at period end", "Cancel now", "Pause billing"):
        assert text in page


class UnpausableFake(FakeProcessor):
    """A processor that cannot pause, as Braintree cannot."""

    unsupported = {"pause": "This processor cannot pause billing."}

    def pause(self, *args: Any) -> Any:
        raise self.not_supported("pause")


def test_the_billing_page_offers_only_what_the_processor_can_do(
    settings: Any, signed_in: Client, user: Any, catalogue: Any
) -> None:
    settings.PAY_PROCESSOR_CLASSES = {"fake_processor": "tests.saas.test_pages.UnpausableFake"}
    subscribe(user, "pro-monthly")
    page = signed_in.get("/pay/billing/").content.decode()
    assert "Cancel at period end" in page
    assert "Pause billing" not in page
    signed_in.post("/pay/billing/pause/")
    assert Subscription.objects.get().pause_starts_at is None


def test_billing_actions(signed_in: Client, user: Any, catalogue: Any) -> None:
    subscribe(user, "pro-monthly")

    def act(action: str, **data: str) -> Subscription:
        response = signed_in.post(f"/pay/billing/{action}/", data)
        assert response["Location"] == "/pay/billing/"
        return Subscription.objects.get()

    assert act("cancel").on_grace_period()
    assert "Resume" in signed_in.get("/pay/billing/").content.decode()
    assert not act("resume").cancelled()
    assert act("swap", price="enterprise-seat-annual").processor_plan == "enterprise-seat-annual"
    assert act("change_seats", quantity="4").quantity == 4
    assert act("pause").pause_starts_at is not None
    assert act("resume").pause_starts_at is None
    assert act("cancel_now").ended()


def test_bad_billing_input_changes_nothing(signed_in: Client, user: Any, catalogue: Any) -> None:
    subscribe(user, "pro-monthly")
    signed_in.post("/pay/billing/swap/", {"price": "gold"})
    signed_in.post("/pay/billing/swap/", {"price": "basic-monthly"})
    signed_in.post("/pay/billing/change_seats/", {"quantity": "lots"})
    signed_in.post("/pay/billing/change_seats/", {"quantity": "-2"})
    signed_in.post("/pay/billing/change_seats/", {"quantity": "0"})
    signed_in.post("/pay/billing/change_seats/", {"quantity": str(2**31)})
    response = signed_in.post("/pay/billing/explode/")
    assert response["Location"] == "/pay/subscription/"
    subscription = Subscription.objects.get()
    assert (subscription.processor_plan, subscription.quantity) == ("pro-monthly", 1)
    page = signed_in.get("/pay/billing/").content.decode()
    assert "Choose one of the plans listed." in page
    assert "Enter the number of seats as a whole number." in page
    assert "Enter at least 1 seat; to stop paying, cancel the subscription." in page
    assert "at most 2147483647" in page


# Stripe: Checkout and the Customer Portal


@pytest.fixture
def stripe_site(settings: Any, stripe_double: StripeDouble, signed_in: Client) -> StripeDouble:
    settings.PAY_DEFAULT_PROCESSOR = "stripe"
    stripe_double.add_product("prod_pro", "Pro")
    stripe_double.add_price("price_pro_2026", 3000, product="prod_pro")
    from pay.models import sync_catalogue

    sync_catalogue("stripe")
    settings.PAY_PRODUCT_METADATA_MODULE = "tests.saas.stripe_metadata"
    return stripe_double


def test_stripe_upgrade_opens_checkout_for_the_holder(
    stripe_site: StripeDouble, signed_in: Client, user: Any
) -> None:
    assert b"Upgrade to Pro" in signed_in.get("/pay/subscription/").content
    response = signed_in.post("/pay/subscription/upgrade/", {"price": "price_pro_2026"})

    assert response["Location"].startswith("https://checkout.stripe.com/")
    (created,) = stripe_site.created("/v1/checkout/sessions")
    assert created.params["customer"] == user.payment_processor.processor_id
    assert created.params["line_items"] == {"0": {"price": "price_pro_2026", "quantity": "1"}}
    assert created.params["success_url"] == (
        "http://testserver/pay/subscription/welcome/?session_id={CHECKOUT_SESSION_ID}"
    )
    assert created.params["cancel_url"] == "http://testserver/pay/subscription/"

    (session,) = stripe_site.store.all("checkout.session")
    session_id = session["id"]
    stripe_site.complete_checkout(session_id)
    back = signed_in.get(f"/pay/subscription/welcome/?session_id={session_id}")
    assert back["Location"] == "/pay/subscription/"
    assert user.active_subscription().processor_plan == "price_pro_2026"


def test_stripe_manage_billing_opens_the_portal(
    stripe_site: StripeDouble, signed_in: Client, user: Any
) -> None:
    customer = user.set_payment_processor("stripe")
    customer.add_payment_method("pm_card_visa")
    customer.subscribe(plan="price_pro_2026")
    page = signed_in.get("/pay/subscription/").content.decode()
    assert "Visa ending in 4242" in page

    response = signed_in.post("/pay/subscription/manage/")

    (portal,) = stripe_site.created("/v1/billing_portal/sessions")
    assert portal.params == {
        "customer": customer.processor_id,
        "return_url": "http://testserver/pay/subscription/",
    }
    assert response["Location"].startswith("https://billing.stripe.com/")


def test_stripe_portal_unreachable_says_so_on_the_subscription_page(
    stripe_site: StripeDouble, signed_in: Client, user: Any
) -> None:
    customer = user.set_payment_processor("stripe")
    customer.add_payment_method("pm_card_visa")
    customer.subscribe(plan="price_pro_2026")
    stripe_site.fail_next("server_error", "/v1/billing_portal/sessions", times=10)

    response = signed_in.post("/pay/subscription/manage/", follow=True)

    assert response.redirect_chain == [("/pay/subscription/", 302)]
    page = response.content.decode()
    assert "Billing is unavailable just now." in page
    assert "Injected server error" not in page  # Stripe's words are for the log


def test_a_change_the_bank_must_confirm_leads_to_the_confirmation_page(
    stripe_site: StripeDouble, signed_in: Client, user: Any
) -> None:
    customer = user.set_payment_processor("stripe")
    customer.add_payment_method("pm_card_authenticationRequired")
    with pytest.raises(ActionRequired) as held:
        customer.subscribe(plan="price_pro_2026")

    response = signed_in.post("/pay/billing/change_seats/", {"quantity": "2"})

    assert response["Location"] == (
        f"/pay/stripe/payments/{held.value.payment_intent_id}/?next=%2Fpay%2Fbilling%2F"
    )


def test_a_subscription_awaiting_payment_is_shown_not_sold_again(
    signed_in: Client, user: Any, catalogue: Any
) -> None:
    subscription = subscribe(user, "pro-monthly")
    Subscription.objects.filter(pk=subscription.pk).update(status="past_due")
    page = signed_in.get("/pay/subscription/").content.decode()
    assert "Payment needed" in page
    assert "Upgrade to" not in page
    response = signed_in.post("/pay/subscription/upgrade/", {"price": "starter-monthly"})
    assert response["Location"] == "/pay/subscription/"
    assert Subscription.objects.count() == 1
    assert "Payment needed" in signed_in.get("/pay/billing/").content.decode()


def test_stripe_checkout_for_a_team_buys_a_seat_per_member(
    stripe_site: StripeDouble, signed_in: Client, user: Any, team_of: Any, django_user_model: Any
) -> None:
    team = team_of(user)
    for name in ("grace", "alan"):
        Membership.objects.create(team=team, user=django_user_model.objects.create_user(name))

    response = signed_in.post(
        f"/teams/{team.pk}/pay/subscription/upgrade/", {"price": "price_pro_2026"}
    )

    assert response["Location"].startswith("https://checkout.stripe.com/")
    (created,) = stripe_site.created("/v1/checkout/sessions")
    assert created.params["customer"] == team.payment_processor.processor_id
    assert created.params["client_reference_id"] == f"testapp.team:{team.pk}"
    assert created.params["line_items"] == {"0": {"price": "price_pro_2026", "quantity": "3"}}
    assert created.params["success_url"] == (
        f"http://testserver/teams/{team.pk}/pay/subscription/welcome/"
        "?session_id={CHECKOUT_SESSION_ID}"
    )
    assert created.params["cancel_url"] == f"http://testserver/teams/{team.pk}/pay/subscription/"


def test_manage_billing_goes_to_the_subscriptions_own_processor(
    stripe_site: StripeDouble, signed_in: Client, user: Any
) -> None:
    subscribe(user, "pro-monthly")  # on the fake processor, before the site moved to Stripe
    assert signed_in.post("/pay/subscription/manage/")["Location"] == "/pay/billing/"
    assert stripe_site.created("/v1/customers") == []
    assert user.pay_customers.get().processor == "fake_processor"
