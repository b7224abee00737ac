"""Processor calls per seat sync: ``python benchmarks/sync.py [teams] [changed]``.

Makes ``teams`` per-seat teams with subscriptions (default 1,000), changes the
members of ``changed`` of them (default 10), runs the sync twice and prints the
calls made to the processor each time: one per changed team, then none.
"""

from __future__ import annotations

import sys
import time

from _django import start

start()

from django.conf import settings  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from pay.seats import sync_subscription_quantities  # noqa: E402
from tests.saas.counting import DOTTED_PATH, CountingFakeProcessor  # noqa: E402
from tests.saas.factories import add_members, teams_with_subscriptions  # noqa: E402


def main(team_count: int, changed_count: int) -> None:
    settings.PAY_PROCESSOR_CLASSES = {"fake_processor": DOTTED_PATH}
    teams = teams_with_subscriptions(team_count)
    for team in teams[:: max(1, team_count // changed_count)][:changed_count]:
        add_members(team, 2)
    for run in ("first sync", "second sync"):
        CountingFakeProcessor.calls.clear()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as queries:
            result = sync_subscription_quantities()
        elapsed = (time.perf_counter() - started) * 1000
        calls = sum(CountingFakeProcessor.calls.values())
        print(
            f"{run}: {team_count} teams, {result.examined} changed, "
            f"{calls} processor call(s) {dict(CountingFakeProcessor.calls)}, "
            f"{len(queries)} queries, {elapsed:.1f} ms"
        )


if __name__ == "__main__":
    arguments = [int(argument) for argument in sys.argv[1:3]]
    main(*(arguments + [1000, 10][len(arguments) :]))
