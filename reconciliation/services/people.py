"""The case as a whole: a person's consent, the safety approval of a high-risk case, a supervisor skipping a step."""


from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent, Participant
from cases.roles import is_supervisor

from .. import workflow
from ..models import SafetyApproval, StepSkip
from ..registry import REGISTRY
from ..workflow import WorkflowError
from ._base import Actor, advance, lock, record, required_text

# ---------------------------------------------------------------- consent and safety


@transaction.atomic
def consent_record(*, participant: Participant, consent: str, by: Actor) -> Participant:
    """Record whether a participant takes part; agents and businesses may decline or withdraw."""
    case = lock(participant.case)
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if consent not in Participant.Consent.values or consent == Participant.Consent.PENDING:
        raise WorkflowError(_("Choose whether they agree, decline or withdraw."))
    if consent == Participant.Consent.WITHDRAWN and participant.consent != Participant.Consent.GIVEN:
        raise WorkflowError(_("Only someone who agreed to take part can withdraw."))
    if participant.consent == consent:
        return participant
    previous = participant.consent
    participant.consent = consent
    participant.save(update_fields=["consent"])
    record(
        case,
        CaseEvent.Kind.CONSENT,
        f"{participant.name} ({participant.get_role_display().lower()}): {participant.get_consent_display().lower()}.",
        by,
        from_value=previous,
        to_value=consent,
    )
    if case.status == Case.Status.OPEN:
        advance(case, by)
    return participant


@transaction.atomic
def safety_approve(*, case: Case, note: str, by: AbstractBaseUser) -> SafetyApproval:
    """A supervisor approves scheduling shifts and the meeting on a high-risk case."""
    if not is_supervisor(by):
        raise WorkflowError(_("Only a supervisor can give the safety approval."))
    case = lock(case)
    if case.risk != Case.Risk.HIGH:
        raise WorkflowError(_("Only high-risk cases need a safety approval."))
    if SafetyApproval.objects.filter(case=case).exists():
        raise WorkflowError(_("This case already has its safety approval."))
    approval = SafetyApproval.objects.create(
        case=case, approved_by=by, note=required_text(note, _("Please write a note on the safety approval."))
    )
    record(case, CaseEvent.Kind.SAFETY, f"Safety approval given: {approval.note}", by, to_value="approved")
    return approval



# ---------------------------------------------------------------- skipping a step


@transaction.atomic
def step_skip(*, case: Case, step: int, reason: str, by: AbstractBaseUser) -> StepSkip:
    """A supervisor skips the case's current step, with a reason."""
    if not is_supervisor(by):
        raise WorkflowError(_("Only a supervisor can skip a step."))
    case = lock(case)
    workflow.check_case_active(case)
    if step != case.step:
        raise WorkflowError(
            _("Only the current step (%(step)s: %(label)s) can be skipped.")
            % {"step": case.step, "label": str(REGISTRY[case.step].label).lower()}
        )
    skip = StepSkip.objects.create(
        case=case, step=step, reason=required_text(reason, _("Please write why the step is skipped.")), skipped_by=by
    )
    record(
        case,
        CaseEvent.Kind.STEP,
        f"Step {step} ({REGISTRY[step].label}) skipped: {skip.reason}",
        by,
        from_value=step,
    )
    advance(case, by)
    return skip
