"""The case as a whole: a person's consent, the safety approval of a high-risk case, a supervisor skipping a step."""


from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent, Participant
from cases.roles import is_supervisor

from .. import workflow
from ..models import SafetyApproval, StepSkip
from ..registry import REGISTRY
from ..workflow import WorkflowError
from ._base import Actor, advance, lock, record, required_text
from .personal_time import personal_time_stop_for

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
    fields = ["consent"]
    if consent != Participant.Consent.GIVEN and participant.personal_time_consent:
        participant.personal_time_consent = False  # saying no to taking part says no to personal time too
        fields.append("personal_time_consent")
    participant.save(update_fields=fields)
    record(
        case,
        CaseEvent.Kind.CONSENT,
        f"{participant.name} ({participant.get_role_display().lower()}): {participant.get_consent_display().lower()}.",
        by,
        from_value=previous,
        to_value=consent,
    )
    if consent != Participant.Consent.GIVEN and participant.role == Participant.Role.AGENT:
        personal_time_stop_for(case, participant, by, "the staff member is no longer taking part.")
    if case.status == Case.Status.OPEN:
        advance(case, by)
    return participant


# ---------------------------------------------------------------- what a person asks from their page


def _person(participant: Participant) -> tuple[Case, Participant]:
    case = lock(participant.case)
    return case, Participant.objects.select_for_update().get(pk=participant.pk)


@transaction.atomic
def contact_stop(*, participant: Participant, by: Actor) -> Participant:
    """"I don't want to be contacted": at once, nothing more is sent to them (their reminders are
    cancelled), a staff member is recorded as no-contact (never scheduled with the customer, no
    personal time), and the caseworker sees it on the case and the dashboard. Asking twice changes nothing."""
    case, participant = _person(participant)
    if participant.contact_stopped_at:
        return participant
    participant.contact_stopped_at = timezone.now()
    participant.call_requested_at = None
    fields = ["contact_stopped_at", "call_requested_at"]
    if participant.role == Participant.Role.AGENT:
        participant.no_contact = True
        participant.personal_time_consent = False
        fields += ["no_contact", "personal_time_consent"]
    participant.save(update_fields=fields)
    record(
        case,
        CaseEvent.Kind.CONSENT,
        f"{participant.name} ({participant.get_role_display().lower()}) asked not to be contacted: "
        "nothing more is sent to them.",
        by,
        to_value="contact_stopped",
    )
    if participant.role == Participant.Role.AGENT:
        personal_time_stop_for(case, participant, by, "the staff member asked not to be contacted.")
    if case.status == Case.Status.OPEN:
        advance(case, by)
    return participant


@transaction.atomic
def call_request(*, participant: Participant, by: Actor) -> Participant:
    """"I'd like to talk to someone first": the caseworker is asked to call them, and nothing else is
    sent to them until the caseworker has. Asking twice changes nothing."""
    case, participant = _person(participant)
    if participant.call_requested_at or participant.contact_stopped_at:
        return participant
    participant.call_requested_at = timezone.now()
    participant.save(update_fields=["call_requested_at"])
    record(
        case,
        CaseEvent.Kind.CONSENT,
        f"{participant.name} ({participant.get_role_display().lower()}) would like to talk to someone first: "
        "please call them. Nothing is sent to them meanwhile.",
        by,
        to_value="call_requested",
    )
    return participant


@transaction.atomic
def call_done(*, participant: Participant, note: str, by: AbstractBaseUser) -> Participant:
    """The caseworker called a person who asked to talk first: their messages may go again."""
    case, participant = _person(participant)
    if not participant.call_requested_at:
        raise WorkflowError(_("%(name)s has not asked for a call.") % {"name": participant.name})
    participant.call_requested_at = None
    participant.save(update_fields=["call_requested_at"])
    note = (note or "").strip()
    record(
        case,
        CaseEvent.Kind.CONSENT,
        f"{participant.name} was called." + (f" {note}" if note else ""),
        by,
        to_value="called",
    )
    return participant


@transaction.atomic
def personal_time_consent_record(*, participant: Participant, agreed: bool, by: Actor) -> Participant:
    """A staff member's own, separate yes (or no) to personal time with the customer outside work;
    never while they asked for no contact. A no takes effect at once."""
    case, participant = _person(participant)
    if participant.role != Participant.Role.AGENT:
        raise WorkflowError(_("Only the staff member who was hurt can agree to personal time."))
    if agreed and (participant.no_contact or participant.contact_stopped_at):
        raise WorkflowError(_("Personal time is not possible while there is no contact with the customer."))
    if agreed and not participant.takes_part:
        raise WorkflowError(_("Personal time is possible only for a staff member who takes part."))
    if participant.personal_time_consent == agreed:
        return participant
    participant.personal_time_consent = agreed
    participant.save(update_fields=["personal_time_consent"])
    record(
        case,
        CaseEvent.Kind.CONSENT,
        f"{participant.name} (staff member) "
        + ("agreed to" if agreed else "does not want")
        + " personal time with the customer.",
        by,
        to_value="personal_time_given" if agreed else "personal_time_withdrawn",
    )
    if not agreed:
        personal_time_stop_for(case, participant, by, "the staff member does not want personal time.")
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
