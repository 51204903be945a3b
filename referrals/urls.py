from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    # Public: no login.
    path("refer/", views.refer, name="refer"),
    path("refer/thanks/", views.thanks, name="thanks"),
    # Triage: supervisors only.
    path("referrals/", views.triage, name="triage"),
    path("referrals/<int:pk>/", views.referral_detail, name="detail"),
    path("referrals/<int:pk>/accept/", views.referral_accept, name="accept"),
    path("referrals/<int:pk>/duplicate/", views.referral_mark_duplicate, name="duplicate"),
    path("referrals/<int:pk>/decline/", views.referral_decline, name="decline"),
]
