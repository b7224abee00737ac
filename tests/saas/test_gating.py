"""@active_subscription_required, its class-based mixin and the template filters."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.template import Context, Template
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from pay.decorators import NOT_SUBSCRIBED, WRONG_PLAN
from pay.holders import get_subscription_holder
from tests.testapp.models import Membership

from .conftest import subscribe

pytestmark = pytest.mark.django_db

GATED = ["/dashboard/", "/dashboard/below-login/", "/dashboard/above-login/"]


@pytest.mark.parametrize("path", GATED)
def test_anonymous_visitors_are_sent_to_log_in(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={path}"


@pytest.mark.parametrize("path", GATED)
def test_unsubscribed_users_go_to_the_subscription_page_with_a_message(
    signed_in: Client, path: str
) -> None:
    response = signed_in.get(path)
    assert response.status_code == 302
    assert response["Location"] == "/pay/subscription/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [NOT_SUBSCRIBED]


@pytest.mark.parametrize("path", GATED)
def test_subscribers_see_the_page_with_their_holder(
    signed_in: Client, user: Any, path: str
) -> None:
    subscribe(user, "starter-monthly")
    response = signed_in.get(path)
    assert response.status_code == 200
    assert response.content == b"ada on starter-monthly"


def test_a_cancelled_subscription_that_has_ended_does_not_count(
    signed_in: Client, user: Any
) -> None:
    subscribe(user, "pro-monthly").cancel_now()
    assert signed_in.get("/dashboard/")["Location"] == "/pay/subscription/"


@pytest.mark.parametrize("path", ["/reports/", "/reports/class-based/"])
def test_the_wrong_plan_is_sent_to_upgrade(
    signed_in: Client, user: Any, catalogue: Any, path: str
) -> None:
    subscribe(user, "starter-monthly")
    response = signed_in.get(path)
    assert response["Location"] == "/pay/subscription/"
    assert [str(m) for m in get_messages(response.wsgi_request)] == [WRONG_PLAN]


@pytest.mark.parametrize("plan", ["pro-monthly", "pro-annual", "enterprise-seat-monthly"])
@pytest.mark.parametrize("path", ["/reports/", "/reports/class-based/"])
def test_the_right_plan_by_product_slug(
    signed_in: Client, user: Any, catalogue: Any, plan: str, path: str
) -> None:
    subscribe(user, plan)
    assert signed_in.get(path).status_code == 200


def test_plans_may_be_named_by_price_id_without_a_catalogue(rf: RequestFactory, user: Any) -> None:
    from django.http import HttpResponse

    from pay.decorators import active_subscription_required

    view = active_subscription_required(limit_to_plans=["pro-annual"])(
        lambda request: HttpResponse("ok")
    )
    subscribe(user, "pro-annual")
    request = rf.get("/")
    request.user = user
    assert view(request).status_code == 200


def test_team_members_use_the_team_subscription(signed_in: Client, user: Any, team_of: Any) -> None:
    team = team_of(user, Membership.Role.MEMBER)
    subscribe(team, "enterprise-seat-monthly", quantity=3)
    response = signed_in.get(f"/teams/{team.pk}/dashboard/")
    assert response.content == f"{team} on enterprise-seat-monthly".encode()


def test_a_subscribed_user_does_not_open_an_unsubscribed_team(
    signed_in: Client, user: Any, team_of: Any
) -> None:
    team = team_of(user)
    subscribe(user, "pro-monthly")
    response = signed_in.get(f"/teams/{team.pk}/dashboard/")
    assert response["Location"] == f"/teams/{team.pk}/pay/subscription/"


def test_non_members_get_not_found(signed_in: Client, django_user_model: Any, team_of: Any) -> None:
    other = django_user_model.objects.create_user(username="grace")
    team = team_of(other)
    subscribe(team, "pro-monthly")
    assert signed_in.get(f"/teams/{team.pk}/dashboard/").status_code == 404


def test_one_query_finds_the_subscription_and_none_once_loaded(
    rf: RequestFactory, user: Any, catalogue: Any
) -> None:
    from pay.decorators import refuse_unless_subscribed

    subscribe(user, "pro-monthly")
    request = rf.get("/")
    request.user = user
    with CaptureQueriesContext(connection) as queries:
        assert refuse_unless_subscribed(request, ["pro"]) is None
        assert refuse_unless_subscribed(request, ["pro", "enterprise"]) is None
    assert len(queries) == 1
    with CaptureQueriesContext(connection) as queries:
        holder = get_subscription_holder(request)
        assert holder is not None
        assert holder.active_subscription() is not None
    assert len(queries) == 0


def test_template_filters(rf: RequestFactory, user: Any, catalogue: Any) -> None:
    subscribe(user, "pro-monthly")
    request = rf.get("/")
    request.user = user
    template = Template(
        "{% load pay %}{% subscription_holder as holder %}"
        "{{ holder|has_active_subscription }} {{ holder|is_on_plan:'starter, pro' }} "
        "{{ holder|is_on_plan:'enterprise' }} {{ holder|has_feature:'Reports' }} "
        "{{ holder|has_feature:'Single sign-on' }}"
    )
    assert template.render(Context({"request": request})) == "True True False True False"


def test_template_filters_without_a_holder(rf: RequestFactory) -> None:
    template = Template("{% load pay %}{{ nobody|has_active_subscription }}")
    assert template.render(Context({"nobody": None})) == "False"


def test_a_signed_in_user_without_a_holder_is_forbidden(signed_in: Client, settings: Any) -> None:
    settings.PAY_SUBSCRIPTION_HOLDER = "tests.saas.test_gating.no_holder"
    assert signed_in.get("/dashboard/").status_code == 403


def no_holder(request: Any) -> None:
    return None


def test_by_default_the_holder_is_the_requests_team_else_its_user(
    rf: RequestFactory, settings: Any, user: Any, team_of: Any
) -> None:
    settings.PAY_SUBSCRIPTION_HOLDER = None
    request = rf.get("/")
    request.user = user
    assert get_subscription_holder(request) == user
    request = rf.get("/")
    request.user = user
    request.team = team_of(user)  # type: ignore[attr-defined]
    assert get_subscription_holder(request) == request.team  # type: ignore[attr-defined]


def test_a_project_decides_who_manages_billing(
    signed_in: Client, settings: Any, catalogue: Any
) -> None:
    settings.PAY_CAN_MANAGE_BILLING = "tests.saas.test_gating.nobody_manages_billing"
    assert signed_in.get("/pay/subscription/").status_code == 403
    settings.PAY_CAN_MANAGE_BILLING = None
    assert signed_in.get("/pay/subscription/").status_code == 200


def nobody_manages_billing(request: Any, holder: Any) -> bool:
    return False
