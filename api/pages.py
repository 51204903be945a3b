"""Staff pages of the API: one's personal tokens; for supervisors, webhooks and their delivery log."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from cases.roles import is_supervisor, staff_only
from cases.services import WorkflowError

from . import selectors, services
from .forms import TokenForm, WebhookForm

DELIVERY_PAGE_SIZE = 50


def _tokens_page(request: HttpRequest, form: TokenForm, *, new_token: str = "", status: int = 200) -> HttpResponse:
    context = {"form": form, "tokens": selectors.tokens_of(request.user), "new_token": new_token}
    return render(request, "api/tokens.html", context, status=status)


def tokens(request: HttpRequest) -> HttpResponse:
    """Your API tokens; a new one is shown once, in the answer that made it."""
    staff_only(request)
    if request.method != "POST":
        return _tokens_page(request, TokenForm())
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _tokens_page(request, form, status=400)
    try:
        token, raw = services.token_create(user=request.user, **form.cleaned_data)
    except WorkflowError as error:
        form.add_error(None, error)
        return _tokens_page(request, form, status=400)
    messages.success(request, f"Token “{token.name}” made. Copy it now: it is shown only this once.")
    return _tokens_page(request, TokenForm(), new_token=raw)


@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    staff_only(request)
    token = selectors.token_for_user(user=request.user, pk=pk)
    services.token_revoke(token=token, by=request.user)
    messages.success(request, f"Token “{token.name}” revoked: it no longer works.")
    return redirect("api:tokens")


def _supervisors_only(request: HttpRequest) -> None:
    if not is_supervisor(request.user):
        raise Http404("Not found.")


def _webhooks_page(request: HttpRequest, form: WebhookForm, *, new=None, status: int = 200) -> HttpResponse:
    context = {"form": form, "subscriptions": selectors.subscriptions(), "new": new}
    return render(request, "api/webhooks.html", context, status=status)


def webhooks(request: HttpRequest) -> HttpResponse:
    """The webhooks, what each has delivered lately; a new one's signing secret is shown once."""
    _supervisors_only(request)
    if request.method != "POST":
        return _webhooks_page(request, WebhookForm())
    form = WebhookForm(request.POST)
    if not form.is_valid():
        return _webhooks_page(request, form, status=400)
    try:
        subscription = services.subscription_create(by=request.user, **form.cleaned_data)
    except WorkflowError as error:
        form.add_error("url", error)
        return _webhooks_page(request, form, status=400)
    messages.success(request, "Webhook added. Copy its secret now: it is shown only this once.")
    return _webhooks_page(request, WebhookForm(), new=subscription)


def webhook_deliveries(request: HttpRequest, pk: int) -> HttpResponse:
    """One webhook's delivery log, newest first."""
    _supervisors_only(request)
    subscription = selectors.subscription(pk)
    page = Paginator(selectors.deliveries_of(subscription), DELIVERY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "api/webhook_deliveries.html", {"subscription": subscription, "page": page})


@require_POST
def webhook_active(request: HttpRequest, pk: int) -> HttpResponse:
    _supervisors_only(request)
    subscription = selectors.subscription(pk)
    active = request.POST.get("active") == "on"
    services.subscription_set_active(subscription=subscription, active=active, by=request.user)
    messages.success(request, "Webhook resumed." if active else "Webhook paused: it gets no new deliveries.")
    return redirect("api:webhooks")
