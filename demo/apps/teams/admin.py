from django.contrib import admin

from .models import Invitation, Membership, Team


class MembershipInline(admin.TabularInline[Membership, Team]):
    model = Membership
    extra = 0


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin[Team]):
    list_display = ["name", "slug", "billing_details_last_changed", "last_synced_with_processor"]
    inlines = [MembershipInline]


admin.site.register(Invitation)
