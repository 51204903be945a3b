from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from .models import Business, Case, CaseEvent, Incident, Participant, ReferenceSequence, StaffContact


class AuditedAdmin(SimpleHistoryAdmin):
    """An admin with the object's audit history ("History"), read-only: no old version is ever
    opened as a form to revert to (SIMPLE_HISTORY_REVERT_DISABLED hides the button; this refuses
    the page, so that a POST cannot revert either)."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        raise PermissionDenied("The audit history is a record: it is read, never reverted to.")


class ParticipantInline(admin.TabularInline):
    model = Participant
    extra = 0
    fields = ["role", "name", "email", "phone", "preferred_language", "consent", "no_contact"]


class CaseEventInline(admin.TabularInline):
    """The timeline is a record: shown, never edited."""

    model = CaseEvent
    extra = 0
    fields = ["created_at", "kind", "message", "actor", "actor_participant", "from_value", "to_value"]
    readonly_fields = fields
    can_delete = False
    ordering = ["-created_at", "-id"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Business)
class BusinessAdmin(admin.ModelAdmin):
    list_display = ["name", "contact_name", "contact_email", "contact_phone", "created_at"]
    search_fields = ["name", "contact_name", "contact_email"]


@admin.register(Incident)
class IncidentAdmin(admin.ModelAdmin):
    list_display = ["__str__", "business", "occurred_at", "severity", "police_involved", "video_posted", "source"]
    list_filter = ["severity", "police_involved", "video_posted", "source"]
    search_fields = ["business__name", "location", "description"]
    date_hierarchy = "occurred_at"
    list_select_related = ["business"]
    autocomplete_fields = ["business"]


@admin.register(Case)
class CaseAdmin(AuditedAdmin):
    list_display = ["reference", "status", "step", "risk", "caseworker", "opened_at", "last_activity_at"]
    list_filter = ["status", "step", "risk", "caseworker"]
    search_fields = ["reference", "incident__business__name", "participants__name"]
    list_select_related = ["caseworker"]
    date_hierarchy = "opened_at"
    # Status and step change only through the services, which write the timeline.
    readonly_fields = ["reference", "status", "step", "status_reason", "completed_at", "closed_at", "last_activity_at"]
    raw_id_fields = ["incident"]
    inlines = [ParticipantInline, CaseEventInline]


@admin.register(Participant)
class ParticipantAdmin(AuditedAdmin):
    list_display = ["name", "role", "case", "email", "phone", "consent", "no_contact"]
    list_filter = ["role", "consent", "no_contact", "preferred_language"]
    search_fields = ["name", "email", "phone", "case__reference"]
    list_select_related = ["case"]
    raw_id_fields = ["case"]


@admin.register(CaseEvent)
class CaseEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "case", "kind", "message", "actor"]
    list_filter = ["kind"]
    search_fields = ["case__reference", "message"]
    list_select_related = ["case", "actor"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReferenceSequence)
class ReferenceSequenceAdmin(admin.ModelAdmin):
    list_display = ["year", "last_number"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(StaffContact)
class StaffContactAdmin(admin.ModelAdmin):
    """A staff member's work phone, which the participants of their cases see."""

    list_display = ["user", "phone"]
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    autocomplete_fields = ["user"]
