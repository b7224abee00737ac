from django.apps import AppConfig


class PayConfig(AppConfig):
    name = "pay"
    verbose_name = "Payments"
    default_auto_field = "django.db.models.BigAutoField"
