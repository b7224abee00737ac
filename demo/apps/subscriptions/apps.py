from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "apps.subscriptions"
    label = "subscriptions"

    def ready(self) -> None:
        from .webhooks import subscribe_handlers

        subscribe_handlers()
