# Joins the saas branch's catalogue and the webhooks branch's processing migrations.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("pay", "0002_catalogue"),
        ("pay", "0002_webhook_processing"),
    ]

    operations = []
