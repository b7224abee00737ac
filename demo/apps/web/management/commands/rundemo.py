"""``python demo/manage.py rundemo [addrport]``: set up the demo's database, then serve it."""

from __future__ import annotations

from io import StringIO
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from apps.teams.models import Membership, Role, create_team
from apps.users.models import User

DEMO_EMAIL = "demo@example.com"
TEAMMATE_EMAIL = "teammate@example.com"
DEMO_PASSWORD = "demo-password"


class Command(BaseCommand):
    help = "Migrate the demo's SQLite database, seed it, and serve the site."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args: Any, addrport: str, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        # Its output is a metadata module to paste; the demo has one (apps/subscriptions).
        call_command("bootstrap_subscriptions", stdout=StringIO())
        seed_demo_user()
        self.stdout.write(
            self.style.SUCCESS(
                f"Sign in as {DEMO_EMAIL} (the owner of Demo Co) or {TEAMMATE_EMAIL} (a member),"
                f" with the password {DEMO_PASSWORD!r}; or sign up."
            )
        )
        call_command("runserver", addrport, use_reloader=False)


def seed_demo_user() -> None:
    """The demo's owner and a teammate, passwords reset, on a team of two seats."""
    owner, teammate = (demo_account(email) for email in (DEMO_EMAIL, TEAMMATE_EMAIL))
    if not owner.teams.exists():
        team = create_team(owner, "Demo Co")
        Membership.objects.create(team=team, user=teammate, role=Role.MEMBER)


def demo_account(email: str) -> User:
    user, _ = User.objects.get_or_create(email=email, defaults={"username": email})
    user.set_password(DEMO_PASSWORD)
    user.save()
    return user
