from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("dashboard/", views.dashboard_page, name="dashboard"),
    path("dashboard/calendar/reset/", views.calendar_feed_reset, name="calendar_feed_reset"),
    path("dashboard/calendar/stop/", views.calendar_feed_stop, name="calendar_feed_stop"),
    path("calendar/<str:token>.ics", views.calendar_feed_ics, name="calendar_feed"),
    path("reports/", views.reports_page, name="reports"),
    path("reports/research.csv", views.export_research, name="export_research"),
    path("reports/research-answers.csv", views.export_research_answers, name="export_research_answers"),
    path("export.csv", views.export_case_list, name="export_csv"),
]
