"""Bring each team's subscription quantity in line with its members."""

from __future__ import annotations

from django.db.models import F, Q
from django.utils import timezone

from apps.teams.models import Team


def sync_seats(team: Team) -> None:
    """Bill the team for its members now."""
    subscription = team.active_subscription()
    if subscription is not None and not subscription.cancelled():
        quantity = team.get_quantity()
        if subscription.quantity != quantity:
            subscription.change_quantity(quantity)
    team.last_synced_with_processor = timezone.now()
    team.save(update_fields=["last_synced_with_processor"])


def sync_changed_teams() -> int:
    """Sync every team whose members changed since its last sync; the number synced."""
    teams = Team.objects.filter(
        Q(last_synced_with_processor=None)
        | Q(billing_details_last_changed__gt=F("last_synced_with_processor"))
    )
    for team in teams:
        sync_seats(team)
    return len(teams)
