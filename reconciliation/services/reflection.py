"""Step 1: the customer's reflection, drafted, submitted, reviewed or sent back."""


from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case, CaseEvent

from .. import workflow
from ..models import Reflection
from ..workflow import WorkflowError
from ._base import REQUIRED_REFLECTION_ANSWERS, Actor, advance, lock, record, required_text


@transaction.atomic
def reflection_save_draft(*, case: Case, answers: dict[str, str], by: Actor) -> Reflection:
    """Save the customer's answers as a draft; saving twice is harmless."""
    case = lock(case)
    workflow.check_case_active(case)
    workflow.check_step(case, "reflection")
    reflection, _created = Reflection.objects.get_or_create(case=case)
    if reflection.state != Reflection.State.DRAFT:
        raise WorkflowError(_("The reflection was already submitted; it can no longer be changed."))
    for name in Reflection.QUESTIONS:
        if name in answers:
            setattr(reflection, name, answers[name] or "")
    reflection.updated_at = timezone.now()
    reflection.save()
    return reflection


@transaction.atomic
def reflection_submit(*, case: Case, answers: dict[str, str] | None = None, by: Actor) -> Reflection:
    """Submit the reflection for review; the four guided questions must be answered."""
    reflection = reflection_save_draft(case=case, answers=answers or {}, by=by) if answers is not None else None
    case = lock(case)
    workflow.check_case_active(case)
    workflow.check_step(case, "reflection")
    reflection = reflection or Reflection.objects.filter(case=case).first()
    if reflection is None or reflection.state != Reflection.State.DRAFT:
        raise WorkflowError(_("There is no draft reflection to submit."))
    unanswered = [
        str(Reflection.QUESTIONS[name]) for name in REQUIRED_REFLECTION_ANSWERS if not getattr(reflection, name).strip()
    ]
    if unanswered:
        raise WorkflowError(
            _("Please answer every question before submitting: %(questions)s") % {"questions": " ".join(unanswered)}
        )
    reflection.state = Reflection.State.SUBMITTED
    reflection.submitted_at = timezone.now()
    reflection.save(update_fields=["state", "submitted_at"])
    record(case, CaseEvent.Kind.REFLECTION, "The reflection was submitted for review.", by, to_value="submitted")
    return reflection


@transaction.atomic
def reflection_review(*, case: Case, note: str, by: AbstractBaseUser) -> Reflection:
    """The caseworker reads the submitted reflection and records a review note."""
    case = lock(case)
    workflow.check_case_active(case)
    reflection = Reflection.objects.filter(case=case).first()
    if reflection is None or reflection.state != Reflection.State.SUBMITTED:
        raise WorkflowError(_("Only a submitted reflection can be reviewed."))
    reflection.state = Reflection.State.REVIEWED
    reflection.reviewed_at = timezone.now()
    reflection.reviewed_by = by
    reflection.review_note = (note or "").strip()
    reflection.save(update_fields=["state", "reviewed_at", "reviewed_by", "review_note"])
    record(
        case, CaseEvent.Kind.REFLECTION, "The reflection was reviewed.", by, from_value="submitted", to_value="reviewed"
    )
    advance(case, by)
    return reflection


@transaction.atomic
def reflection_return(*, case: Case, note: str, by: AbstractBaseUser) -> Reflection:
    """Send a submitted reflection back to the customer to write more."""
    case = lock(case)
    workflow.check_case_active(case)
    reflection = Reflection.objects.filter(case=case).first()
    if reflection is None or reflection.state != Reflection.State.SUBMITTED:
        raise WorkflowError(_("Only a submitted reflection can be sent back."))
    reflection.state = Reflection.State.DRAFT
    reflection.review_note = required_text(note, _("Please write what the customer should add."))
    reflection.save(update_fields=["state", "review_note"])
    record(case, CaseEvent.Kind.REFLECTION, "The reflection was sent back to the customer.", by, to_value="draft")
    return reflection
