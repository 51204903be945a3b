"""Admin views of the five steps: for looking things up. State changes go through the case page."""

from django.contrib import admin

from cases.admin import AuditedAdmin

from .models import (
    CheckIn,
    Commitment,
    PlanSignoff,
    ReconciliationPlan,
    Reflection,
    RestorativeMeeting,
    RoleSwapShift,
    SafetyApproval,
    StepSkip,
)


@admin.register(Reflection)
class ReflectionAdmin(admin.ModelAdmin):
    list_display = ["case", "state", "submitted_at", "reviewed_at", "reviewed_by"]
    list_filter = ["state"]
    search_fields = ["case__reference"]
    list_select_related = ["case", "reviewed_by"]
    readonly_fields = ["case", "state", "submitted_at", "reviewed_at", "reviewed_by"]


class PlanSignoffInline(admin.TabularInline):
    model = PlanSignoff
    extra = 0
    readonly_fields = ["participant", "decision", "comment", "decided_at"]
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReconciliationPlan)
class ReconciliationPlanAdmin(AuditedAdmin):
    list_display = ["case", "version", "role_swap_hours", "meeting_format", "created_by", "created_at"]
    list_filter = ["meeting_format", "personal_time_with_agent"]
    search_fields = ["case__reference"]
    list_select_related = ["case", "created_by"]
    # A plan version is a record: an edit is a new version, made on the case page.
    readonly_fields = ["case", "version", "created_by", "created_at"]
    inlines = [PlanSignoffInline]


@admin.register(RoleSwapShift)
class RoleSwapShiftAdmin(AuditedAdmin):
    list_display = ["case", "business", "starts_at", "ends_at", "role", "state", "minutes_attended"]
    list_filter = ["state"]
    search_fields = ["case__reference", "business__name", "role", "location"]
    list_select_related = ["case", "business"]
    date_hierarchy = "starts_at"
    readonly_fields = ["case", "state", "minutes_attended"]
    raw_id_fields = ["business", "agent"]


@admin.register(RestorativeMeeting)
class RestorativeMeetingAdmin(AuditedAdmin):
    list_display = ["case", "state", "scheduled_at", "format", "facilitator"]
    list_filter = ["state", "format"]
    search_fields = ["case__reference", "facilitator"]
    list_select_related = ["case"]
    readonly_fields = ["case", "state"]


@admin.register(Commitment)
class CommitmentAdmin(AuditedAdmin):
    list_display = ["case", "drafted_at", "agreed_at"]
    search_fields = ["case__reference"]
    list_select_related = ["case"]
    readonly_fields = ["case", "agreed_at"]


@admin.register(CheckIn)
class CheckInAdmin(admin.ModelAdmin):
    list_display = ["case", "days_after", "due_on", "state", "recorded_at"]
    list_filter = ["state", "days_after"]
    search_fields = ["case__reference"]
    list_select_related = ["case"]
    readonly_fields = ["case", "days_after", "state", "recorded_at"]


@admin.register(SafetyApproval)
class SafetyApprovalAdmin(admin.ModelAdmin):
    list_display = ["case", "approved_by", "approved_at"]
    search_fields = ["case__reference"]
    list_select_related = ["case", "approved_by"]
    readonly_fields = ["case", "approved_by", "approved_at", "note"]


@admin.register(StepSkip)
class StepSkipAdmin(admin.ModelAdmin):
    list_display = ["case", "step", "skipped_by", "skipped_at"]
    list_filter = ["step"]
    search_fields = ["case__reference"]
    list_select_related = ["case", "skipped_by"]
    readonly_fields = ["case", "step", "skipped_by", "skipped_at", "reason"]
