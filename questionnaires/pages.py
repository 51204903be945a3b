"""What questionnaires add to the staff case page (registered in ``apps.py``)."""

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, prefetch_related_objects
from django.utils import timezone

from cases.hooks import CasePage
from cases.models import Case
from cases.selectors import attach_participants

from .models import Answer, Invitation


def with_invitations(cases: QuerySet[Case]) -> QuerySet[Case]:
    """The ``case_page_query`` hook: whether the case has questionnaires at all, read with the case."""
    return cases.annotate(has_questionnaires=Exists(Invitation.objects.filter(case=OuterRef("pk"))))


def case_page_questionnaires(page: CasePage) -> dict:
    """Who was asked which questions and what they did; the answers only where the person agreed to share them."""
    if not getattr(page.case, "has_questionnaires", True):
        return {}
    invitations = list(
        Invitation.objects.filter(case=page.case)
        .exclude(state=Invitation.State.CLOSED)
        .select_related("questionnaire")
        .order_by("opens_at", "id")
    )
    invitations = attach_participants(invitations, page.participants)
    now = timezone.now()
    shown = [invitation for invitation in invitations if invitation.opens_at <= now]
    # The answers are read (one query) only where the page shows them: answered and shared.
    answered = Invitation.State.ANSWERED
    prefetch_related_objects(
        [invitation for invitation in shown if invitation.state == answered and invitation.shared_with_caseworker],
        Prefetch("answers", queryset=Answer.objects.select_related("question").order_by("question__position")),
    )
    return {
        "questionnaire_invitations": shown,
        "questionnaires_later": sum(invitation.opens_at > now for invitation in invitations),
    }
