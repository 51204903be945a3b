"""Step 1, reflection: the customer writes what happened for them; the caseworker reviews it.

Done when the reflection is submitted and reviewed.
"""

from datetime import timedelta

from django.conf import settings
from django.utils.translation import gettext as _

from cases.models import Case, Participant

from .. import forms, services
from ..models import Reflection
from ..registry import REGISTRY, Action, Offer, RuleRows, Step
from ..reminder_rules import Wanted, stamp
from ..snapshot import CaseSnapshot, one_to_one

SLUG = "reflection"


def missing(snap: CaseSnapshot) -> list[str]:
    reflection = snap.reflection
    if reflection is None:
        return ["The customer has not started the reflection."]
    if reflection.state == Reflection.State.DRAFT:
        return ["The customer is writing the reflection (a draft is saved)."]
    if reflection.state == Reflection.State.SUBMITTED:
        return ["The reflection is submitted and waiting for the caseworker's review."]
    return []


def offer(panel: Offer) -> None:
    reflection = panel.snap.reflection
    if reflection is None or reflection.state == Reflection.State.DRAFT:
        answers = {name: getattr(reflection, name) for name in Reflection.QUESTIONS} if reflection else {}
        # "Save draft" and "Submit for review" post the same form: show again the one that failed.
        saved = panel.form("reflection-save", forms.ReflectionForm, **answers)
        submitted = panel.form("reflection-submit", forms.ReflectionForm, **answers)
        panel.offered["reflection"] = saved if saved.is_bound else submitted
    elif reflection.state == Reflection.State.SUBMITTED:
        panel.add("reflection-review", forms.ReviewForm)
        panel.add("reflection-return", forms.ReturnForm)


def reminders(snap: CaseSnapshot, rows: RuleRows) -> list[Wanted]:
    """The customer, while the reflection is not submitted: after 3 and after 7 days."""
    case, reflection, customer = snap.case, snap.reflection, snap.customer()
    if REGISTRY.current(case).slug != SLUG or customer is None or REGISTRY.named(SLUG).number in snap.skips:
        return []
    if reflection is not None and reflection.state != Reflection.State.DRAFT:
        return []
    # The clock starts when the case opens, or again when a submitted reflection is sent back.
    start = reflection.submitted_at if reflection and reflection.submitted_at else case.opened_at
    days = sorted(settings.REMINDER_DELAYS["reflection"])
    wanted = []
    for index, day in enumerate(days):
        due = start + timedelta(days=day)
        later = start + timedelta(days=days[index + 1]) if index + 1 < len(days) else None
        if later is not None and later <= rows.now:
            continue  # the next reminder is already due: one e-mail, not two at once
        wanted.append(Wanted("reflection", due, participant=customer, slot=f"{day:g}d", generation=stamp(start)))
    return wanted


def todo(case: Case, participant: Participant) -> list[tuple[str, str]]:
    reflection = one_to_one(case, "reflection")
    if (
        participant.role == Participant.Role.CUSTOMER
        and REGISTRY.current(case).slug == SLUG
        and (reflection is None or reflection.state == Reflection.State.DRAFT)
    ):
        return [(_("Write your reflection."), "reflection")]
    return []


STEP = Step(
    slug=SLUG,
    label=Case.Step.REFLECTION.label,
    missing=missing,
    panel_template="reconciliation/panels/step1.html",
    actions={
        "reflection-save": Action(
            forms.ReflectionForm,
            lambda case, data, user: services.reflection_save_draft(case=case, answers=data, by=user),
            "Draft saved.",
        ),
        "reflection-submit": Action(
            forms.ReflectionForm,
            lambda case, data, user: services.reflection_submit(case=case, answers=data, by=user),
            "Reflection submitted for review.",
        ),
        "reflection-review": Action(
            forms.ReviewForm,
            lambda case, data, user: services.reflection_review(case=case, note=data["note"], by=user),
            "Reflection reviewed.",
        ),
        "reflection-return": Action(
            forms.ReturnForm,
            lambda case, data, user: services.reflection_return(case=case, note=data["note"], by=user),
            "Reflection sent back to the customer.",
        ),
    },
    offer=offer,
    reminders=reminders,
    todo=todo,
)
