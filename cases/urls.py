from django.urls import path

from . import views, views_links

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_intake, name="intake"),
    path("<str:reference>/", views.case_detail, name="detail"),
    path("<str:reference>/timeline/", views.case_timeline, name="timeline"),
    path("<str:reference>/status/", views.case_change_status, name="status"),
    path("<str:reference>/reassign/", views.case_reassign, name="reassign"),
    path(
        "<str:reference>/participants/<int:participant_id>/link/<slug:action>/",
        views_links.participant_link,
        name="participant_link",
    ),
]
