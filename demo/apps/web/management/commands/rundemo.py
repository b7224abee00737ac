"""``python demo/manage.py rundemo [addrport]``: set up the demo's database, then serve it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from apps.teams.models import create_team

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "demo-password"


class Command(BaseCommand):
    help = "Migrate the demo's SQLite database, seed it, and serve the site."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, addrport: str, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        call_command("bootstrap_subscriptions", verbosity=0)
        seed_demo_user()
        self.stdout.write(
            self.style.SUCCESS(
                f"Sign in as {DEMO_EMAIL} with the password {DEMO_PASSWORD!r}, or sign up."
            )
        )
        call_command("runserver", addrport, use_reloader=False)


def seed_demo_user() -> None:
    """The demo's user, with its password reset and a team of its own."""
    user, _ = get_user_model().objects.get_or_create(
        email=DEMO_EMAIL, defaults={"username": "demo", "first_name": "Demo"}
    )
    user.set_password(DEMO_PASSWORD)
    user.save()
    if not user.teams.exists():
        create_team(user, "Demo Co")
