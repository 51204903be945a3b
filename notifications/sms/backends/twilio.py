"""Texts through Twilio's REST API with its official client, configured by ``SMS_URL``.

``SMS_URL`` is ``twilio://<account SID>:<auth token>@api.twilio.com/?from=<number>`` (or
``messaging_service=<MG...>`` instead of ``from``). ``twilio+http://...@127.0.0.1:8025/`` points
the same client at a stand-in gateway over plain HTTP (tests, ``make smoke``). Delivery
reports come back to ``SITE_URL`` + ``/sms/status/`` (``notifications.webhooks``).
"""

from functools import cache
from urllib.parse import parse_qs, unquote, urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import NoReverseMatch, reverse
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from .. import SmsError, SmsMessage

# Twilio's error codes that no retry cures: an invalid or unreachable 'To', a landline, a number
# that answered STOP (21610), a blocked or unknown destination.
PERMANENT_CODES = frozenset({21211, 21212, 21214, 21217, 21401, 21407, 21408, 21421, 21610, 21612, 21614, 21635})


@cache
def gateway(url: str) -> tuple[Client, dict]:
    """The client for ``SMS_URL`` and what each message is sent with; read once per process."""
    parts = urlsplit(url)
    if parts.scheme not in {"twilio", "twilio+http"} or not parts.username or not parts.password:
        raise ImproperlyConfigured(
            "SMS_URL must look like twilio://<account SID>:<auth token>@api.twilio.com/?from=+1..."
        )
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    sender = {}
    if query.get("messaging_service"):
        sender["messaging_service_sid"] = query["messaging_service"]
    elif query.get("from"):
        sender["from_"] = query["from"]
    else:
        raise ImproperlyConfigured("SMS_URL needs the number texts come from (?from=+1...) or ?messaging_service=MG...")
    client = Client(
        unquote(parts.username),
        unquote(parts.password),
        http_client=TwilioHttpClient(timeout=settings.SMS_TIMEOUT),
    )
    host = parts.hostname or "api.twilio.com"
    if host != "api.twilio.com" or parts.scheme == "twilio+http":
        scheme = "http" if parts.scheme == "twilio+http" else "https"
        client.api.base_url = f"{scheme}://{host}{f':{parts.port}' if parts.port else ''}"
    return client, sender


def auth_token() -> str:
    """The auth token of ``SMS_URL``, which signs what the gateway posts back; "" without a gateway."""
    if not settings.SMS_URL:
        return ""
    return unquote(urlsplit(settings.SMS_URL).password or "")


def _status_callback() -> dict:
    try:
        return {"status_callback": settings.SITE_URL + reverse("sms:status")}
    except NoReverseMatch:
        return {}


class SmsBackend:
    def send(self, message: SmsMessage) -> str:
        client, sender = gateway(settings.SMS_URL)
        try:
            sent = client.messages.create(
                to=message.to,
                body=message.body,
                **sender,
                **_status_callback(),
            )
        except TwilioRestException as error:
            permanent = error.code in PERMANENT_CODES or (400 <= error.status < 500 and error.status != 429)
            refused = f"The gateway refused the text ({error.status}, code {error.code})."
            raise SmsError(refused, permanent=permanent) from error
        except (TwilioException, OSError) as error:
            raise SmsError(f"The gateway could not be reached: {type(error).__name__}.") from error
        return sent.sid
