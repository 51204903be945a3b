"""The public referral form (no login) and the supervisors' triage pages (404 for anyone else)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_POST

from cases import services as case_services
from cases.intake import intake_forms, intake_open
from cases.roles import is_supervisor
from cases.selectors import cases_visible_to
from compassion import ratelimit

from . import selectors, services
from .forms import DeclineForm, DuplicateForm, ReferralForm
from .models import Referral

TRIAGE_PAGE_SIZE = 50


# ---------------------------------------------------------------- public


@login_not_required
def refer(request: HttpRequest) -> HttpResponse:
    form = ReferralForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if form.is_bot:
            # Same answer as for a person, so that a bot learns nothing; nothing is saved.
            return redirect("referrals:thanks")
        try:
            services.referral_submit(
                details=form.details(), language=get_language(), client_address=ratelimit.client_address(request)
            )
        except services.ReferralRateLimited as error:
            form.add_error(None, error)
            status = 429
        except case_services.WorkflowError as error:
            form.add_error(None, error)
            status = 400
        else:
            return redirect("referrals:thanks")
    return render(request, "referrals/refer.html", {"form": form}, status=status)


@login_not_required
def thanks(request: HttpRequest) -> HttpResponse:
    return render(request, "referrals/thanks.html")


# ---------------------------------------------------------------- triage


def _supervisors_only(request: HttpRequest) -> None:
    if not is_supervisor(request.user):
        raise Http404("Not found.")


def triage(request: HttpRequest) -> HttpResponse:
    _supervisors_only(request)
    state = request.GET.get("state", Referral.State.NEW)
    if state not in Referral.State.values:
        state = Referral.State.NEW
    rows = selectors.referral_list(user=request.user, state=state)
    page = Paginator(rows, TRIAGE_PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.referral_counts(user=request.user)
    return render(
        request,
        "referrals/triage.html",
        {
            "page": page,
            "state": state,
            "tabs": [(value, label, counts[value]) for value, label in Referral.State.choices],
        },
    )


def _detail(request: HttpRequest, referral: Referral, status: int = 200, **forms) -> HttpResponse:
    context = {
        "referral": referral,
        "possible_duplicates": selectors.referral_possible_duplicates(referral) if referral.is_new else [],
        "duplicate_form": DuplicateForm(cases=cases_visible_to(request.user)),
        "decline_form": DeclineForm(),
        **forms,
    }
    return render(request, "referrals/referral_detail.html", context, status=status)


def referral_detail(request: HttpRequest, pk: int) -> HttpResponse:
    _supervisors_only(request)
    return _detail(request, selectors.referral_for_user(user=request.user, pk=pk))


def referral_accept(request: HttpRequest, pk: int) -> HttpResponse:
    """The intake form, filled from the referral; opening the case accepts the referral."""
    _supervisors_only(request)
    referral = selectors.referral_for_user(user=request.user, pk=pk)
    if not referral.is_new:
        messages.error(request, f"This referral was already marked {referral.get_state_display().lower()}.")
        return redirect(referral)
    if request.method == "POST":
        forms, agents = intake_forms(request.POST, user=request.user)
        opened = intake_open(
            request,
            forms,
            agents,
            open_case=lambda intake: services.referral_accept(referral=referral, intake=intake, by=request.user),
            success="Referral accepted: case {reference} opened.",
        )
        if opened:
            return opened
    else:
        forms, agents = intake_forms(user=request.user, initial=selectors.referral_intake_initial(referral))
    return render(request, "referrals/referral_accept.html", {**forms, "agents": agents, "referral": referral})


@require_POST
def referral_mark_duplicate(request: HttpRequest, pk: int) -> HttpResponse:
    _supervisors_only(request)
    referral = selectors.referral_for_user(user=request.user, pk=pk)
    form = DuplicateForm(request.POST, cases=cases_visible_to(request.user))
    if not form.is_valid():
        messages.error(request, "The referral was not marked as a duplicate. Please correct the field marked below.")
        return _detail(request, referral, status=400, duplicate_form=form)
    try:
        services.referral_mark_duplicate(
            referral=referral, case=form.cleaned_data["case"], note=form.cleaned_data["note"], by=request.user
        )
    except case_services.WorkflowError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(referral)
    messages.success(request, f"Referral marked as a duplicate of case {form.cleaned_data['case'].reference}.")
    return redirect("referrals:triage")


@require_POST
def referral_decline(request: HttpRequest, pk: int) -> HttpResponse:
    _supervisors_only(request)
    referral = selectors.referral_for_user(user=request.user, pk=pk)
    form = DeclineForm(request.POST)
    if not form.is_valid():
        messages.error(request, "The referral was not declined. Please correct the fields marked below.")
        return _detail(request, referral, status=400, decline_form=form)
    try:
        services.referral_decline(referral=referral, by=request.user, **form.cleaned_data)
    except case_services.WorkflowError as error:
        messages.error(request, " ".join(error.messages))
        return _detail(request, referral, status=400, decline_form=form)
    reply = " A reply is on its way to the person." if form.cleaned_data["send_reply"] else ""
    messages.success(request, f"Referral declined.{reply}")
    return redirect("referrals:triage")
