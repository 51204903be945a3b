from django.urls import path

from . import views, views_links

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_intake, name="intake"),
    path("<reference:reference>/", views.case_detail, name="detail"),
    path("<reference:reference>/timeline/", views.case_timeline, name="timeline"),
    path("<reference:reference>/status/", views.case_change_status, name="status"),
    path("<reference:reference>/reassign/", views.case_reassign, name="reassign"),
    path(
        "<reference:reference>/participants/<int:participant_id>/contact/",
        views.participant_contact,
        name="participant_contact",
    ),
    path(
        "<reference:reference>/participants/<int:participant_id>/link/<slug:action>/",
        views_links.participant_link,
        name="participant_link",
    ),
]
