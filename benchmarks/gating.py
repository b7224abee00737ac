"""Queries and time per gated request: ``python benchmarks/gating.py [requests]``.

Runs a view behind ``@active_subscription_required(limit_to_plans=["pro"])`` for a
subscribed user, first with a fresh user per request (the holder's subscription not
yet loaded), then with the same user instance (already loaded, as later in a request).
"""

from __future__ import annotations

import sys
import time

from _django import start

start()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.http import HttpRequest, HttpResponse  # noqa: E402
from django.test import RequestFactory  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from pay.decorators import active_subscription_required  # noqa: E402
from pay.models import sync_catalogue  # noqa: E402


@active_subscription_required(limit_to_plans=["pro"])
def reports(request: HttpRequest) -> HttpResponse:
    return HttpResponse("ok")


def measure(label: str, requests: list[HttpRequest]) -> None:
    started = time.perf_counter()
    with CaptureQueriesContext(connection) as queries:
        for request in requests:
            assert reports(request).status_code == 200
    elapsed = (time.perf_counter() - started) / len(requests) * 1e6
    print(f"{label}: {len(queries) / len(requests):.2f} queries and {elapsed:.0f} µs per request")


def main(count: int) -> None:
    sync_catalogue("fake_processor")
    user = get_user_model().objects.create_user("ada")
    user.set_payment_processor("fake_processor", allow_fake=True).subscribe(plan="pro-monthly")
    factory = RequestFactory()

    def request_for(holder: object) -> HttpRequest:
        request = factory.get("/reports/")
        request.user = holder  # type: ignore[assignment]
        return request

    fresh = [request_for(get_user_model().objects.get(pk=user.pk)) for _ in range(count)]
    measure("holder not loaded", fresh)
    loaded = get_user_model().objects.get(pk=user.pk)
    loaded.active_subscription()
    measure("holder already loaded", [request_for(loaded) for _ in range(count)])


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
