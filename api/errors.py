"""Every refusal of the API is JSON: ``{"detail": "...", "errors": {field: [...]}}``, never a 500 page."""

from django.core.exceptions import ValidationError
from django.http import Http404
from rest_framework import status
from rest_framework.exceptions import APIException
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from cases.services import WorkflowError

FIELDS_REFUSED = "Some fields are not right; see errors."


def form_errors(form) -> Response:
    """A form's errors, by field (``__all__`` for the whole), as a 400."""
    errors = {field: [str(message) for message in messages] for field, messages in form.errors.items()}
    return Response({"detail": FIELDS_REFUSED, "errors": errors}, status=status.HTTP_400_BAD_REQUEST)


def refused(error: ValidationError, *, code: int = status.HTTP_409_CONFLICT) -> Response:
    """A move the rules do not allow, with its human message (409), or a rate limit (429)."""
    return Response({"detail": " ".join(str(message) for message in error.messages)}, status=code)


def exception_handler(exc, context):
    if isinstance(exc, WorkflowError):
        return refused(exc)
    if isinstance(exc, Http404):
        return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, APIException) and isinstance(response.data, dict):
        if "detail" not in response.data:  # a serializer's field errors
            response.data = {"detail": FIELDS_REFUSED, "errors": response.data}
    return response
