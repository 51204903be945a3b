"""A staff member's account page: password, two-factor; and the supervisors' switch that requires two-factor."""

import segno
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from cases.roles import is_supervisor
from cases.services import WorkflowError

from . import selectors, services
from .forms import CodeForm, PolicyForm


def _next_url(request: HttpRequest) -> str:
    """Where to go once done: the page the staff member was going to, if it is ours."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    host, https = {request.get_host()}, request.is_secure()
    ours = url_has_allowed_host_and_scheme(target, allowed_hosts=host, require_https=https)
    if ours and target.startswith("/"):  # a path: anything else would be taken for a URL name
        return target
    return "/"


def security(request: HttpRequest) -> HttpResponse:
    user = request.user
    supervisor = is_supervisor(user)
    policy = selectors.security_policy()
    return render(
        request,
        "accounts/security.html",
        {
            "device": selectors.confirmed_device(user),
            "policy": policy,
            "is_supervisor": supervisor,
            "code_form": CodeForm(),
            "policy_form": PolicyForm(initial={"required": policy.staff_two_factor_required}) if supervisor else None,
        },
    )


def two_factor_setup(request: HttpRequest) -> HttpResponse:
    if selectors.has_confirmed_device(request.user):
        messages.info(request, "Two-factor is already on for your account.")
        return redirect("accounts:security")
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.two_factor_confirm(request=request, token=form.cleaned_data["code"])
            except WorkflowError as error:
                form.add_error("code", error)
            else:
                messages.success(request, "Two-factor is on. From now on, logging in asks for a code from your app.")
                return redirect(_next_url(request) if request.POST.get("next") else "accounts:security")
    key = services.two_factor_key_pending(user=request.user, session=request.session)
    device = services.pending_device(user=request.user, key=key)
    qr = segno.make(device.config_url, error="m")
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr_data_uri": qr.svg_data_uri(scale=5, border=2, dark="#000", light="#fff"),
            "secret": services.device_secret(device),
            "required": selectors.two_factor_required(),
            "next": _next_url(request) if request.GET.get("next") or request.POST.get("next") else "",
        },
        status=400 if request.method == "POST" else 200,
    )


def two_factor_verify(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified() or not selectors.has_confirmed_device(request.user):
        return redirect(_next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.two_factor_verify(request=request, token=form.cleaned_data["code"])
        except WorkflowError as error:
            form.add_error("code", error)
        else:
            return redirect(_next_url(request))
    return render(
        request,
        "accounts/two_factor_verify.html",
        {"form": form, "next": _next_url(request)},
        status=400 if request.method == "POST" else 200,
    )


@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    form = CodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "Type the six digits your app shows to turn two-factor off.")
        return redirect("accounts:security")
    try:
        services.two_factor_disable(request=request, token=form.cleaned_data["code"])
    except WorkflowError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Two-factor is off for your account.")
    return redirect("accounts:security")


@require_POST
def two_factor_policy(request: HttpRequest) -> HttpResponse:
    if not is_supervisor(request.user):
        raise Http404("Not found.")
    form = PolicyForm(request.POST)
    form.is_valid()  # a checkbox: absent means off
    required = bool(form.cleaned_data.get("required"))
    try:
        services.two_factor_policy_set(required=required, by=request.user)
    except WorkflowError as error:
        messages.error(request, " ".join(error.messages))
    else:
        if required:
            messages.success(request, "Two-factor is now required: staff without an app set one up at their next page.")
        else:
            messages.success(request, "Two-factor is now optional for staff.")
    return redirect("accounts:security")
