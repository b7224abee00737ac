"""The request type of views behind ``login_required``: its user is signed in."""

from __future__ import annotations

from django.http import HttpRequest

from .models import User


class SignedInRequest(HttpRequest):
    user: User
