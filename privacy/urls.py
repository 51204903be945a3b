from django.urls import path

from . import views, views_audit

app_name = "privacy"

urlpatterns = [
    path("audit/staff/", views_audit.staff_audit, name="staff_audit"),
    path("<reference:reference>/audit/", views_audit.case_audit, name="audit"),
    path(
        "<reference:reference>/participants/<int:participant_id>/export.json",
        views.participant_export,
        name="participant_export",
    ),
    path(
        "<reference:reference>/participants/<int:participant_id>/erase/",
        views.participant_erase,
        name="participant_erase",
    ),
]
