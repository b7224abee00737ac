"""The journey through Stripe: Checkout and the Customer Portal, the Stripe double behind them.

Stripe's hosted pages live on checkout.stripe.com and billing.stripe.com; here the browser's
requests for them are answered with stand-ins that act on the double (paying completes the
double's Checkout Session), so the site's redirects and return URLs are the real ones.
"""

from __future__ import annotations

import html
import re

import pytest

from apps.teams.models import Invitation, Team

pytestmark = pytest.mark.django_db(transaction=True)

PAGE = """<!doctype html><title>{title}</title>
<body style="font-family:system-ui;max-width:28rem;margin:4rem auto;padding:0 1rem;color:#1a1f36">
<p style="color:#635bff;font-weight:700">Stripe test double</p><h1>{title}</h1>{body}</body>"""


def serve_stripe_pages(page, double):
    """Answer the browser's requests for Stripe's hosted pages from ``double``."""

    def checkout(route):
        session_id = re.search(r"/c/pay/([^/]+)", route.request.url).group(1)
        session = double.store.get("checkout.session", session_id)
        if route.request.url.endswith("/complete"):
            double.complete_checkout(session_id)
            back = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
            route.fulfill(status=303, headers={"Location": back})
            return
        total = f"${session['amount_total'] / 100:,.2f}"
        body = (
            f"<p>Total due today: <strong>{total}</strong></p>"
            f'<p><a href="/c/pay/{session_id}/complete">Pay {total}</a></p>'
        )
        route.fulfill(content_type="text/html", body=PAGE.format(title="Checkout", body=body))

    def portal(route):
        [session] = [
            s for s in double.store.all("billing_portal.session") if s["url"] == route.request.url
        ]
        back = html.escape(session["return_url"])
        body = (
            f'<p>Your plan, invoices and cards.</p><p><a href="{back}">Return to Pay Demo</a></p>'
        )
        route.fulfill(
            content_type="text/html", body=PAGE.format(title="Customer portal", body=body)
        )

    page.route("https://checkout.stripe.com/**", checkout)
    page.route("https://billing.stripe.com/**", portal)


def test_a_team_subscribes_through_stripe_checkout_and_opens_the_portal(
    demo_stripe, new_page, screenshot, live_server, sign_up, tab
):
    page = new_page()
    serve_stripe_pages(page, demo_stripe)
    sign_up(page, "ada@engines.test")
    team = Team.objects.get()

    tab(page, "Subscription")
    page.get_by_role("link", name="Annual").click()
    page.get_by_role("button", name="Upgrade to Pro").click()
    page.wait_for_url(re.compile(r"^https://checkout\.stripe\.com/"))
    screenshot(page, "01-stripe-checkout")
    [created] = demo_stripe.created("/v1/checkout/sessions")
    assert created.params["customer"] == team.payment_processor.processor_id
    assert created.params["line_items"] == {"0": {"price": "price_pro_annual", "quantity": "1"}}
    assert created.params["cancel_url"] == f"{live_server.url}/t/{team.slug}/billing/subscription/"

    page.get_by_role("link", name="Pay $300.00").click()
    page.wait_for_url(re.compile(r"/billing/subscription/$"))
    assert page.get_by_text("Thank you! Your subscription is active.").is_visible()
    screenshot(page, "02-subscribed")

    tab(page, "Subscription Demo")
    page.get_by_role("link", name="2. Pro-only page").click()
    assert page.get_by_role("heading", name="The Pro-only page").is_visible()

    tab(page, "Team")
    page.fill("input[name=email]", "grace@navy.test")
    page.get_by_role("button", name="Send invitation").click()
    invitee = new_page()
    sign_up(invitee, "grace@navy.test")
    invitee.goto(f"/invitations/{Invitation.objects.get().token}/")
    invitee.get_by_role("button", name="Accept the invitation").click()
    page.reload()
    page.get_by_role("button", name="Sync seats now").click()
    assert page.get_by_test_id("seats-billed").inner_text() == "2"
    stripe_subscription = demo_stripe.object(team.active_subscription().processor_id)
    assert stripe_subscription["items"]["data"][0]["quantity"] == 2
    screenshot(page, "03-seats-at-stripe")

    tab(page, "Subscription")
    page.get_by_role("button", name="Manage billing").click()
    page.wait_for_url(re.compile(r"^https://billing\.stripe\.com/"))
    [portal] = demo_stripe.created("/v1/billing_portal/sessions")
    assert portal.params == {
        "customer": team.payment_processor.processor_id,
        "return_url": f"{live_server.url}/t/{team.slug}/billing/subscription/",
    }
    screenshot(page, "04-stripe-portal")
    page.get_by_role("link", name="Return to Pay Demo").click()
    page.wait_for_url(re.compile(r"/billing/subscription/$"))
    assert page.get_by_test_id("seats-billed").inner_text() == "2"
