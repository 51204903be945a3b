"""Project URLs.

Every page needs a login (LoginRequiredMiddleware) except those whose view is marked
``@login_not_required``: Django's login and password-reset pages, the language switch, the
public referral form (``/refer/``), ``/healthz`` and, later, the portal.
``tests/compassion/test_public_pages.py`` holds the list.
"""

from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from accounts.password_reset import RateLimitedPasswordResetView
from cases import views as case_views
from compassion import health

urlpatterns = [
    path("", case_views.home, name="home"),
    # The staff pages live under /cases/ whichever app draws them. The apps above the core come
    # first: the core's "<reference>/" would take their addresses ("dashboard/", "audit/staff/").
    path("cases/", include("reporting.urls")),
    path("cases/", include("privacy.urls")),
    path("cases/", include("notifications.urls")),
    path("cases/", include("questionnaires.urls")),
    path("cases/", include("casework.urls")),
    path("cases/", include("cases.urls")),
    path("cases/", include("reconciliation.urls")),
    path("p/", include("portal.urls")),
    path("sms/", include("notifications.sms_urls")),
    path("accounts/", include("accounts.urls")),
    # Django's own account pages, but for the password reset with rate limits.
    path("accounts/password_reset/", RateLimitedPasswordResetView.as_view(), name="password_reset"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
    path("", include("referrals.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("healthz", health.healthz, name="healthz"),
]

# An unhandled error: a 503 "back in a few minutes" when the database is away, else a 500.
handler400 = "compassion.faults.bad_request"
handler500 = "compassion.faults.server_error"
# An address under /p/ that is no portal page: the same page as a personal link that does not work.
handler404 = "portal.access.page_not_found"
