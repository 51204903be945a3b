"""Reads for the questionnaire pages."""

from datetime import datetime

from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.utils import timezone

from cases.models import Participant

from .models import Invitation, Question, Questionnaire, QuestionnaireVersion, ResearchConsent


def questionnaire_list() -> QuerySet[Questionnaire]:
    """Every questionnaire with its uses, its latest and published version numbers and how often it was answered."""
    return (
        Questionnaire.objects.annotate(
            latest=Max("versions__number"),
            published=Max("versions__number", filter=Q(versions__published_at__isnull=False)),
            answered=Count("invitations", filter=Q(invitations__state="answered"), distinct=True),
        )
        .prefetch_related("uses")
        .order_by("title", "id")
    )


def version_with_questions(questionnaire: Questionnaire, number: int | None) -> QuestionnaireVersion | None:
    versions = questionnaire.versions.prefetch_related(
        Prefetch("questions", queryset=Question.objects.order_by("position", "id"))
    )
    if number is None:
        return versions.order_by("-number").first()
    return versions.filter(number=number).first()


def open_invitations(participant: Participant, *, now: datetime | None = None) -> QuerySet[Invitation]:
    """The questions waiting for this person now, oldest first (only those of questionnaires still asked)."""
    return (
        Invitation.objects.filter(
            participant=participant,
            state=Invitation.State.OPEN,
            opens_at__lte=now or timezone.now(),
            questionnaire__active=True,
            questionnaire__versions__published_at__isnull=False,
        )
        .select_related("questionnaire")
        .distinct()
        .order_by("opens_at", "id")
    )


def research_consent(participant: Participant) -> ResearchConsent | None:
    return ResearchConsent.objects.filter(participant=participant).first()


def asked(participant: Participant, *, now: datetime | None = None) -> QuerySet[Invitation]:
    """The questions the person was ever asked (their research page is then worth showing)."""
    return Invitation.objects.filter(participant=participant, opens_at__lte=now or timezone.now())
