"""The portal: every page here needs no login; the personal link in the URL is the key."""

from django.urls import path

from . import asks, documents, messages, questions, views

app_name = "portal"

urlpatterns = [
    path("<str:token>/", views.home, name="home"),
    path("<str:token>/reflection/", views.reflection, name="reflection"),
    path("<str:token>/plan/", views.plan, name="plan"),
    path("<str:token>/shifts/", views.shifts, name="shifts"),
    path("<str:token>/shifts/<int:shift_id>.ics", views.shift_ics, name="shift_ics"),
    path("<str:token>/consent/", views.consent, name="consent"),
    path("<str:token>/personal-time/", views.personal_time, name="personal_time"),
    path("<str:token>/personal-time/<int:time_id>.ics", views.personal_time_ics, name="personal_time_ics"),
    path("<str:token>/meeting/", views.meeting, name="meeting"),
    path("<str:token>/commitments/", views.commitments, name="commitments"),
    path("<str:token>/check-in/", views.checkin, name="checkin"),
    path("<str:token>/documents/<slug:kind>.pdf", documents.document, name="document"),
    path("<str:token>/questions/", questions.questions, name="questions"),
    path("<str:token>/research/", questions.research, name="research"),
    path("<str:token>/messages/", messages.channel, name="messages"),
    path("<str:token>/stop/", asks.stop, name="stop"),
    path("<str:token>/talk/", asks.talk, name="talk"),
]
