"""The OpenAPI schema and its browsable documentation, for staff (a login, as every staff page).

Swagger UI comes from drf-spectacular-sidecar (served as our static files, no CDN), and its
start-up script from a separate address, so the Content-Security-Policy needs no inline script.
"""

from django.http import Http404
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import authentication, permissions

from cases.roles import is_caseworker


class StaffSession(permissions.BasePermission):
    """A logged-in staff member (the pages' session); anyone else: 404, as for a staff page."""

    def has_permission(self, request, view) -> bool:
        if not is_caseworker(request.user):
            raise Http404("Not found.")
        return True


class _ForStaff:
    authentication_classes = [authentication.SessionAuthentication]
    permission_classes = [StaffSession]
    throttle_classes: list = []


class SchemaView(_ForStaff, SpectacularAPIView):
    pass


class DocsView(_ForStaff, SpectacularSwaggerSplitView):
    pass
