"""The Stripe double holds requests to what the SDK declares, like Stripe does."""

from __future__ import annotations

import pytest
import stripe

from tests.stripe_double.schema import ParamError, Route, check_params, find_route, routes


def route_for(method: str, path: str) -> tuple[Route, dict[str, str]]:
    found = find_route(method, path)
    assert found is not None, f"no SDK route for {method} {path}"
    return found


@pytest.fixture
def client(stripe_double):
    return stripe.StripeClient(
        "sk_test_x",
        stripe_version=stripe_double.expected_version,
        http_client=stripe_double.http_client,
    )


def test_the_route_table_comes_from_the_sdk():
    route, arguments = route_for("post", "/v1/subscriptions/sub_123")

    assert route.params is stripe.params.SubscriptionUpdateParams
    assert arguments == {"subscription_exposed_id": "sub_123"}
    assert len(routes()) > 400


@pytest.mark.parametrize(
    ("params", "bad"),
    [
        ({"customer": "cus_1", "items": [{"price": "p"}], "trial_days": 3}, "trial_days"),
        ({"customer": "cus_1", "items": [{"prise": "p"}]}, "items[0][prise]"),
        (
            {
                "customer": "cus_1",
                "items": [{"price": "p"}],
                "pause_collection": {"behaviour": "void"},
            },
            "pause_collection",
        ),
        (
            {"customer": "cus_1", "items": [{"price": "p"}], "trial_period_days": "soon"},
            "trial_period_days",
        ),
    ],
)
def test_a_parameter_the_sdk_does_not_declare_is_refused(client, params, bad):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        client.v1.subscriptions.create(params)

    assert raised.value.param == bad


def test_nested_params_are_checked_against_their_own_typed_dicts():
    route, _ = route_for("post", "/v1/checkout/sessions")

    checked = check_params(
        route.params,
        {"line_items": {"0": {"price": "p", "adjustable_quantity": {"enabled": "true"}}}},
    )

    assert checked["line_items"][0]["adjustable_quantity"] == {"enabled": True}
    with pytest.raises(ParamError, match=r"line_items\[0\]\[adjustable_quantity\]\[enabld\]"):
        check_params(
            route.params, {"line_items": {"0": {"adjustable_quantity": {"enabld": "true"}}}}
        )


def test_request_options_are_not_parameters():
    route, _ = route_for("post", "/v1/customers")

    with pytest.raises(ParamError, match="idempotency_key"):
        check_params(route.params, {"idempotency_key": "k"})


def test_an_idempotency_key_reused_with_other_parameters_is_refused(client):
    client.v1.customers.create({"email": "a@example.com"}, {"idempotency_key": "k1"})

    with pytest.raises(stripe.IdempotencyError):
        client.v1.customers.create({"email": "b@example.com"}, {"idempotency_key": "k1"})


def test_live_keys_are_refused(stripe_double):
    live = stripe.StripeClient(
        "sk_live_x",
        stripe_version=stripe_double.expected_version,
        http_client=stripe_double.http_client,
    )

    with pytest.raises(stripe.AuthenticationError):
        live.v1.customers.create({})


def test_events_are_stripe_event_objects(client, stripe_double):
    customer = client.v1.customers.create({"email": "a@example.com"}, {"idempotency_key": "k2"})

    (event,) = stripe_double.events_of("customer.created")
    listed = client.v1.events.list({"type": "customer.created"})

    assert listed.data[0].id == event["id"]
    assert isinstance(listed.data[0], stripe.Event)
    assert event["data"]["object"]["id"] == customer.id
    assert event["request"]["idempotency_key"] == "k2"
    assert event["api_version"] == stripe_double.expected_version
