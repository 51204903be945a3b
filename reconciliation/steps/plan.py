"""Step 2, plan: the caseworker drafts the plan; the customer, the business and each consenting
staff member sign off on its current version, or ask for changes.

Done when every required party agreed to the current version.
"""

from django.utils.translation import gettext as _

from cases.models import Case, Participant

from .. import forms, services
from ..models import PlanSignoff, ReconciliationPlan
from ..registry import REGISTRY, Action, Offer, RuleRows, Step
from ..reminder_rules import Wanted, delay
from ..snapshot import CaseSnapshot, must_sign, required_signers

SLUG = "plan"


def missing(snap: CaseSnapshot) -> list[str]:
    if snap.plan is None:
        return ["No plan has been drafted yet."]
    signers = required_signers(snap.participants)
    if not any(p.role == Participant.Role.BUSINESS for p in signers):
        missing = ["The business has no representative on the case to sign the plan."]
    else:
        missing = []
    agreed = [p for p in signers if (s := snap.signoffs.get(p.pk)) and s.decision == PlanSignoff.Decision.AGREED]
    waiting = [p for p in signers if p not in agreed]
    if waiting:
        names = ", ".join(f"the {p.get_role_display().lower()} ({p.name})" for p in waiting)
        missing.insert(
            0, f"{len(agreed)} of {len(signers)} sign-offs on version {snap.plan.version}: waiting for {names}."
        )
    for person in waiting:
        signoff = snap.signoffs.get(person.pk)
        if signoff and signoff.decision == PlanSignoff.Decision.CHANGES_REQUESTED:
            missing.append(f"{person.name} asked for changes: “{signoff.comment or 'no comment'}”.")
    return missing


def _plan_initial(plan: ReconciliationPlan | None) -> dict:
    if plan is None:
        return {}
    return {name: getattr(plan, name) for name in forms.PlanForm.Meta.fields}


def offer(panel: Offer) -> None:
    plan = panel.snap.plan
    panel.add("plan-version", forms.PlanForm, **_plan_initial(plan))
    if plan:
        panel.add("plan-signoff", forms.SignoffForm, plan=plan.pk)


def reminders(snap: CaseSnapshot, rows: RuleRows) -> list[Wanted]:
    """Each required signer when a version is drafted ("sign-off requested", at once), and again
    if they have not answered after 3 days."""
    plan = snap.plan
    if REGISTRY.current(snap.case).slug != SLUG or plan is None:
        return []
    wanted = []
    for person in required_signers(snap.participants):
        if person.pk in snap.signoffs:
            continue  # agreed, or asked for changes: the next version asks again
        wanted.append(Wanted("signoff_requested", plan.created_at, participant=person, plan=plan))
        wanted.append(Wanted("signoff", plan.created_at + delay("signoff"), participant=person, plan=plan))
    return wanted


def todo(case: Case, participant: Participant) -> list[tuple[str, str]]:
    if not (REGISTRY.current(case).slug == SLUG and case.snapshot_plan_id and must_sign(participant)):
        return []
    agreed = PlanSignoff.objects.filter(
        plan_id=case.snapshot_plan_id, participant=participant, decision=PlanSignoff.Decision.AGREED
    ).exists()
    return [] if agreed else [(_("Read the plan and tell us whether you agree."), "plan")]


STEP = Step(
    slug=SLUG,
    label=Case.Step.PLAN.label,
    missing=missing,
    panel_template="reconciliation/panels/step2.html",
    actions={
        "plan-version": Action(
            forms.PlanForm,
            lambda case, data, user: services.plan_create_version(case=case, by=user, **data),
            "Plan saved as a new version.",
        ),
        "plan-signoff": Action(
            forms.SignoffForm,
            lambda case, data, user: services.plan_signoff(
                plan=data["plan"],
                participant=data["participant"],
                decision=data["decision"],
                comment=data["comment"],
                by=user,
            ),
            "Sign-off recorded.",
        ),
    },
    offer=offer,
    reminders=reminders,
    todo=todo,
)
