"""Membership changes mark the team's billing as changed; a new account gets its own team."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import user_signed_up
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from .models import Membership, Team, create_team


def stamp_billing_change(team_id: int) -> None:
    Team.objects.filter(pk=team_id).update(billing_details_last_changed=timezone.now())


@receiver(post_save, sender=Membership)
def member_added(sender: type[Membership], instance: Membership, created: bool, **_: Any) -> None:
    if created:
        stamp_billing_change(instance.team_id)


@receiver(post_delete, sender=Membership)
def member_removed(sender: type[Membership], instance: Membership, **_: Any) -> None:
    stamp_billing_change(instance.team_id)


@receiver(user_signed_up)
def create_first_team(sender: Any, user: Any, **_: Any) -> None:
    create_team(user)
