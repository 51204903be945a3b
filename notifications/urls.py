from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("<reference:reference>/reminders/<int:pk>/<slug:action>/", views.reminder_action, name="reminder"),
    path("<reference:reference>/participants/<int:participant_id>/link/email/", views.link_email, name="link_email"),
]
