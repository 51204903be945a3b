"""The lock-out backend: django-axes' own, for logins that come with a request."""

from axes.backends import AxesStandaloneBackend
from django.http import HttpRequest


class LockoutBackend(AxesStandaloneBackend):
    """Refuses a locked-out username and address before the password is checked (django-axes).

    Every login over HTTP passes its request (Django's and the admin's login pages). A call
    without one comes from code on the server itself (a script, the test client's
    ``login()``): there is no address to lock, so it is left to the next backend.
    """

    def authenticate(self, request: HttpRequest | None, username: str | None = None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
