"""Each query set returns exactly the rows whose predicate is true, on any data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pay.models import Subscription
from pay.processors.data import SubscriptionStatus

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
PREDICATES = (
    "active",
    "on_trial",
    "on_grace_period",
    "cancelled",
    "ended",
    "paused",
    "past_due",
    "incomplete",
)

# Moments around "now", including now itself, where the rules change.
moments = st.one_of(
    st.none(),
    st.sampled_from([-86400, -1, 0, 1, 86400]).map(
        lambda seconds: NOW + timedelta(seconds=seconds)
    ),
)
subscription_rows = st.fixed_dictionaries(
    {
        "status": st.sampled_from(list(SubscriptionStatus)),
        "trial_ends_at": moments,
        "ends_at": moments,
        "pause_starts_at": moments,
        "pause_resumes_at": moments,
    }
)


@pytest.mark.django_db
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(rows=st.lists(subscription_rows, min_size=1, max_size=12))
def test_query_sets_agree_with_predicates(customer, time_machine, rows):
    time_machine.move_to(NOW, tick=False)
    Subscription.objects.all().delete()
    Subscription.objects.bulk_create(
        Subscription(customer=customer, processor_id=f"sub_{i}", processor_plan="p", **row)
        for i, row in enumerate(rows)
    )
    subscriptions = list(Subscription.objects.all())

    for predicate in PREDICATES:
        expected = {s.pk for s in subscriptions if getattr(s, predicate)()}
        found = set(getattr(Subscription.objects, predicate)().values_list("pk", flat=True))
        assert found == expected, predicate


@pytest.mark.django_db
def test_for_name(customer):
    main = customer.subscribe()
    customer.subscribe(name="support")
    assert list(Subscription.objects.for_name("default")) == [main]
