"""What the case page shows for each step: its state, what is missing, and the forms offered now.

What is offered is what ``permissions`` allows the staff member looking (the case's own
forms, each shift's), and what the current step offers (``Step.offer``); the services check
again when a form is posted. A form that failed is shown again bound, with its errors and what
was typed.
"""

from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from cases.hooks import CasePage
from cases.models import Case, Participant
from cases.selectors import attach_participants

from . import forms as step_forms
from . import permissions, workflow
from .models import CheckIn, MeetingOutcome, PersonalTime, PlanSignoff, RestorativeMeeting, StepSkip
from .registry import REGISTRY, Offer


class BuiltWhenDrawn(SimpleLazyObject):
    """A form the panels offer, built when the page draws it. Most offered forms are drawn as a
    link until asked for (``CasePage.asks_for``); building them all anyway was about 9 ms of a
    case page. True, as a form is, so that a template asks ``{% if f.consent %}`` without building it."""

    def __bool__(self) -> bool:
        return True


@dataclass
class Row:
    """A shift or a check-in with the forms offered for it."""

    item: object
    forms: dict[str, step_forms.StepForm] = field(default_factory=dict)
    # The folded forms of this row drawn now: asked for (``?form=<action>&row=<id>``) or sent back with an error.
    asked: set[str] = field(default_factory=set)


@dataclass
class Panels:
    case: Case
    snap: workflow.CaseSnapshot
    steps: list[workflow.StepState]
    forms: dict[str, step_forms.StepForm]
    signers: list[tuple[Participant, PlanSignoff | None]]
    shifts: list[Row]
    checkins: list[Row]
    failed_action: str | None
    meeting_outcomes: list[MeetingOutcome] = field(default_factory=list)
    personal_times: list[Row] = field(default_factory=list)
    # The folded form of the case asked for (``?form=<action>``): the others are links to it.
    asked: str = ""

    @property
    def current(self) -> workflow.StepState:
        return self.steps[self.case.step - 1]


def build(
    case: Case,
    user: AbstractBaseUser,
    failed: tuple[str, step_forms.StepForm] | None = None,
    *,
    participants: list[Participant] | None = None,
    asked: str = "",
    asked_row: str = "",
) -> Panels:
    """The panels of ``case``; ``participants``, if the page has loaded them (by role and id), are not read again.

    ``asked`` (and ``asked_row``, a shift's or a personal time's id) is the folded form asked for
    on the page: the forms of rarely used actions are links until asked for (``CasePage.asks_for``).
    """
    snap = workflow.snapshot(case, participants=participants)
    failed_action, failed_form = failed or (None, None)
    active = case.status == Case.Status.OPEN
    now = timezone.now()

    def form(action: str, form_class: type[step_forms.StepForm], **initial) -> step_forms.StepForm:
        if action == failed_action and _same_row(failed_form, initial):
            return failed_form
        return BuiltWhenDrawn(
            lambda: form_class(
                case=case, participants=snap.participants, initial=initial or None, auto_id=field_ids(action, initial)
            )
        )

    actor = permissions.actor_of(user)
    allowed = permissions.case_actions(snap, actor)
    panel = Offer(snap=snap, now=now, form=form)
    for action, form_class in CASE_FORMS.items():
        if action in allowed:
            panel.add(action, form_class)
    if active:
        REGISTRY[case.step].offer(panel)
    offered = panel.offered

    signers = []
    if snap.plan:
        signers = [(person, snap.signoffs.get(person.pk)) for person in workflow.required_signers(snap.participants)]

    shifts = []
    # Their staff members are among the participants read already.
    for shift in attach_participants(case.shifts.order_by("starts_at"), snap.participants, "agent"):
        row = Row(shift)
        if active:
            for action in permissions.shift_actions(shift, actor, now=now):
                name = f"shift-{action}"
                row.forms[name] = form(name, ROW_FORMS[name], shift=shift.pk)
        shifts.append(row)

    personal_times = []
    times = _rows(case, "has_personal_times", case.personal_times.order_by("starts_at"))
    for time in attach_participants(times, snap.participants, "agent"):
        row = Row(time)
        if active:
            for action in permissions.personal_time_actions(time, actor, now=now):
                name = f"personal-time-{action}"
                row.forms[name] = form(name, ROW_FORMS[name], time=time.pk)
        personal_times.append(row)

    checkins = []
    for checkin in _rows(case, "has_checkins", case.checkins.order_by("due_on")):
        row = Row(checkin)
        if checkin.state == CheckIn.State.DUE:
            row.forms["checkin-record"] = form("checkin-record", step_forms.CheckInForm, checkin=checkin.pk)
            row.forms["checkin-miss"] = form("checkin-miss", step_forms.CheckInMissForm, checkin=checkin.pk)
        checkins.append(row)

    for row in shifts + checkins + personal_times:
        row.asked = {
            name.replace("-", "_")
            for name, row_form in row.forms.items()
            if row_form is failed_form or (name == asked and str(row.item.pk) == asked_row)
        }
        row.forms = _template_keys(row.forms)
    outcomes = []
    if snap.meeting is not None and snap.meeting.state == RestorativeMeeting.State.HELD:
        outcomes = attach_participants(snap.meeting.outcomes.all(), snap.participants)
    return Panels(
        case=case,
        snap=snap,
        steps=workflow.progress(snap),
        forms=_template_keys(offered),
        signers=signers,
        shifts=shifts,
        checkins=checkins,
        failed_action=failed_action,
        meeting_outcomes=outcomes,
        personal_times=personal_times,
        asked=asked,
    )


def with_panel_rows(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The ``case_page_query`` hook: the case with its snapshot (``workflow.with_snapshot``), who
    approved it if it is high-risk, and whether it has skipped steps, personal time or check-ins
    at all. Most cases have none of them at a time; the panels then read nothing more for them
    (a query each)."""
    cases = workflow.with_snapshot(cases, skips=False).select_related("safety_approval__approved_by")
    return cases.annotate(
        has_step_skips=Exists(StepSkip.objects.filter(case=OuterRef("pk"))),
        has_personal_times=Exists(PersonalTime.objects.filter(case=OuterRef("pk"))),
        has_checkins=Exists(CheckIn.objects.filter(case=OuterRef("pk"))),
    )


def _rows(case: Case, flag: str, rows: QuerySet) -> QuerySet | list:
    """``rows``, unless the case was read with ``flag`` false (``with_panel_rows``): then there are none."""
    return rows if getattr(case, flag, True) else []


# Forms of the case as a whole (not of one step), in the order the page shows them.
CASE_FORMS = {
    "consent": step_forms.ConsentForm,
    "step-skip": step_forms.StepSkipForm,
    "safety-approve": step_forms.SafetyApprovalForm,
}
# Forms of one shift (one row of the role-swap panel).
ROW_FORMS = {
    "shift-confirm": step_forms.ShiftForm,
    "shift-accept-counter": step_forms.ShiftForm,
    "shift-decline": step_forms.ShiftReasonForm,
    "shift-cancel": step_forms.ShiftReasonForm,
    "shift-counter": step_forms.ShiftCounterForm,
    "shift-attendance": step_forms.AttendanceForm,
    "shift-reflection": step_forms.ShiftReflectionForm,
    "personal-time-cancel": step_forms.PersonalTimeCancelForm,
    "personal-time-log": step_forms.PersonalTimeLogForm,
}


ROW_KEYS = ("shift", "checkin", "time")


def field_ids(action: str, values) -> str:
    """Ids of a form's fields, unique on the case page: its action and, for a form of one row (a
    shift, a check-in, a personal time), that row (from ``values``: its initial or posted data)."""
    row = next((str(values.get(key)) for key in ROW_KEYS if values and values.get(key)), "")
    row = row if row.isdigit() else ""
    return f"id_{action.replace('-', '_')}{'_' + row if row else ''}_%s"


def _template_keys(offered: dict) -> dict:
    """Templates cannot read keys with hyphens: "shift-confirm" is offered as shift_confirm."""
    return {action.replace("-", "_"): form for action, form in offered.items()}


def _same_row(failed_form: step_forms.StepForm | None, initial: dict) -> bool:
    """A failed per-row form belongs to the row (shift, check-in) it was posted for."""
    if failed_form is None:
        return False
    for key in ROW_KEYS:
        if key in initial:
            return str(failed_form.data.get(key)) == str(initial[key])
    return True


def case_page_panels(page: CasePage) -> dict:
    """The case page's step panels (a ``case_page`` hook): a failed form is shown again, bound."""
    failed = page.extra.get("failed")
    panels = build(
        page.case,
        page.request.user,
        failed=failed,
        participants=page.participants,
        asked=page.form_asked,
        asked_row=page.request.GET.get("row", ""),
    )
    return {"panels": panels}
