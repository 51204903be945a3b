"""What the SMS gateway (Twilio) posts back: delivery reports, and the texts people send us.

Both need no login: each request carries the gateway's signature (``X-Twilio-Signature``, an
HMAC of the address and the posted fields under the account's auth token), checked with the
official client's ``RequestValidator``; a request without a valid one gets 403 and changes
nothing. The address signed is ``SITE_URL`` + the path, as the gateway was told (see
``sms/backends/twilio.py``), so a proxy in front changes nothing.

- ``/sms/status/``: the delivery of a text we sent (queued, sent, delivered, undelivered,
  failed), kept on its reminder and shown on the case's reminder list; a text that did not
  arrive is a failed reminder for the caseworker to see.
- ``/sms/inbound/``: a text someone sent to our number. STOP (and BAJA, ALTO, CANCEL...) stops
  texts to that number at once (e-mail is used, the caseworker sees it); START (ALTA) starts
  them again; anything else is put on the case's timeline for the caseworker, and the person
  is told, in their language, who will read it and whom to call.
"""

import logging

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse

from . import services
from .sms.backends.twilio import auth_token

logger = logging.getLogger(__name__)

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "BAJA", "ALTO", "PARAR", "PARE"})
START_WORDS = frozenset({"START", "UNSTOP", "YES", "ALTA", "SI", "SÍ"})


def _signed(request: HttpRequest) -> bool:
    token = auth_token()
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    url = settings.SITE_URL + request.get_full_path()
    return RequestValidator(token).validate(url, request.POST.dict(), signature)


def gateway_view(view):
    """No login, no CSRF token (the gateway has neither), POST only, and the gateway's signature."""

    @csrf_exempt
    @require_POST
    def wrapper(request: HttpRequest) -> HttpResponse:
        if not _signed(request):
            logger.warning("A request to %s without a valid gateway signature was refused.", request.path)
            return HttpResponseForbidden("Signature not valid.")
        return view(request)

    wrapper.login_required = False  # what @login_not_required marks
    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    return wrapper


def _posted(request: HttpRequest, name: str, limit: int = 1600) -> str:
    """A field the gateway posted, without NUL (no database text may hold one), and not longer than a text can be."""
    return request.POST.get(name, "").replace("\x00", "")[:limit]


@gateway_view
def status(request: HttpRequest) -> HttpResponse:
    """A delivery report: kept on the text's reminder."""
    services.text_delivery_record(
        external_id=_posted(request, "MessageSid", 64),
        status=_posted(request, "MessageStatus", 32).lower(),
        error_code=_posted(request, "ErrorCode", 16),
    )
    return HttpResponse(status=204)


@gateway_view
def inbound(request: HttpRequest) -> HttpResponse:
    """A text someone sent us: STOP or START, or a message for their caseworker."""
    sender = _posted(request, "From", 32)
    body = _posted(request, "Body").strip()
    word = body.upper().strip(" .!¡")
    people = services.people_with_number(sender)
    reply = MessagingResponse()
    language = people[0].preferred_language if people else settings.LANGUAGE_CODE
    with translation.override(language):
        if word in STOP_WORDS:
            services.texts_stop(people=people)
            reply.message(_("PLI: you will get no more texts from us. To start again, reply START."))
        elif word in START_WORDS:
            services.texts_start(people=people)
            reply.message(_("PLI: texts are on again. Reply STOP to stop them."))
        elif people:
            caseworker = services.text_received(people=people, body=body)
            reply.message(
                _("PLI: thank you. %(name)s will read your message. To talk now, call %(phone)s.")
                % {"name": caseworker, "phone": settings.PLI_CONTACT_PHONE}
            )
        else:
            nobody = _("PLI: nobody reads replies to this number. Please call %(phone)s.")
            reply.message(nobody % {"phone": settings.PLI_CONTACT_PHONE})
    return HttpResponse(str(reply), content_type="text/xml")

