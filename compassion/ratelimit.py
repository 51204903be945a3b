"""Counting requests per client address, for the public pages' rate limits.

Counters live in Django's cache (CACHE_URL: shared Redis in production, so that every web
process sees the same counts). Only a hash of the address is kept, and only for the window.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The visitor's address: behind NUM_PROXIES proxies, the one the outermost proxy saw."""
    if settings.NUM_PROXIES:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if forwarded:
            return forwarded[-min(settings.NUM_PROXIES, len(forwarded))]
    return request.META.get("REMOTE_ADDR", "")


def _key(scope: str, address: str) -> str:
    return f"ratelimit:{scope}:" + hashlib.sha256(address.encode()).hexdigest()


def hit(scope: str, address: str, *, window_seconds: int) -> int:
    """Count one event for this address in the current window; returns the count so far."""
    key = _key(scope, address)
    cache.add(key, 0, timeout=window_seconds)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.set(key, 1, timeout=window_seconds)
        return 1


def count(scope: str, address: str) -> int:
    """How many events this address has in the current window."""
    return cache.get(_key(scope, address), 0)
