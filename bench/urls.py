"""The app's URLs plus the floor: the cost of Django itself on this machine."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import include, path

from cases.models import Business


@login_not_required
def floor(request: HttpRequest) -> HttpResponse:
    """A bare view: one query, a small template, the whole middleware stack."""
    return render(request, "bench/floor.html", {"business": Business.objects.order_by("pk").first()})


def staff_floor(request: HttpRequest) -> HttpResponse:
    """The floor as a staff page: a logged-in caseworker, the app's layout around the same query and lines.

    What any staff page pays before drawing its own content: the staff pages' targets are
    measured against it (``bench/targets.py``).
    """
    return render(request, "bench/staff_floor.html", {"business": Business.objects.order_by("pk").first()})


urlpatterns = [
    path("bench/floor/", floor, name="bench_floor"),
    path("bench/staff-floor/", staff_floor, name="bench_staff_floor"),
    path("", include("compassion.urls")),
]
