"""What the SMS gateway posts back: delivery reports and texts people send (notifications/webhooks.py)."""

from django.urls import path

from . import webhooks

app_name = "sms"

urlpatterns = [
    path("status/", webhooks.status, name="status"),
    path("inbound/", webhooks.inbound, name="inbound"),
]
