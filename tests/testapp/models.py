"""Two kinds of billable owner, as a real project would have: users, and teams billed per seat."""

from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models

from pay.models import Billable, PerSeatBillable


class User(Billable, AbstractUser):
    pass


class Team(PerSeatBillable):
    name = models.CharField(max_length=100)
    billing_email = models.EmailField(blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="teams", blank=True
    )

    def __str__(self) -> str:
        return self.name

    def pay_customer_email(self) -> str:
        return self.billing_email

    def pay_can_manage(self, user: Any) -> bool:
        """Only the team's admins manage its billing."""
        return self.memberships.filter(user_id=user.pk, role=Membership.Role.ADMIN).exists()


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin"
        MEMBER = "member"

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    role = models.CharField(max_length=8, choices=Role.choices, default=Role.MEMBER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="testapp_one_membership"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.role}) in {self.team}"
