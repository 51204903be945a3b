from django.contrib import admin

from .models import Referral


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    list_display = ["id", "submitted_at", "state", "writer", "name", "business_name", "decided_by", "case"]
    list_filter = ["state", "writer", "police", "language", "contact_by"]
    search_fields = ["name", "email", "phone", "business_name", "story", "case__reference"]
    list_select_related = ["decided_by", "case"]
    date_hierarchy = "submitted_at"
    raw_id_fields = ["case"]
    # Decisions are taken in triage, through the services, which write the case's timeline.
    readonly_fields = [
        "state",
        "submitted_at",
        "consented_at",
        "decided_by",
        "decided_at",
        "decision_note",
        "case",
        "reply_sent_at",
    ]

    def has_add_permission(self, request) -> bool:
        return False
