"""The case's documents as PDFs: the plan version as agreed, the commitments, and a completion letter.

Each is an HTML template (``templates/casework/documents/``) drawn in a participant's language and
turned into a PDF by WeasyPrint: the same templates, CSS for print, real text in the PDF (a court
can search it and copy from it). WeasyPrint needs Debian's Pango (``libpango-1.0-0``,
``libpangoft2-1.0-0``), which ``.ci/run`` installs when it is missing. Each document carries the
case's reference, the date it was drawn, and every signature: the name the participant typed in
the portal, when, and the version they signed; or that their caseworker recorded their yes.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cases.models import Case, Participant
from reconciliation import workflow
from reconciliation.models import Commitment, PlanSignoff, ReconciliationPlan

from .models import Signature

KINDS = ("plan", "commitments", "completion")
TITLES = {
    "plan": _("Plan for redemption, empathy and reconciliation"),
    "commitments": _("Commitments"),
    "completion": _("Letter of completion"),
}


class DocumentUnavailable(LookupError):
    """The case has no such document yet (no plan, no commitments, not completed)."""


@dataclass(frozen=True)
class Signer:
    participant: Participant
    typed_name: str = ""  # as typed in the portal
    signed_at: datetime | None = None
    recorded: bool = False  # their yes was recorded by their caseworker, not typed by them

    @property
    def signed(self) -> bool:
        return self.signed_at is not None


def available(case: Case) -> list[str]:
    """The documents a case has now, from what the case row says (the page asks no query)."""
    kinds = []
    if case.step >= Case.Step.PLAN or case.status == Case.Status.COMPLETED:
        kinds.append("plan")
    if case.step >= Case.Step.COMMITMENTS or case.status == Case.Status.COMPLETED:
        kinds.append("commitments")
    if case.status == Case.Status.COMPLETED:
        kinds.append("completion")
    return kinds


def agreed_plan(case: Case, signers: list[Participant]) -> tuple[ReconciliationPlan | None, bool]:
    """The newest plan version every required signer agreed to (and True), else the newest version (and False)."""
    plans = list(case.plans.order_by("-version").prefetch_related("signoffs"))
    required = {person.pk for person in signers}
    for plan in plans:
        agreed = {s.participant_id for s in plan.signoffs.all() if s.decision == PlanSignoff.Decision.AGREED}
        if required and required <= agreed:
            return plan, True
    return (plans[0] if plans else None), False


def _signer(person: Participant, signature: Signature | None, recorded_at: datetime | None) -> Signer:
    if signature is not None:
        return Signer(person, typed_name=signature.typed_name, signed_at=signature.signed_at)
    if recorded_at is not None:
        return Signer(person, signed_at=recorded_at, recorded=True)
    return Signer(person)


def plan_context(case: Case) -> dict:
    snap = workflow.snapshot(case)
    required = workflow.required_signers(snap.participants)
    plan, agreed = agreed_plan(case, required)
    if plan is None:
        raise DocumentUnavailable("No plan yet.")
    answers = {s.participant_id: s for s in plan.signoffs.all()}
    signatures = {
        s.participant_id: s
        for s in Signature.objects.filter(case=case, document=Signature.Document.PLAN, version=plan.version)
    }
    signers = []
    for person in required:
        answer = answers.get(person.pk)
        recorded_at = answer.decided_at if answer and answer.decision == PlanSignoff.Decision.AGREED else None
        signers.append(_signer(person, signatures.get(person.pk), recorded_at))
    return {"plan": plan, "agreed": agreed, "signers": signers, "customer": snap.customer()}


def commitments_context(case: Case) -> dict:
    commitment = Commitment.objects.filter(case=case).first()
    if commitment is None:
        raise DocumentUnavailable("No commitments yet.")
    customer = case.participants.filter(role=Participant.Role.CUSTOMER).first()
    signature = Signature.objects.filter(case=case, document=Signature.Document.COMMITMENTS).first()
    return {
        "commitment": commitment,
        "customer": customer,
        "signers": [_signer(customer, signature, commitment.agreed_at)] if customer else [],
    }


def completion_context(case: Case) -> dict:
    if case.status != Case.Status.COMPLETED:
        raise DocumentUnavailable("The case is not completed.")
    snap = workflow.snapshot(case)
    required = workflow.required_signers(snap.participants)
    plan, _agreed = agreed_plan(case, required)
    return {
        "customer": snap.customer(),
        "plan": plan,
        "attended_hours": snap.attended_hours,
        "meeting": snap.meeting,
        "commitment": snap.commitment,
        "skips": snap.skips,
        "caseworker": case.caseworker,
        "checkin_days": ", ".join(str(days) for days in settings.CHECKIN_DAYS),
    }


CONTEXTS = {"plan": plan_context, "commitments": commitments_context, "completion": completion_context}


def language_for(case: Case, participant: Participant | None = None) -> str:
    """The participant's language; for staff, the customer's (the documents are mostly theirs)."""
    if participant is None:
        participant = case.participants.filter(role=Participant.Role.CUSTOMER).first()
    return participant.preferred_language if participant is not None else Participant.Language.ENGLISH


def filename(case: Case, kind: str) -> str:
    return f"{case.reference}-{kind}.pdf"


def render_html(case: Case, kind: str, *, language: str) -> str:
    if kind not in CONTEXTS:
        raise DocumentUnavailable(f"No document {kind!r}.")
    with translation.override(language):
        context = {
            "case": case,
            "kind": kind,
            "title": TITLES[kind],
            "drawn_on": timezone.localdate(),
            "business": case.incident.business,
            "language": language,
            **CONTEXTS[kind](case),
        }
        return render_to_string(f"casework/documents/{kind}.html", context)


def render_pdf(case: Case, kind: str, *, language: str) -> bytes:
    """The document as a PDF, in ``language``; ``DocumentUnavailable`` when the case has none yet."""
    from weasyprint import HTML  # noqa: PLC0415 - loads Pango: only when a document is drawn

    return HTML(string=render_html(case, kind, language=language)).write_pdf()
