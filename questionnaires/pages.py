"""What questionnaires add to the staff case page (registered in ``apps.py``)."""

from django.db.models import Prefetch
from django.utils import timezone

from cases.hooks import CasePage

from .models import Answer, Invitation


def case_page_questionnaires(page: CasePage) -> dict:
    """Who was asked which questions and what they did; the answers only where the person agreed to share them."""
    invitations = list(
        Invitation.objects.filter(case=page.case)
        .exclude(state=Invitation.State.CLOSED)
        .select_related("questionnaire", "participant")
        .prefetch_related(
            Prefetch("answers", queryset=Answer.objects.select_related("question").order_by("question__position"))
        )
        .order_by("opens_at", "id")
    )
    now = timezone.now()
    return {
        "questionnaire_invitations": [invitation for invitation in invitations if invitation.opens_at <= now],
        "questionnaires_later": sum(invitation.opens_at > now for invitation in invitations),
    }
