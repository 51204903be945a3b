"""The portal: pages for customers, staff members (agents) and businesses, reached by personal link.

Each page shows only what its participant may see of their case: a business never sees the
customer's reflection; no external participant ever sees another's contact details. Every
change goes through the same services as the caseworker's pages, with the participant as the
actor. GET never changes anything; POSTs are CSRF-protected.
"""

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.models import Participant
from casework import services as casework
from notifications import calendar
from reconciliation import permissions, services, workflow
from reconciliation.models import CheckIn, PersonalTime, Reflection, RestorativeMeeting, RoleSwapShift
from reconciliation.registry import REGISTRY
from reconciliation.workflow import WorkflowError

from . import forms, reflection_file
from .access import participant_view
from .pages import page

CUSTOMER, AGENT, BUSINESS = Participant.Role.CUSTOMER, Participant.Role.AGENT, Participant.Role.BUSINESS


def _go(request: HttpRequest, name: str) -> HttpResponse:
    return redirect(f"portal:{name}", token=request.token)


def _refused(form, error: WorkflowError) -> None:
    for message in error.messages:
        form.add_error(None, message)


_page = page


# ---------------------------------------------------------------- everyone


@participant_view()
def home(request: HttpRequest) -> HttpResponse:
    """What the participant can do now and their pages, from the case as ``participant_view`` read
    it (with its one-to-one rows, current plan and the questions of ``access.participant_case``)."""
    participant = request.participant
    return _page(request, "home.html", {"todo": _todo(participant), "pages": _pages(participant)})


def _pages(participant: Participant) -> list[tuple[str, str]]:
    """The participant's pages that have something to show now: (title, portal page name)."""
    role, case = participant.role, participant.case
    pages = []
    if role == CUSTOMER:
        pages.append((_("Your reflection"), "reflection"))
    if role in {AGENT, BUSINESS}:
        pages.append((_("Taking part"), "consent"))
    if case.snapshot_plan_id and workflow.must_sign(participant):
        pages.append((_("The plan"), "plan"))
    if role in {CUSTOMER, BUSINESS} and case.has_shifts:
        pages.append((_("Role-swap shifts"), "shifts"))
    if case.has_personal_time or (role == AGENT and participant.takes_part):
        pages.append((_("Personal time"), "personal_time"))
    if workflow.one_to_one(case, "meeting") and role != BUSINESS and participant.takes_part:
        pages.append((_("The meeting"), "meeting"))
    if role == CUSTOMER and workflow.one_to_one(case, "commitment"):
        pages.append((_("Your commitments"), "commitments"))
    if case.was_ever_asked:
        pages.append((_("Your answers and research"), "research"))
    return pages


def _todo(participant: Participant) -> list[tuple[str, str]]:
    """What the participant could do now, (message, portal page name): each step says what its
    participants could do (``Step.todo``), from the case as ``participant_case`` read it."""
    case, todo = participant.case, []
    if participant.contact_stopped_at:
        return todo  # they asked for nothing more
    if participant.role == AGENT and participant.consent == Participant.Consent.PENDING:
        todo.append((_("Tell us whether you would like to take part."), "consent"))
    for step in REGISTRY:
        todo.extend(step.todo(case, participant))
    if case.has_questions_waiting:
        todo.append((_("A few questions for you, if you would like to answer them."), "questions"))
    return todo


@participant_view()
def plan(request: HttpRequest) -> HttpResponse:
    participant = request.participant
    snap = workflow.snapshot(participant.case)
    signer = participant in workflow.required_signers(snap.participants)
    if snap.plan is None or not signer:
        raise Http404("No plan to show.")
    form = forms.SignoffForm(request.POST or None, participant=participant, initial={"plan": snap.plan.pk})
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            casework.plan_answer(
                plan=form.cleaned_data["plan"],
                participant=participant,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                typed_name=form.cleaned_data["signature"],
            )
        except WorkflowError as error:
            # Answering an old version: show the current one, keeping what was typed.
            data = request.POST.copy()
            data["plan"] = str(snap.plan.pk)
            form = forms.SignoffForm(data, participant=participant)
            form.is_valid()
            _refused(form, error)
        else:
            messages.success(request, _("Thank you. Your answer is recorded and your caseworker has been told."))
            return _go(request, "plan")
    if request.method == "POST":
        status = 400
    return _page(
        request,
        "plan.html",
        {"plan": snap.plan, "signoff": snap.signoffs.get(participant.pk), "form": form},
        status=status,
    )


# ---------------------------------------------------------------- customer


@participant_view(CUSTOMER)
def reflection(request: HttpRequest) -> HttpResponse:
    participant, case = request.participant, request.participant.case
    current = Reflection.objects.filter(case=case).first()
    drafting = current is None or current.state == Reflection.State.DRAFT
    editable = REGISTRY.current(case).slug == "reflection" and drafting
    if request.method == "POST" and not editable:
        # A second click on "Submit" lands here: nothing to do, nothing lost.
        messages.info(request, _("Your reflection was already submitted. Thank you."))
        return _go(request, "reflection")
    initial = {name: getattr(current, name) for name in Reflection.QUESTIONS} if current else {}
    form = forms.ReflectionForm(request.POST or None, initial=initial)
    kept = {"reflection_file": reflection_file.current(case), "max_mb": settings.ATTACHMENT_MAX_MB}
    if request.method == "POST":
        autosave = request.headers.get("X-Autosave") == "1"
        if not form.is_valid():
            if autosave:
                return JsonResponse({"saved": False, "errors": form.errors}, status=400)
            return _page(
                request, "reflection.html", {"form": form, "reflection": current, "editable": True, **kept}, status=400
            )
        submit = "submit" in request.POST and not autosave
        refused = None if autosave else reflection_file.take(request, case=case, participant=participant)
        if refused:  # the answers are kept as a draft; the file is chosen again
            form.add_error(None, refused)
            services.reflection_save_draft(case=case, answers=form.cleaned_data, by=participant)
            kept["reflection_file"] = reflection_file.current(case)
            return _page(
                request, "reflection.html", {"form": form, "reflection": current, "editable": True, **kept}, status=400
            )
        try:
            if submit:
                services.reflection_submit(case=case, answers=form.cleaned_data, by=participant)
            else:
                saved = services.reflection_save_draft(case=case, answers=form.cleaned_data, by=participant)
        except WorkflowError as error:
            if autosave:
                return JsonResponse({"saved": False, "errors": {"__all__": error.messages}}, status=400)
            _refused(form, error)
            # The answers are kept as a draft even when submitting is refused.
            services.reflection_save_draft(case=case, answers=form.cleaned_data, by=participant)
            return _page(
                request, "reflection.html", {"form": form, "reflection": current, "editable": True, **kept}, status=400
            )
        if autosave:
            return JsonResponse({"saved": True, "at": timezone.localtime(saved.updated_at).strftime("%H:%M")})
        if submit:
            messages.success(request, _("Your reflection is submitted. Your caseworker will read it. Thank you."))
        else:
            messages.success(request, _("Your draft is saved. You can come back to it with the same link."))
        return _go(request, "reflection")
    return _page(request, "reflection.html", {"form": form, "reflection": current, "editable": editable, **kept})


@participant_view(CUSTOMER)
def commitments(request: HttpRequest) -> HttpResponse:
    participant, case = request.participant, request.participant.case
    commitment = getattr(case, "commitment", None)
    if commitment is None:
        raise Http404("No commitments yet.")
    error = None
    if request.method == "POST":
        if commitment.agreed_at:
            messages.info(request, _("You already agreed. Thank you."))
            return _go(request, "commitments")
        try:
            casework.commitments_sign(case=case, participant=participant, typed_name=request.POST.get("signature", ""))
        except WorkflowError as refused:
            error = " ".join(refused.messages)
        else:
            messages.success(request, _("Thank you. You have completed the program."))
            return _go(request, "commitments")
    context = {"commitment": commitment, "error": error, "typed": request.POST.get("signature", "")[:200]}
    return _page(request, "commitments.html", context, status=400 if error else 200)


@participant_view(CUSTOMER)
def checkin(request: HttpRequest) -> HttpResponse:
    participant, case = request.participant, request.participant.case
    due = case.checkins.filter(state=CheckIn.State.DUE, due_on__lte=timezone.localdate()).order_by("due_on").first()
    form = forms.CheckInForm(request.POST or None)
    if request.method == "POST":
        if due is None:
            messages.info(request, _("There is no check-in to answer right now. Thank you."))
            return _go(request, "home")
        if form.is_valid():
            try:
                services.checkin_record(checkin=due, answers=form.cleaned_data["answers"], by=participant)
            except WorkflowError as error:
                _refused(form, error)
            else:
                messages.success(request, _("Thank you for checking in."))
                return _go(request, "home")
    status = 400 if request.method == "POST" else 200
    return _page(request, "checkin.html", {"checkin": due, "form": form}, status=status)


# ---------------------------------------------------------------- shifts: customer and business


def _row_ids(row, action: str) -> str:
    """Ids of a row's form fields, unique on the page (each row has the same fields)."""
    row = str(row)
    return f"id_{row if row.isdigit() else 'x'}_{action}_%s"


# What each answer on the shifts page reads and calls; who may give it on which shift is
# ``permissions.SHIFT_ACTIONS``, the same answer as on the case page and in the services.
SHIFT_ANSWERS = {
    # action: (form, service call, message)
    "confirm": (
        forms.ShiftForm,
        lambda shift, data, by: services.shift_confirm(shift=shift, by=by),
        gettext_lazy("Thank you: the shift is confirmed."),
    ),
    "decline": (
        forms.ShiftDeclineForm,
        lambda shift, data, by: services.shift_decline(shift=shift, reason=data["reason"], by=by),
        gettext_lazy("The shift is declined. The caseworker will be in touch."),
    ),
    "counter": (
        forms.ShiftCounterForm,
        lambda shift, data, by: services.shift_counter_propose(
            shift=shift, starts_at=data["starts_at"], ends_at=data["ends_at"], by=by
        ),
        gettext_lazy("Thank you: the caseworker will look at the time you proposed."),
    ),
    "attendance": (
        forms.AttendanceForm,
        lambda shift, data, by: services.shift_record_attendance(
            shift=shift, attended=data["attended"], minutes=data["duration"], feedback=data["feedback"], by=by
        ),
        gettext_lazy("Thank you: attendance is recorded."),
    ),
    "reflection": (
        forms.ShiftReflectionForm,
        lambda shift, data, by: services.shift_customer_reflection(shift=shift, text=data["text"], by=by),
        gettext_lazy("Thank you for your reflection on the shift."),
    ),
}


@participant_view(CUSTOMER, BUSINESS)
def shifts(request: HttpRequest) -> HttpResponse:
    participant = request.participant
    failed = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action not in SHIFT_ANSWERS or not permissions.shift_answerable(action, permissions.actor_of(participant)):
            raise Http404("No such action.")
        form_class, perform, done = SHIFT_ANSWERS[action]
        ids = _row_ids(request.POST.get("shift", ""), action)
        form = form_class(request.POST, participant=participant, auto_id=ids)
        if form.is_valid():
            try:
                perform(form.cleaned_data["shift"], form.cleaned_data, participant)
            except WorkflowError as error:
                _refused(form, error)
            else:
                messages.success(request, done)
                return _go(request, "shifts")
        failed = (action, form)
    rows = [_shift_row(shift, participant, failed) for shift in participant.case.shifts.order_by("starts_at")]
    if failed and not any(failed[1] in row["forms"].values() for row in rows):
        # The shift no longer offers that action (it was cancelled, say): say why at the top.
        for error in failed[1].non_field_errors() or [_("That is no longer possible for this shift.")]:
            messages.error(request, error)
    context = {"rows": rows, "now": timezone.now(), "failed_form": failed[1] if failed else None}
    return _page(request, "shifts.html", context, status=400 if failed else 200)


def _shift_row(shift: RoleSwapShift, participant: Participant, failed) -> dict:
    """A shift with the forms its participant may use on it now."""
    row_forms = {}
    for action in permissions.shift_actions(shift, permissions.actor_of(participant)):
        if failed and failed[0] == action and str(failed[1].data.get("shift")) == str(shift.pk):
            row_forms[action] = failed[1]
        else:
            row_forms[action] = SHIFT_ANSWERS[action][0](
                participant=participant, initial={"shift": shift.pk}, auto_id=_row_ids(shift.pk, action)
            )
    return {"shift": shift, "forms": row_forms}


@participant_view(CUSTOMER, BUSINESS)
def shift_ics(request: HttpRequest, shift_id: int) -> HttpResponse:
    shift = request.participant.case.shifts.filter(pk=shift_id).first()
    if shift is None or shift.state not in {RoleSwapShift.State.CONFIRMED, RoleSwapShift.State.PROPOSED}:
        raise Http404("No such shift.")
    response = HttpResponse(calendar.calendar_bytes([calendar.shift_event(shift)]), content_type="text/calendar")
    response["Content-Disposition"] = f'attachment; filename="shift-{shift.pk}.ics"'
    return response


# ---------------------------------------------------------------- agent (and the meeting)


@participant_view(AGENT, BUSINESS)
def consent(request: HttpRequest) -> HttpResponse:
    participant = request.participant
    form = forms.ConsentForm(request.POST or None, participant=participant)
    if request.method == "POST" and form.is_valid():
        try:
            services.consent_record(participant=participant, consent=form.cleaned_data["consent"], by=participant)
        except WorkflowError as error:
            _refused(form, error)
        else:
            messages.success(request, _("Thank you. Your answer is recorded; you can change your mind at any time."))
            return _go(request, "home")
    status = 400 if request.method == "POST" else 200
    return _page(request, "consent.html", {"form": form}, status=status)


@participant_view(CUSTOMER, AGENT)
def meeting(request: HttpRequest) -> HttpResponse:
    participant = request.participant
    meeting = RestorativeMeeting.objects.filter(case=participant.case).first()
    if meeting is None or not participant.takes_part:
        raise Http404("No meeting to show.")
    form = None
    if participant.role == AGENT and meeting.state == RestorativeMeeting.State.SCHEDULED:
        form = forms.AgentWordsForm(request.POST or None, initial={"words": meeting.agent_words})
        if request.method == "POST" and form.is_valid():
            try:
                services.meeting_agent_words(
                    case=participant.case, participant=participant, words=form.cleaned_data["words"]
                )
            except WorkflowError as error:
                _refused(form, error)
            else:
                messages.success(request, _("Thank you. Your words are saved for the meeting."))
                return _go(request, "meeting")
    elif request.method == "POST":
        raise Http404("Nothing to change here.")
    status = 400 if request.method == "POST" else 200
    return _page(request, "meeting.html", {"meeting": meeting, "form": form}, status=status)


# ---------------------------------------------------------------- personal time: customer and staff member

# What each answer on the personal time page reads and calls; who may give it when is
# ``permissions.PERSONAL_TIME_ACTIONS``, as on the case page and in the services.
PERSONAL_TIME_ANSWERS = {
    "agree": (
        forms.PersonalTimeForm,
        lambda time, data, by: services.personal_time_agree(time=time, by=by),
        gettext_lazy(
            "Thank you: your yes is recorded. If the other person says yes too, it is on; "
            "we will remind you the day before."
        ),
    ),
    "decline": (
        forms.PersonalTimeForm,
        lambda time, data, by: services.personal_time_decline(time=time, by=by),
        gettext_lazy("That is fine: it will not happen. Nothing more is needed from you."),
    ),
    "words": (
        forms.PersonalTimeWordsForm,
        lambda time, data, by: services.personal_time_words(time=time, text=data["text"], by=by),
        gettext_lazy("Thank you for your words."),
    ),
}


def _personal_times(participant: Participant):
    times = participant.case.personal_times.select_related("agent").order_by("starts_at")
    return times.filter(agent=participant) if participant.role == AGENT else times


def personal_time_offered(participant: Participant) -> bool:
    """Whether the personal time page has something for the participant: the staff member's own
    yes or no while they take part, or a personal time of theirs."""
    if participant.role == AGENT and participant.takes_part:
        return True
    return participant.case.has_personal_time


@participant_view(CUSTOMER, AGENT)
def personal_time(request: HttpRequest) -> HttpResponse:
    participant = request.participant
    if not personal_time_offered(participant):
        raise Http404("No personal time to show.")
    actor = permissions.actor_of(participant)
    consent_form = None
    if participant.role == AGENT and participant.takes_part:
        consent_form = forms.PersonalTimeConsentForm(participant=participant)
    failed = None
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "consent" and consent_form is not None:
            consent_form = forms.PersonalTimeConsentForm(request.POST, participant=participant)
            if consent_form.is_valid():
                agreed = consent_form.cleaned_data["agreed"]
                try:
                    services.personal_time_consent_record(participant=participant, agreed=agreed, by=participant)
                except WorkflowError as error:
                    _refused(consent_form, error)
                else:
                    messages.success(
                        request,
                        _("Thank you. You are open to personal time; nothing happens unless you say yes to a time.")
                        if agreed
                        else _("Thank you. There will be no personal time with the customer."),
                    )
                    return _go(request, "personal_time")
            failed = ("consent", consent_form)
        elif action in PERSONAL_TIME_ANSWERS:
            form_class, perform, done = PERSONAL_TIME_ANSWERS[action]
            posted = request.POST.get("time", "")
            form = form_class(request.POST, participant=participant, auto_id=_row_ids(posted, action))
            if form.is_valid():
                try:
                    perform(form.cleaned_data["time"], form.cleaned_data, participant)
                except WorkflowError as error:
                    _refused(form, error)
                else:
                    messages.success(request, done)
                    return _go(request, "personal_time")
            failed = (action, form)
        else:
            raise Http404("No such action.")
    rows = []
    for time in _personal_times(participant):
        row_forms = {}
        for action in permissions.personal_time_actions(time, actor):
            if failed and failed[0] == action and str(failed[1].data.get("time")) == str(time.pk):
                row_forms[action] = failed[1]
            else:
                row_forms[action] = PERSONAL_TIME_ANSWERS[action][0](
                    participant=participant, initial={"time": time.pk}, auto_id=_row_ids(time.pk, action)
                )
        rows.append({"time": time, "forms": row_forms, "mine": time.agreed_by(participant.role)})
    if failed and failed[0] != "consent" and not any(failed[1] in row["forms"].values() for row in rows):
        for error in failed[1].non_field_errors() or [_("That is no longer possible for this personal time.")]:
            messages.error(request, error)
    context = {"rows": rows, "consent_form": consent_form, "failed_form": failed[1] if failed else None}
    return _page(request, "personal_time.html", context, status=400 if failed else 200)


@participant_view(CUSTOMER, AGENT)
def personal_time_ics(request: HttpRequest, time_id: int) -> HttpResponse:
    time = _personal_times(request.participant).filter(pk=time_id).first()
    if time is None or time.state not in {PersonalTime.State.PROPOSED, PersonalTime.State.AGREED}:
        raise Http404("No such personal time.")
    response = HttpResponse(
        calendar.calendar_bytes([calendar.personal_time_event(time)]), content_type="text/calendar"
    )
    response["Content-Disposition"] = f'attachment; filename="personal-time-{time.pk}.ics"'
    return response
