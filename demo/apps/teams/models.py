"""Teams: the demo's subscription holder, paying one seat per member.

Adding or removing a member stamps ``billing_details_last_changed`` (see ``signals``); the seat
sync then brings the subscription's quantity in line.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.text import slugify

from pay.models import PerSeatBillable


class Role(models.TextChoices):
    OWNER = "owner", "Owner"
    ADMIN = "admin", "Admin"
    MEMBER = "member", "Member"


ADMIN_ROLES = (Role.OWNER, Role.ADMIN)


class Team(PerSeatBillable):
    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="teams"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.slug:
            self.slug = unique_slug(self.name)
        super().save(*args, **kwargs)

    def pay_customer_email(self) -> str:
        owner = self.memberships.filter(role=Role.OWNER).select_related("user").first()
        return owner.user.email if owner else ""

    def membership_of(self, user: Any) -> Membership | None:
        if not user.is_authenticated:
            return None
        return self.memberships.filter(user=user).first()

    def is_admin(self, user: Any) -> bool:
        membership = self.membership_of(user)
        return membership is not None and membership.is_admin

    def pay_can_manage(self, user: Any) -> bool:
        """Who may confirm this team's payments (django-pay's Stripe confirmation page)."""
        return self.is_admin(user)


def unique_slug(name: str) -> str:
    base = slugify(name)[:40] or "team"
    slug, counter = base, 1
    while Team.objects.filter(slug=slug).exists():
        counter += 1
        slug = f"{base}-{counter}"
    return slug


class Membership(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="teams_one_membership_per_user")
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.team} ({self.role})"

    @property
    def is_admin(self) -> bool:
        return self.role in ADMIN_ROLES


class Invitation(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    role = models.CharField(max_length=10, choices=[(Role.ADMIN, "Admin"), (Role.MEMBER, "Member")])
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} to {self.team}"


def create_team(owner: Any, name: str = "") -> Team:
    """A new team with ``owner`` as its owner; named after them unless ``name`` is given."""
    team = Team.objects.create(name=name or f"{owner.email.split('@')[0].capitalize()}'s team")
    Membership.objects.create(team=team, user=owner, role=Role.OWNER)
    return team
