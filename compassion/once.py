"""Every form is sent once, however often its button is pressed.

Each ``<form method="post">`` the app draws gets a one-time token beside its CSRF token (the
middleware writes it into the page, so that no template has to remember it). The first post
that carries a token claims it (a unique row, committed at once) and is handled as usual; a
second post with the same token (a double click, a double tap, a browser that sent it again)
is not handled again: it waits for the first to finish and then leads where the first led (the
new case, the confirmation page), or back to the page with a plain note when the first answer
was a page of its own. Where JavaScript runs, ``static/js/send-once.js`` also disables the
button while the form is being sent.

Posts without a token (the API, the reflection's autosave, a test client) are handled as before.
"""

import random
import re
import secrets
import time
from collections.abc import Callable
from datetime import timedelta

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .models import SentForm

FIELD = "sent_once"
KEEP = timedelta(days=1)
WAIT_SECONDS = 15.0
_CSRF_INPUT = re.compile(rb'(<input type="hidden" name="csrfmiddlewaretoken" value="[^"]*">)')
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _with_tokens(content: bytes) -> bytes:
    return _CSRF_INPUT.sub(
        lambda match: (
            match.group(1)
            + b'<input type="hidden" name="'
            + FIELD.encode()
            + b'" value="'
            + secrets.token_urlsafe(16).encode()
            + b'">'
        ),
        content,
    )


def claim(token: str, path: str) -> SentForm | None:
    """The new row for ``token``, or None when an earlier post already claimed it."""
    if random.random() < 0.01:  # noqa: S311 - not a secret: how often old rows are swept
        SentForm.objects.filter(created_at__lt=timezone.now() - KEEP).delete()
    try:
        with transaction.atomic():
            return SentForm.objects.create(token=token, path=path[:500])
    except IntegrityError:
        return None


def first_result(token: str, *, wait: float = WAIT_SECONDS) -> SentForm | None:
    """The row of the first post once it has finished (None if it is still going after ``wait``)."""
    deadline = time.monotonic() + wait
    while True:
        row = SentForm.objects.filter(token=token).first()
        if row is None or row.done or time.monotonic() >= deadline:
            return row if row is not None and row.done else None
        time.sleep(0.1)


class SendOnceMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = request.POST.get(FIELD, "") if request.method == "POST" and _is_form(request) else ""
        if token and _TOKEN.fullmatch(token):
            row = claim(token, request.path)
            if row is None:
                return self._again(request, token)
            response = None
            try:
                response = self.get_response(request)
            finally:
                redirected = response is not None and response.status_code in (301, 302, 303)
                row.result = response["Location"][:2000] if redirected else ""
                row.done = True
                row.save(update_fields=["result", "done"])
        else:
            response = self.get_response(request)
        return self._add_tokens(response)

    def _again(self, request: HttpRequest, token: str) -> HttpResponse:
        row = first_result(token)
        if row is not None and row.result:
            return HttpResponseRedirect(row.result)
        messages.info(request, _("This was already sent a moment ago: it was sent once."))
        back = request.headers.get("Referer", "")
        safe = url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure())
        return HttpResponseRedirect(back if back and safe else request.path)

    @staticmethod
    def _add_tokens(response: HttpResponse) -> HttpResponse:
        if (
            not getattr(response, "streaming", False)
            and response.get("Content-Type", "").startswith("text/html")
            and b"csrfmiddlewaretoken" in response.content
        ):
            response.content = _with_tokens(response.content)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response


def _is_form(request: HttpRequest) -> bool:
    kind = request.content_type or ""
    return kind in ("application/x-www-form-urlencoded", "multipart/form-data") and not request.headers.get(
        "X-Autosave"
    )
