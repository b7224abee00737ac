from django.apps import AppConfig


class TestAppConfig(AppConfig):
    name = "tests.testapp"
    label = "testapp"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from pay.seats import track_seat_changes

        from .models import Membership

        track_seat_changes(Membership, "team")
