from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "apps.teams"
    label = "teams"

    def ready(self) -> None:
        from pay.seats import track_seat_changes

        from . import signals  # noqa: F401
        from .models import Membership

        track_seat_changes(Membership, "team")
