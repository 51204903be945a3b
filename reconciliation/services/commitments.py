"""Step 5: the customer's commitments, and the check-ins after the case is completed."""


from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent

from .. import workflow
from ..models import CheckIn, Commitment
from ..workflow import WorkflowError
from ._base import Actor, advance, lock, record, required_text


@transaction.atomic
def commitments_draft(*, case: Case, commitments: str, off_limits: str, by: AbstractBaseUser) -> Commitment:
    """Write (or rewrite) the commitments the customer is asked to agree to."""
    case = lock(case)
    workflow.check_case_active(case)
    workflow.check_step(case, "commitments")
    commitment = Commitment.objects.select_for_update().filter(case=case).first()
    if commitment and commitment.agreed_at:
        raise WorkflowError(_("The customer already agreed to the commitments; they can no longer change."))
    commitment = commitment or Commitment(case=case)
    commitment.commitments = required_text(commitments, _("Please write what the customer commits to."))
    commitment.off_limits = required_text(off_limits, _("Please write which behaviour is off limits."))
    commitment.drafted_at = timezone.now()
    commitment.save()
    record(case, CaseEvent.Kind.COMMITMENT, "Commitments written for the customer to agree to.", by)
    return commitment


@transaction.atomic
def commitments_agree(*, case: Case, by: Actor) -> Commitment:
    """The customer agrees to the commitments; the case is completed and check-ins are scheduled."""
    case = lock(case)
    workflow.check_case_active(case)
    workflow.check_step(case, "commitments")
    commitment = Commitment.objects.select_for_update().filter(case=case).first()
    if commitment is None:
        raise WorkflowError(_("There are no commitments to agree to yet."))
    if commitment.agreed_at:
        raise WorkflowError(_("The customer already agreed to the commitments."))
    commitment.agreed_at = timezone.now()
    commitment.save(update_fields=["agreed_at"])
    record(case, CaseEvent.Kind.COMMITMENT, "The customer agreed to the commitments.", by, to_value="agreed")
    advance(case, by)
    return commitment


@transaction.atomic
def checkin_record(*, checkin: CheckIn, answers: str, by: Actor) -> CheckIn:
    """Record a check-in's answers."""
    case = lock(checkin.case)
    checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if checkin.state != CheckIn.State.DUE:
        raise WorkflowError(_("This check-in is already %(state)s.") % {"state": checkin.get_state_display().lower()})
    checkin.answers = required_text(answers, _("Please write the check-in's answers."))
    checkin.state = CheckIn.State.DONE
    checkin.recorded_at = timezone.now()
    checkin.save(update_fields=["answers", "state", "recorded_at"])
    record(case, CaseEvent.Kind.CHECKIN, f"Check-in after {checkin.days_after} days recorded.", by, to_value="done")
    return checkin


@transaction.atomic
def checkin_miss(*, checkin: CheckIn, by: AbstractBaseUser) -> CheckIn:
    case = lock(checkin.case)
    checkin = CheckIn.objects.select_for_update().get(pk=checkin.pk)
    if checkin.state != CheckIn.State.DUE:
        raise WorkflowError(_("This check-in is already %(state)s.") % {"state": checkin.get_state_display().lower()})
    checkin.state = CheckIn.State.MISSED
    checkin.recorded_at = timezone.now()
    checkin.save(update_fields=["state", "recorded_at"])
    record(case, CaseEvent.Kind.CHECKIN, f"Check-in after {checkin.days_after} days missed.", by, to_value="missed")
    return checkin
