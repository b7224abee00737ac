"""Membership changes mark the team's billing as changed; a new account gets its own team."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import user_signed_up
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Membership, create_team


@receiver(post_save, sender=Membership)
def member_added(sender: type[Membership], instance: Membership, created: bool, **_: Any) -> None:
    if created:
        instance.team.mark_billing_details_changed()


@receiver(post_delete, sender=Membership)
def member_removed(sender: type[Membership], instance: Membership, **_: Any) -> None:
    instance.team.mark_billing_details_changed()


@receiver(user_signed_up)
def create_first_team(sender: Any, user: Any, **_: Any) -> None:
    create_team(user)
