from django.urls import path

from . import views, views_audit, views_dashboard, views_links, views_privacy

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_intake, name="intake"),
    path("dashboard/", views_dashboard.dashboard_page, name="dashboard"),
    path("dashboard/calendar/reset/", views_dashboard.calendar_feed_reset, name="calendar_feed_reset"),
    path("dashboard/calendar/stop/", views_dashboard.calendar_feed_stop, name="calendar_feed_stop"),
    path("calendar/<str:token>.ics", views_dashboard.calendar_feed_ics, name="calendar_feed"),
    path("reports/", views_dashboard.reports_page, name="reports"),
    path("reports/research.csv", views_dashboard.export_research, name="export_research"),
    path("export.csv", views_dashboard.export_case_list, name="export_csv"),
    path("audit/staff/", views_audit.staff_audit, name="staff_audit"),
    path("<str:reference>/", views.case_detail, name="detail"),
    path("<str:reference>/timeline/", views.case_timeline, name="timeline"),
    path("<str:reference>/status/", views.case_change_status, name="status"),
    path("<str:reference>/reassign/", views.case_reassign, name="reassign"),
    path("<str:reference>/audit/", views_audit.case_audit, name="audit"),
    path(
        "<str:reference>/participants/<int:participant_id>/export.json",
        views_privacy.participant_export,
        name="participant_export",
    ),
    path(
        "<str:reference>/participants/<int:participant_id>/erase/",
        views_privacy.participant_erase,
        name="participant_erase",
    ),
    path(
        "<str:reference>/participants/<int:participant_id>/link/<slug:action>/",
        views_links.participant_link,
        name="participant_link",
    ),
]
