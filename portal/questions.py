"""The questions waiting for a participant: a short questionnaire, optional, one at a time.

Every question can be left out, and the whole questionnaire skipped with one button as plain
as the one that sends it; the program goes on the same either way, and a skipped
questionnaire is never asked again for the same moment. The answers keep the version of the
questions the person was shown.
"""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from questionnaires import selectors, services
from questionnaires.forms import AnswersForm, ResearchConsentForm
from questionnaires.models import QuestionnaireVersion
from reconciliation.workflow import WorkflowError

from .access import participant_view
from .pages import page


@participant_view()
def questions(request: HttpRequest) -> HttpResponse:
    participant = request.participant
    invitation = selectors.open_invitations(participant).first()
    if invitation is None:
        if request.method == "POST":  # a second click after the last one was answered
            messages.info(request, _("There are no questions waiting for you. Thank you."))
            return redirect("portal:home", token=request.token)
        return page(request, "questions.html", {"invitation": None})
    version = services.published_version(invitation.questionnaire)
    ask_research = selectors.research_consent(participant) is None
    status = 200
    if request.method == "POST" and "skip" in request.POST:
        try:
            services.invitation_skip(invitation=invitation, by=participant)
        except WorkflowError as error:
            messages.info(request, " ".join(error.messages))
        else:
            messages.success(request, _("That's fine: we will not ask these questions again."))
        return redirect("portal:questions", token=request.token)
    if request.method == "POST":
        # The version the person was shown, if it is one of this questionnaire's published ones.
        shown = QuestionnaireVersion.objects.filter(
            pk=request.POST.get("version") if (request.POST.get("version") or "").isdigit() else None,
            questionnaire=invitation.questionnaire,
            published_at__isnull=False,
        ).first()
        form = AnswersForm(request.POST, version=shown or version, ask_research=ask_research)
        if shown is not None and form.is_valid():
            try:
                services.invitation_answer(
                    invitation=invitation,
                    version=shown,
                    answers=form.answers(),
                    share_with_caseworker=form.cleaned_data["share"],
                    by=participant,
                    research=form.research_answer() if ask_research else None,
                )
            except WorkflowError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Thank you. Your answers are saved."))
                return redirect("portal:questions", token=request.token)
        elif shown is None:
            form.add_error(None, _("These questions have changed in the meantime; please answer them again."))
        status = 400
    else:
        form = AnswersForm(version=version, ask_research=ask_research)
    return page(request, "questions.html", {"invitation": invitation, "form": form}, status=status)


@participant_view()
def research(request: HttpRequest) -> HttpResponse:
    """The person's yes or no to research, apart from taking part; changed here at any time."""
    participant = request.participant
    consent = selectors.research_consent(participant)
    if request.method == "POST":
        form = ResearchConsentForm(request.POST)
        if form.is_valid():
            services.research_consent_record(participant=participant, agreed=form.agreed(), by=participant)
            if form.agreed():
                messages.success(request, _("Thank you. Your answers may be used for research, without your name."))
            else:
                messages.success(
                    request, _("Done. Your answers are used for your case only and leave in no research export.")
                )
            return redirect("portal:research", token=request.token)
        return page(request, "research.html", {"consent": consent}, status=400)
    return page(request, "research.html", {"consent": consent})
