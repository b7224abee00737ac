"""Two kinds of billable owner, as a real project would have."""

from django.contrib.auth.models import AbstractUser
from django.db import models

from pay.models import Billable


class User(Billable, AbstractUser):
    pass


class Team(Billable, models.Model):
    name = models.CharField(max_length=100)
    billing_email = models.EmailField(blank=True)

    def __str__(self) -> str:
        return self.name

    def pay_customer_email(self) -> str:
        return self.billing_email
