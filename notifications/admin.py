"""Admin view of reminders: for looking things up."""

from django.contrib import admin

from .models import Reminder


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    """Read-only: reminders change through their rules, the dispatcher and the case page."""

    list_display = ["case", "kind", "participant", "user", "due_at", "state", "attempts", "sent_at"]
    list_filter = ["state", "kind"]
    search_fields = ["case__reference", "participant__name", "participant__email"]
    list_select_related = ["case", "participant", "user"]
    date_hierarchy = "due_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
