from __future__ import annotations

from typing import Any

import django_stubs_ext
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import Charge, Customer, PaymentMethod, Price, Product, Subscription, Webhook
from .webhooks.processing import retry as retry_webhooks

django_stubs_ext.monkeypatch()  # lets the admin classes below carry their model type


class SubscriptionInline(admin.TabularInline[Subscription, Customer]):
    model = Subscription
    extra = 0
    fields = ("name", "processor_plan", "status", "quantity", "ends_at")
    readonly_fields = fields
    show_change_link = True


class PriceInline(admin.TabularInline[Price, Product]):
    model = Price
    extra = 1
    fields = ("processor_id", "amount", "currency", "interval", "interval_count", "active")


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin[Product]):
    """The local catalogue; bootstrap_subscriptions fills it, or add a processor's products and
    prices here when it cannot (the processor of each price is its product's)."""

    list_display = ("name", "processor", "processor_id", "active")
    list_filter = ("processor", "active")
    search_fields = ("name", "processor_id", "prices__processor_id")
    inlines = (PriceInline,)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for price in formset.save(commit=False):
            price.processor = price.product.processor
            price.save()
        for deleted in formset.deleted_objects:
            deleted.delete()


@admin.register(Customer)
class CustomerAdmin(admin.ModelAdmin[Customer]):
    list_display = ("__str__", "owner_type", "owner_id", "processor", "default", "deleted_at")
    list_filter = ("processor", "default", "owner_type")
    search_fields = ("processor_id", "owner_id")
    inlines = (SubscriptionInline,)


@admin.register(Subscription)
class SubscriptionAdmin(admin.ModelAdmin[Subscription]):
    list_display = (
        "processor_id",
        "customer",
        "name",
        "processor_plan",
        "status",
        "quantity",
        "trial_ends_at",
        "ends_at",
        "current_period_end",
    )
    list_filter = ("status", "customer__processor", "name")
    search_fields = (
        "processor_id",
        "processor_plan",
        "customer__processor_id",
        "customer__owner_id",
    )
    list_select_related = ("customer",)
    date_hierarchy = "created_at"


@admin.register(Charge)
class ChargeAdmin(admin.ModelAdmin[Charge]):
    list_display = (
        "processor_id",
        "customer",
        "amount",
        "amount_refunded",
        "currency",
        "brand",
        "last4",
        "created_at",
    )
    list_filter = ("currency", "customer__processor")
    search_fields = ("processor_id", "customer__processor_id", "customer__owner_id")
    list_select_related = ("customer",)


@admin.register(PaymentMethod)
class PaymentMethodAdmin(admin.ModelAdmin[PaymentMethod]):
    list_display = (
        "processor_id",
        "customer",
        "type",
        "brand",
        "last4",
        "exp_month",
        "exp_year",
        "default",
    )
    list_filter = ("type", "brand", "default")
    search_fields = ("processor_id", "customer__processor_id", "customer__owner_id")
    list_select_related = ("customer",)


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin[Webhook]):
    list_display = (
        "event_id",
        "processor",
        "event_type",
        "status",
        "attempts",
        "occurred_at",
        "created_at",
    )
    list_filter = ("status", "processor", "event_type")
    search_fields = ("event_id", "event_type", "last_error")
    readonly_fields = ("payload", "last_error", "attempts", "processed_at", "occurred_at")
    date_hierarchy = "created_at"
    actions = ("retry",)

    @admin.action(description="Retry the selected events that are not processed")
    def retry(self, request: HttpRequest, queryset: QuerySet[Webhook]) -> None:
        pending = list(queryset.exclude(status=Webhook.Status.PROCESSED))
        failed = retry_webhooks(pending)
        self.message_user(
            request,
            f"Retried {len(pending)} event(s); {len(failed)} failed again (see their last error).",
            messages.WARNING if failed else messages.SUCCESS,
        )
