from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("<str:reference>/reminders/<int:pk>/<slug:action>/", views.reminder_action, name="reminder"),
    path("<str:reference>/participants/<int:participant_id>/link/email/", views.link_email, name="link_email"),
]
