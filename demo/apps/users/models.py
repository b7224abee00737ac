"""The demo's user: signs in with an email address, and can pay for itself like any Billable."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from pay.models import Billable


class User(Billable, AbstractUser):
    email = models.EmailField("email address", unique=True)

    def __str__(self) -> str:
        return self.email
