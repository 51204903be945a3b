"""Step 3, role swap: the customer works shifts at the business, in the staff member's role.

The caseworker proposes shifts; the business confirms, declines or proposes another time;
after a shift the business records attendance and feedback, and the customer a short
reflection. Which of these each person may do on a shift in each state is
``permissions.SHIFT_ACTIONS``. Done when the attended hours reach the plan's hours.
"""

from django.utils.translation import gettext as _

from cases.models import Case, Participant
from compassion.durations import duration

from .. import forms, services
from ..models import PersonalTime, RoleSwapShift
from ..registry import Action, Offer, RuleRows, Step
from ..reminder_rules import Wanted, delay, stamp, taking_part
from ..snapshot import CaseSnapshot

SLUG = "role-swap"


def missing(snap: CaseSnapshot) -> list[str]:
    if snap.plan is None:
        return ["No plan sets the role-swap hours yet."]
    if snap.attended_minutes >= snap.plan.role_swap_hours * 60:
        return []
    planned = f"{snap.plan.role_swap_hours.normalize():f}"
    missing = [f"{duration(snap.attended_minutes)} of {planned} role-swap hours attended."]
    if snap.needs_safety_approval:
        missing.append("High risk: a supervisor must approve before any shift is scheduled.")
    return missing


def offer(panel: Offer) -> None:
    if not panel.snap.needs_safety_approval:
        panel.add("shift-propose", forms.ShiftProposeForm)
        if panel.snap.plan and panel.snap.plan.personal_time_with_agent:
            # The one staff member who said yes to it is chosen already.
            willing = [p for p in panel.snap.participants if p.role == "agent" and p.personal_time_consent]
            initial = {"agent": willing[0].pk} if len(willing) == 1 else {}
            panel.add("personal-time-propose", forms.PersonalTimeProposeForm, **initial)


def reminders(snap: CaseSnapshot, rows: RuleRows) -> list[Wanted]:
    """The business when a shift is proposed (at once), and again if not confirmed after 2 days;
    the customer too when it is proposed (at once, to know what is coming); the customer and the
    business when it is confirmed (at once, unless it is less than a day away: then the day-before
    reminder goes at once instead), and the day before a confirmed shift."""
    business = taking_part(snap.participants, Participant.Role.BUSINESS)
    customer = taking_part(snap.participants, Participant.Role.CUSTOMER)
    shift_people = taking_part(snap.participants, Participant.Role.CUSTOMER, Participant.Role.BUSINESS)
    wanted = []
    for shift in rows.shifts:
        if shift.state == RoleSwapShift.State.PROPOSED:
            for person in business:
                wanted.append(Wanted("shift_proposed", shift.created_at, participant=person, shift=shift))
                due = shift.created_at + delay("shift_unconfirmed")
                wanted.append(Wanted("shift_unconfirmed", due, participant=person, shift=shift))
            for person in customer:
                wanted.append(Wanted("shift_proposed", shift.created_at, participant=person, shift=shift))
        elif shift.state == RoleSwapShift.State.CONFIRMED and shift.starts_at > rows.now:
            due = shift.starts_at - delay("before_event")
            if due > rows.now:
                generation = stamp(shift.starts_at)
                for person in shift_people:
                    wanted.append(Wanted("shift_confirmed", rows.now, person, shift=shift, generation=generation))
            for person in shift_people:
                wanted.append(
                    Wanted("shift_tomorrow", due, participant=person, shift=shift, generation=stamp(shift.starts_at))
                )
    return wanted + _personal_time_reminders(snap, rows)


def _personal_time_reminders(snap: CaseSnapshot, rows: RuleRows) -> list[Wanted]:
    """Personal time: the customer and the staff member each when it is proposed (at once, until they
    answer; once, never again to press them), and both the day before a time they agreed."""
    customer = taking_part(snap.participants, Participant.Role.CUSTOMER)
    wanted = []
    for time in rows.personal_times:
        agent = [person for person in snap.participants if person.pk == time.agent_id and person.takes_part]
        if time.state == PersonalTime.State.PROPOSED:
            for person in customer + agent:
                if not time.agreed_by(person.role):
                    wanted.append(
                        Wanted("personal_time_proposed", time.created_at, participant=person, personal_time=time)
                    )
        elif time.state == PersonalTime.State.AGREED and time.starts_at > rows.now:
            due = time.starts_at - delay("before_event")
            for person in customer + agent:
                wanted.append(
                    Wanted(
                        "personal_time_tomorrow",
                        due,
                        participant=person,
                        personal_time=time,
                        generation=stamp(time.starts_at),
                    )
                )
    return wanted


def todo(case: Case, participant: Participant) -> list[tuple[str, str]]:
    if participant.role == Participant.Role.BUSINESS and case.has_proposed_shifts:
        return [(_("Confirm or answer the proposed shifts."), "shifts")]
    if getattr(case, "personal_time_awaits_answer", False):
        return [(_("Say whether the proposed personal time suits you."), "personal_time")]
    return []


STEP = Step(
    slug=SLUG,
    label=Case.Step.ROLE_SWAP.label,
    missing=missing,
    panel_template="reconciliation/panels/step3.html",
    actions={
        "shift-propose": Action(
            forms.ShiftProposeForm,
            lambda case, data, user: services.shift_propose(case=case, by=user, **data),
            "Shift proposed to the business.",
        ),
        "shift-confirm": Action(
            forms.ShiftForm,
            lambda case, data, user: services.shift_confirm(shift=data["shift"], by=user),
            "Shift confirmed.",
        ),
        "shift-decline": Action(
            forms.ShiftReasonForm,
            lambda case, data, user: services.shift_decline(shift=data["shift"], reason=data["reason"], by=user),
            "Shift declined.",
        ),
        "shift-counter": Action(
            forms.ShiftCounterForm,
            lambda case, data, user: services.shift_counter_propose(
                shift=data["shift"], starts_at=data["starts_at"], ends_at=data["ends_at"], by=user
            ),
            "Other time recorded.",
        ),
        "shift-accept-counter": Action(
            forms.ShiftForm,
            lambda case, data, user: services.shift_accept_counter(shift=data["shift"], by=user),
            "Shift moved to the business's time and confirmed.",
        ),
        "shift-cancel": Action(
            forms.ShiftReasonForm,
            lambda case, data, user: services.shift_cancel(shift=data["shift"], reason=data["reason"], by=user),
            "Shift cancelled.",
        ),
        "shift-attendance": Action(
            forms.AttendanceForm,
            lambda case, data, user: services.shift_record_attendance(
                shift=data["shift"],
                attended=data["attended"],
                minutes=data["duration"],
                feedback=data["feedback"],
                by=user,
            ),
            "Attendance recorded.",
        ),
        "personal-time-propose": Action(
            forms.PersonalTimeProposeForm,
            lambda case, data, user: services.personal_time_propose(case=case, by=user, **data),
            "Personal time proposed: the customer and the staff member are each asked.",
        ),
        "personal-time-cancel": Action(
            forms.PersonalTimeCancelForm,
            lambda case, data, user: services.personal_time_cancel(time=data["time"], reason=data["reason"], by=user),
            "Personal time cancelled.",
        ),
        "personal-time-log": Action(
            forms.PersonalTimeLogForm,
            lambda case, data, user: services.personal_time_log(time=data["time"], minutes=data["minutes"], by=user),
            "Personal time logged.",
        ),
        "shift-reflection": Action(
            forms.ShiftReflectionForm,
            lambda case, data, user: services.shift_customer_reflection(
                shift=data["shift"], text=data["text"], by=user
            ),
            "The customer's reflection on the shift is saved.",
        ),
    },
    offer=offer,
    reminders=reminders,
    todo=todo,
)
