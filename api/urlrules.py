"""Where a webhook may point: https in production, never at this app, never at a private address.

A private address (loopback, the local network, link-local, reserved) is allowed only with
WEBHOOK_ALLOW_PRIVATE_URLS, for a receiver on the same machine or network. The address is
checked when the webhook is added and again before each delivery (a name can change what it
points at).
"""

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from cases.services import WorkflowError


def _is_private(address: str) -> bool:
    ip = ipaddress.ip_address(address)
    return not ip.is_global or ip.is_multicast


def _default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


def _same_as_this_app(host: str, port: int) -> bool:
    site = urlsplit(settings.SITE_URL)
    if site.hostname and host == site.hostname.lower() and port == (site.port or _default_port(site.scheme)):
        return True
    named = {name.lower().lstrip(".") for name in settings.ALLOWED_HOSTS if name not in ("*",)}
    loopback = {"localhost", "127.0.0.1", "[::1]", "::1", "testserver"}
    return host in named - loopback


def check_url(url: str, *, resolve: bool = True) -> None:
    """Refuse, with the reason, a webhook address that breaks the rules above."""
    try:
        URLValidator(schemes=["http", "https"])(url)
    except ValidationError:
        raise WorkflowError("Give a web address that starts with https://.") from None
    parts = urlsplit(url)
    if settings.PRODUCTION and parts.scheme != "https":
        raise WorkflowError("A webhook address must start with https:// (the deliveries carry a signature).")
    if parts.username or parts.password:
        raise WorkflowError("Put no user name or password in the address; each delivery is signed instead.")
    host = (parts.hostname or "").lower()
    try:
        port = parts.port or _default_port(parts.scheme)
    except ValueError:
        raise WorkflowError("The port of the address is not a number between 1 and 65535.") from None
    if _same_as_this_app(host, port):
        raise WorkflowError("A webhook cannot point at this app itself.")
    if settings.WEBHOOK_ALLOW_PRIVATE_URLS or not resolve:
        return
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)}
    except (OSError, UnicodeError):
        raise WorkflowError(f"The name {host} could not be found; check the address.") from None
    if any(_is_private(address.split("%")[0]) for address in addresses):
        raise WorkflowError(
            "This address points at a private network or at this machine; webhooks go to public addresses only."
        )
