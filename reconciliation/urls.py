from django.urls import path

from . import views

app_name = "reconciliation"

urlpatterns = [
    path("<reference:reference>/act/<slug:action>/", views.step_action, name="act"),
]
