"""The admin: questionnaires and their versions to look at, and who was asked what (never the answers).

Questionnaires are defined on the supervisors' own pages (``/cases/questionnaires/``), which keep
published versions unchanged; here everything is read-only. Answers are not listed: a caseworker
reads them on the case page only where the person agreed, and research sees them only as figures.
"""

from django.contrib import admin

from .models import Invitation, Question, Questionnaire, QuestionnaireUse, QuestionnaireVersion, ResearchConsent


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class UseInline(admin.TabularInline):
    model = QuestionnaireUse
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class QuestionInline(UseInline):
    model = Question
    fields = ["position", "kind", "text", "text_es", "low_label", "high_label", "choices"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(ReadOnly):
    list_display = ["title", "title_es", "active", "created_at"]
    list_filter = ["active"]
    search_fields = ["title", "title_es"]
    inlines = [UseInline]


@admin.register(QuestionnaireVersion)
class QuestionnaireVersionAdmin(ReadOnly):
    list_display = ["questionnaire", "number", "created_at", "published_at"]
    search_fields = ["questionnaire__title"]
    inlines = [QuestionInline]


@admin.register(Invitation)
class InvitationAdmin(ReadOnly):
    list_display = ["questionnaire", "participant", "case", "moment", "state", "opens_at", "answered_at"]
    list_filter = ["state", "moment", "participant__role"]
    search_fields = ["case__reference", "questionnaire__title"]
    list_select_related = ["questionnaire", "participant", "case"]
    exclude = ["shared_with_caseworker"]


@admin.register(ResearchConsent)
class ResearchConsentAdmin(ReadOnly):
    list_display = ["participant", "agreed", "answered_at", "revoked_at"]
    list_filter = ["agreed"]
    search_fields = ["participant__case__reference"]
    list_select_related = ["participant"]
