from django.apps import AppConfig


class PayConfig(AppConfig):
    name = "pay"
    verbose_name = "Payments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.core import checks

        from pay.checks import processor_settings
        from pay.webhooks.checks import webhook_settings

        checks.register(processor_settings, checks.Tags.compatibility)
        checks.register(webhook_settings, checks.Tags.compatibility)
