"""Step 5, commitments: what the customer commits to from now on and what is off limits; the
customer agrees online. Check-ins follow (after 30, 90 and 180 days).

Done when the customer agreed; the case is then completed, and its check-ins go on.
"""

from datetime import datetime, time

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, Participant

from .. import forms, services
from ..models import CheckIn
from ..registry import Action, Offer, RuleRows, Step
from ..reminder_rules import Wanted, stamp
from ..snapshot import CaseSnapshot, one_to_one

SLUG = "commitments"


def missing(snap: CaseSnapshot) -> list[str]:
    if snap.commitment is None:
        return ["No commitments have been written yet."]
    if snap.commitment.agreed_at is None:
        return ["Waiting for the customer to agree to the commitments."]
    return []


def offer(panel: Offer) -> None:
    commitment = panel.snap.commitment
    if commitment and commitment.agreed_at:
        return
    initial = {"commitments": commitment.commitments, "off_limits": commitment.off_limits} if commitment else {}
    panel.add("commitments-draft", forms.CommitmentsForm, **initial)
    if commitment:
        panel.add("commitments-agree", forms.AgreeForm)


def reminders(snap: CaseSnapshot, rows: RuleRows) -> list[Wanted]:
    """The customer, when the commitments are ready to agree (at once, once for each draft); and on
    the day a check-in is due (a completed case's check-ins)."""
    customer = snap.customer()
    if customer is None:
        return []
    wanted = []
    commitment = snap.commitment
    if commitment is not None and commitment.agreed_at is None and customer.takes_part:
        wanted.append(
            Wanted("commitments_ready", commitment.drafted_at, customer, generation=stamp(commitment.drafted_at))
        )
    at = time(hour=settings.REMINDER_CHECKIN_HOUR)
    return wanted + [
        Wanted("checkin", timezone.make_aware(datetime.combine(checkin.due_on, at)), customer, checkin=checkin)
        for checkin in rows.checkins
        if checkin.state == CheckIn.State.DUE
    ]


def todo(case: Case, participant: Participant) -> list[tuple[str, str]]:
    if participant.role != Participant.Role.CUSTOMER:
        return []
    todo = []
    commitment = one_to_one(case, "commitment")
    if commitment and not commitment.agreed_at:
        todo.append((_("Read and agree to your commitments."), "commitments"))
    if case.has_checkin_due:
        todo.append((_("Answer your check-in."), "checkin"))
    return todo


STEP = Step(
    slug=SLUG,
    label=Case.Step.COMMITMENTS.label,
    missing=missing,
    panel_template="reconciliation/panels/step5.html",
    actions={
        "commitments-draft": Action(
            forms.CommitmentsForm,
            lambda case, data, user: services.commitments_draft(case=case, by=user, **data),
            "Commitments saved.",
        ),
        "commitments-agree": Action(
            forms.AgreeForm,
            lambda case, data, user: services.commitments_agree(case=case, by=user),
            "The customer's agreement is recorded.",
        ),
        "checkin-record": Action(
            forms.CheckInForm,
            lambda case, data, user: services.checkin_record(checkin=data["checkin"], answers=data["answers"], by=user),
            "Check-in recorded.",
        ),
        "checkin-miss": Action(
            forms.CheckInMissForm,
            lambda case, data, user: services.checkin_miss(checkin=data["checkin"], by=user),
            "Check-in marked as missed.",
        ),
    },
    offer=offer,
    reminders=reminders,
    todo=todo,
)
