"""Project URLs.

Every page needs a login (LoginRequiredMiddleware) except those whose view is marked
``@login_not_required``: Django's login and password-reset pages and, later, the portal.
"""

from django.contrib import admin
from django.urls import include, path

from cases import views as case_views

urlpatterns = [
    path("", case_views.home, name="home"),
    path("cases/", include("cases.urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
