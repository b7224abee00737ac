"""A new account gets its own team."""

from __future__ import annotations

from typing import Any

from allauth.account.signals import user_signed_up
from django.dispatch import receiver

from .models import create_team


@receiver(user_signed_up)
def create_first_team(sender: Any, user: Any, **_: Any) -> None:
    create_team(user)
