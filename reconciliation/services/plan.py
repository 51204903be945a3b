"""Step 2: versions of the plan and their sign-offs."""

from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent, Participant

from .. import workflow
from ..models import PlanSignoff, ReconciliationPlan
from ..workflow import WorkflowError
from ._base import Actor, advance, lock, record, required_text
from .personal_time import plan_personal_time_refusal


@transaction.atomic
def plan_create_version(
    *,
    case: Case,
    by: AbstractBaseUser,
    goals_redemption: str,
    goals_empathy: str,
    goals_reconciliation: str,
    role_swap_hours: Decimal,
    personal_time_with_agent: bool,
    meeting_format: str,
) -> ReconciliationPlan:
    """Draft the plan, or edit it: each edit is a new version, and earlier sign-offs do not count for it."""
    case = lock(case)
    workflow.check_case_active(case)
    workflow.check_step(case, "plan")
    if not (Decimal(0) < role_swap_hours <= Decimal(200)):
        raise WorkflowError(_("Role-swap hours must be more than 0 and at most 200."))
    if personal_time_with_agent and (refusal := plan_personal_time_refusal(list(case.participants.all()))):
        raise WorkflowError(refusal)
    latest = case.plans.order_by("-version").first()
    plan = ReconciliationPlan.objects.create(
        case=case,
        version=(latest.version + 1) if latest else 1,
        goals_redemption=required_text(goals_redemption, _("Please write the goals for redemption.")),
        goals_empathy=required_text(goals_empathy, _("Please write the goals for empathy.")),
        goals_reconciliation=required_text(goals_reconciliation, _("Please write the goals for reconciliation.")),
        role_swap_hours=role_swap_hours,
        personal_time_with_agent=personal_time_with_agent,
        meeting_format=meeting_format,
        created_by=by,
    )
    message = f"Plan version {plan.version} drafted: {plan.role_swap_hours} role-swap hours."
    if latest:
        message += " Earlier sign-offs do not count for it."
    record(case, CaseEvent.Kind.PLAN, message, by, from_value=latest.version if latest else "", to_value=plan.version)
    return plan


@transaction.atomic
def plan_signoff(
    *, plan: ReconciliationPlan, participant: Participant, decision: str, comment: str = "", by: Actor
) -> PlanSignoff:
    """A participant agrees to the current plan version or asks for changes."""
    case = lock(plan.case)
    workflow.check_case_active(case)
    workflow.check_step(case, "plan")
    current = case.plans.order_by("-version").first()
    if current is None or current.pk != plan.pk:
        raise WorkflowError(
            _(
                "This is version %(old)s of the plan, but the plan is now at version %(new)s. "
                "Please read the new version before signing."
            )
            % {"old": plan.version, "new": current.version}
        )
    if participant.case_id != case.pk:
        raise WorkflowError(_("That person is not part of this case."))
    if participant not in workflow.required_signers(list(case.participants.all())):
        raise WorkflowError(_("%(name)s is not asked to sign the plan.") % {"name": participant.name})
    if decision not in PlanSignoff.Decision.values:
        raise WorkflowError(_("Choose whether to agree or to ask for changes."))
    comment = (comment or "").strip()
    if decision == PlanSignoff.Decision.CHANGES_REQUESTED and not comment:
        raise WorkflowError(_("Please say which changes are wanted."))
    signoff, _created = PlanSignoff.objects.update_or_create(
        plan=plan,
        participant=participant,
        defaults={"decision": decision, "comment": comment, "decided_at": timezone.now()},
    )
    if (
        decision == PlanSignoff.Decision.AGREED
        and participant.role == Participant.Role.BUSINESS
        and participant.consent == Participant.Consent.PENDING
    ):
        # A business that agrees to the plan takes part: its consent no longer reads "not asked yet".
        participant.consent = Participant.Consent.GIVEN
        participant.save(update_fields=["consent"])
    verb = "agreed to" if decision == PlanSignoff.Decision.AGREED else "asked for changes to"
    # What they said stays on the sign-off row (the plan panel shows it), never copied here:
    # erasing them blanks that row, and nothing else holds their words.
    message = f"{participant.name} ({participant.get_role_display().lower()}) {verb} plan version {plan.version}."
    record(case, CaseEvent.Kind.SIGNOFF, message, by, to_value=decision)
    advance(case, by)
    return signoff
