"""Every change to questionnaires, their versions, the answers and research consent.

Plain functions, one transaction each. A move the rules do not allow raises ``WorkflowError``
with a sentence for the person who tried it, and changes nothing.

Versions: a supervisor edits the questionnaire's draft version; publishing it makes it the one
people are asked. A published version never changes again, so editing a questionnaire whose
latest version is published first copies it into a new draft (questions keep their keys), and
answers keep the version they were given on.
"""

import secrets
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import CaseEvent, Participant
from cases.roles import is_supervisor
from cases.services import WorkflowError, event_record
from notifications import reminders

from . import invitations
from .models import (
    MAX_TEXT_ANSWER,
    Answer,
    Invitation,
    Moment,
    Question,
    Questionnaire,
    QuestionnaireUse,
    QuestionnaireVersion,
    ResearchConsent,
)

MAX_CHOICES = 10


def _supervisor(by: AbstractBaseUser) -> None:
    if not is_supervisor(by):
        raise WorkflowError(_("Only a supervisor can define questionnaires."))


# ---------------------------------------------------------------- questionnaires


@dataclass(frozen=True)
class QuestionnaireDetails:
    title: str
    title_es: str = ""
    intro: str = ""
    intro_es: str = ""
    active: bool = True
    uses: tuple[tuple[str, str], ...] = ()  # (role, moment) pairs


def _check_uses(uses) -> set[tuple[str, str]]:
    pairs = set(uses)
    for role, moment in pairs:
        if role not in Participant.Role.values or moment not in Moment.values:
            raise WorkflowError(_("Pick who is asked and when from the lists."))
    return pairs


def _set_uses(questionnaire: Questionnaire, pairs: set[tuple[str, str]]) -> None:
    existing = {(use.role, use.moment): use for use in questionnaire.uses.all()}
    QuestionnaireUse.objects.filter(pk__in=[use.pk for pair, use in existing.items() if pair not in pairs]).delete()
    QuestionnaireUse.objects.bulk_create(
        [QuestionnaireUse(questionnaire=questionnaire, role=r, moment=m) for r, m in pairs if (r, m) not in existing]
    )


@transaction.atomic
def questionnaire_create(*, details: QuestionnaireDetails, by: AbstractBaseUser) -> Questionnaire:
    """A new questionnaire with an empty draft version; it is asked once a version is published."""
    _supervisor(by)
    if not details.title.strip():
        raise WorkflowError(_("Please give the questionnaire a title."))
    pairs = _check_uses(details.uses)
    questionnaire = Questionnaire.objects.create(
        title=details.title.strip(),
        title_es=details.title_es.strip(),
        intro=details.intro.strip(),
        intro_es=details.intro_es.strip(),
        active=details.active,
        created_by=by,
    )
    QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=1)
    _set_uses(questionnaire, pairs)
    return questionnaire


@transaction.atomic
def questionnaire_update(*, questionnaire: Questionnaire, details: QuestionnaireDetails, by: AbstractBaseUser) -> None:
    """Change the title, the line before the questions, whether it is asked, and of whom and when.

    These are not questions: answers already given are not touched, and no version is made.
    """
    _supervisor(by)
    if not details.title.strip():
        raise WorkflowError(_("Please give the questionnaire a title."))
    pairs = _check_uses(details.uses)
    questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
    stopped = questionnaire.active and not details.active
    questionnaire.title = details.title.strip()
    questionnaire.title_es = details.title_es.strip()
    questionnaire.intro = details.intro.strip()
    questionnaire.intro_es = details.intro_es.strip()
    questionnaire.active = details.active
    questionnaire.save(update_fields=["title", "title_es", "intro", "intro_es", "active"])
    _set_uses(questionnaire, pairs)
    if stopped:
        _withdraw_waiting(questionnaire)


def _withdraw_waiting(questionnaire: Questionnaire) -> None:
    """A questionnaire no longer asked: the questions waiting for people are withdrawn, with their reminders."""
    waiting = list(Invitation.objects.filter(questionnaire=questionnaire, state=Invitation.State.OPEN))
    Invitation.objects.filter(pk__in=[invitation.pk for invitation in waiting]).update(state=Invitation.State.CLOSED)
    by_case: dict[int, list[Invitation]] = {}
    for invitation in waiting:
        by_case.setdefault(invitation.case_id, []).append(invitation)
    for invitation_list in by_case.values():
        reminders.reminders_cancel(
            case=invitation_list[0].case,
            kind=invitations.REMINDER,
            wanted_gone=[(each.participant_id, invitations.reminder_slot(each)) for each in invitation_list],
            reason="The questionnaire is no longer asked.",
        )


def latest_version(questionnaire: Questionnaire) -> QuestionnaireVersion | None:
    return questionnaire.versions.order_by("-number").first()


def published_version(questionnaire: Questionnaire) -> QuestionnaireVersion | None:
    """The version people are asked now: the latest published one."""
    return questionnaire.versions.filter(published_at__isnull=False).order_by("-number").first()


def _draft(questionnaire: Questionnaire) -> QuestionnaireVersion:
    """The version a change goes into: the draft, or a new one copied from the published version."""
    Questionnaire.objects.select_for_update().filter(pk=questionnaire.pk).first()  # one editor at a time
    latest = latest_version(questionnaire)
    if latest is not None and not latest.is_published:
        return latest
    number = (questionnaire.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    draft = QuestionnaireVersion.objects.create(questionnaire=questionnaire, number=number)
    if latest is not None:
        copies = []
        for question in latest.questions.all():
            question.pk = None
            question.version = draft
            copies.append(question)
        Question.objects.bulk_create(copies)
    return draft


# ---------------------------------------------------------------- questions


@dataclass(frozen=True)
class QuestionDetails:
    kind: str
    text: str
    text_es: str = ""
    low_label: str = ""
    low_label_es: str = ""
    high_label: str = ""
    high_label_es: str = ""
    choices: str = ""
    choices_es: str = ""


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def _clean_question(details: QuestionDetails) -> dict:
    """The question's fields as they are stored, or a refusal saying what is missing."""
    if details.kind not in Question.Kind.values:
        raise WorkflowError(_("Pick the kind of question from the list."))
    if not details.text.strip():
        raise WorkflowError(_("Please write the question."))
    fields = {name: getattr(details, name).strip() for name in QuestionDetails.__dataclass_fields__}
    if details.kind in Question.SCALE_RANGES:
        if not fields["low_label"] or not fields["high_label"]:
            raise WorkflowError(_("A scale needs a label at each end, for example 'Not at all' and 'Completely'."))
    else:
        for name in ("low_label", "low_label_es", "high_label", "high_label_es"):
            fields[name] = ""
    if details.kind == Question.Kind.CHOICE:
        english, spanish = _lines(details.choices), _lines(details.choices_es)
        if not 2 <= len(english) <= MAX_CHOICES:
            raise WorkflowError(_("A choice needs between 2 and %(max)s choices, one a line.") % {"max": MAX_CHOICES})
        if spanish and len(spanish) != len(english):
            raise WorkflowError(_("The Spanish choices must be as many as the English ones, in the same order."))
        fields["choices"], fields["choices_es"] = "\n".join(english), "\n".join(spanish)
    else:
        fields["choices"] = fields["choices_es"] = ""
    return fields


@transaction.atomic
def question_add(*, questionnaire: Questionnaire, details: QuestionDetails, by: AbstractBaseUser) -> Question:
    """Add a question at the end of the draft version (a new draft if the latest is published)."""
    _supervisor(by)
    fields = _clean_question(details)
    draft = _draft(questionnaire)
    position = (draft.questions.aggregate(p=Max("position"))["p"] or 0) + 1
    return Question.objects.create(version=draft, key=secrets.token_hex(6), position=position, **fields)


def _in_draft(question: Question) -> Question:
    """The question as it stands in the draft version, copying the published version first if needed."""
    draft = _draft(question.version.questionnaire)
    if question.version_id == draft.pk:
        return question
    if question.version.number < draft.number - 1:
        raise WorkflowError(_("That question belongs to an older version; open the questionnaire again."))
    copy = draft.questions.filter(key=question.key).first()
    if copy is None:
        raise WorkflowError(_("That question was removed from the draft in the meantime."))
    return copy


@transaction.atomic
def question_change(*, question: Question, details: QuestionDetails, by: AbstractBaseUser) -> Question:
    """Change a question. In a published version this makes a new draft version; answers keep theirs."""
    _supervisor(by)
    fields = _clean_question(details)
    question = _in_draft(question)
    for name, value in fields.items():
        setattr(question, name, value)
    question.save()
    return question


@transaction.atomic
def question_remove(*, question: Question, by: AbstractBaseUser) -> QuestionnaireVersion:
    """Take a question out of the draft version (a published version keeps it)."""
    _supervisor(by)
    question = _in_draft(question)
    draft = question.version
    question.delete()
    return draft


@transaction.atomic
def question_move(*, question: Question, up: bool, by: AbstractBaseUser) -> None:
    """Swap a question with the one before (or after) it, in the draft version."""
    _supervisor(by)
    question = _in_draft(question)
    siblings = list(question.version.questions.order_by("position", "id"))
    index = next(i for i, q in enumerate(siblings) if q.pk == question.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, each in enumerate(siblings, start=1):
        if each.position != position:
            Question.objects.filter(pk=each.pk).update(position=position)


@transaction.atomic
def version_publish(*, questionnaire: Questionnaire, by: AbstractBaseUser) -> QuestionnaireVersion:
    """Make the draft the version people are asked from now on. It never changes afterwards."""
    _supervisor(by)
    Questionnaire.objects.select_for_update().filter(pk=questionnaire.pk).first()
    latest = latest_version(questionnaire)
    if latest is None or latest.is_published:
        raise WorkflowError(_("There is no draft to publish: every change is already published."))
    if not latest.questions.exists():
        raise WorkflowError(_("A questionnaire needs at least one question before it is published."))
    latest.published_at = timezone.now()
    latest.published_by = by
    latest.save(update_fields=["published_at", "published_by"])
    return latest


# ---------------------------------------------------------------- answering


@dataclass(frozen=True)
class AnswerValue:
    question_id: int
    number: int | None = None
    choice: int | None = None
    text: str = ""


def _answer_row(invitation: Invitation, question: Question, value: AnswerValue) -> Answer | None:
    """The row of one answer, or a refusal; None when the question was left out."""
    if question.is_scale:
        if value.number is None:
            return None
        low, high = question.scale_range
        if not low <= value.number <= high:
            raise WorkflowError(
                _("An answer to '%(question)s' must be from %(low)s to %(high)s.")
                % {"question": question.text_in(), "low": low, "high": high}
            )
        return Answer(invitation=invitation, question=question, number=value.number)
    if question.kind == Question.Kind.CHOICE:
        if value.choice is None:
            return None
        if not 0 <= value.choice < len(question.choice_list("en")):
            raise WorkflowError(
                _("Please pick one of the choices for '%(question)s'.") % {"question": question.text_in()}
            )
        return Answer(invitation=invitation, question=question, choice=value.choice)
    text = value.text.strip()
    if not text:
        return None
    if len(text) > MAX_TEXT_ANSWER:
        raise WorkflowError(_("Please keep each answer under %(max)s characters.") % {"max": MAX_TEXT_ANSWER})
    return Answer(invitation=invitation, question=question, text=text)


def _lock_open(invitation: Invitation, participant: Participant) -> Invitation:
    invitation = Invitation.objects.select_for_update().select_related("questionnaire", "case").get(pk=invitation.pk)
    if invitation.participant_id != participant.pk:
        raise WorkflowError(_("That questionnaire is not yours."))
    if invitation.state == Invitation.State.ANSWERED:
        raise WorkflowError(_("You already answered this questionnaire. Thank you."))
    if invitation.state == Invitation.State.SKIPPED:
        raise WorkflowError(_("You chose to skip this questionnaire; it is not asked again."))
    if invitation.state == Invitation.State.CLOSED or invitation.opens_at > timezone.now():
        raise WorkflowError(_("This questionnaire is not open any more."))
    return invitation


@transaction.atomic
def invitation_answer(
    *,
    invitation: Invitation,
    version: QuestionnaireVersion,
    answers: list[AnswerValue],
    share_with_caseworker: bool,
    by: Participant,
    research: bool | None = None,
) -> Invitation:
    """Record a person's answers, on the published version they were shown. Any question may be left out.

    Answers to a question of another version, or out of range, are refused and nothing is kept.
    """
    invitation = _lock_open(invitation, by)
    if version.questionnaire_id != invitation.questionnaire_id or not version.is_published:
        raise WorkflowError(_("These questions do not belong to this questionnaire; please open it again."))
    questions = {question.pk: question for question in version.questions.all()}
    rows = []
    for value in answers:
        question = questions.get(value.question_id)
        if question is None:
            raise WorkflowError(_("An answer was for a question of another version; please open the page again."))
        row = _answer_row(invitation, question, value)
        if row is not None:
            rows.append(row)
    Answer.objects.bulk_create(rows)
    invitation.version = version
    invitation.state = Invitation.State.ANSWERED
    invitation.answered_at = timezone.now()
    invitation.shared_with_caseworker = share_with_caseworker
    invitation.save(update_fields=["version", "state", "answered_at", "shared_with_caseworker"])
    shared = "shared with the caseworker" if share_with_caseworker else "not shared with the caseworker"
    if research is not None:  # asked with the questions the first time: yes or no to research
        research_consent_record(participant=by, agreed=research, by=by)
    moment = str(invitation.moment_label).lower()
    _done(invitation, by, f"{by.name} answered the questions '{invitation.questionnaire.title}' ({moment}); {shared}.")
    return invitation


def _done(invitation: Invitation, by: Participant, message: str) -> None:
    """The timeline's line, and no reminder any more."""
    reminders.reminders_cancel(
        case=invitation.case,
        kind=invitations.REMINDER,
        wanted_gone=[(invitation.participant_id, invitations.reminder_slot(invitation))],
        reason="The questions were answered or skipped.",
    )
    event_record(
        case=invitation.case,
        kind=CaseEvent.Kind.QUESTIONNAIRE,
        message=message,
        by_participant=by,
        to_value=invitation.state,
    )


@transaction.atomic
def invitation_skip(*, invitation: Invitation, by: Participant) -> Invitation:
    """Skip the whole questionnaire: nothing is kept, and it is not asked again for this moment."""
    invitation = _lock_open(invitation, by)
    invitation.state = Invitation.State.SKIPPED
    invitation.answered_at = timezone.now()
    invitation.save(update_fields=["state", "answered_at"])
    moment = str(invitation.moment_label).lower()
    _done(invitation, by, f"{by.name} chose not to answer the questions '{invitation.questionnaire.title}' ({moment}).")
    return invitation


# ---------------------------------------------------------------- research consent


@transaction.atomic
def research_consent_record(*, participant: Participant, agreed: bool, by: Participant) -> ResearchConsent:
    """A person's yes or no to their answers being used for research, apart from taking part.

    Changing one's mind is always possible: a no after a yes takes the answers out of every
    research export from now on. The same answer twice changes nothing.
    """
    if by.pk != participant.pk:
        raise WorkflowError(_("Only the person themselves can answer this."))
    consent = ResearchConsent.objects.select_for_update().filter(participant=participant).first()
    if consent is not None and consent.agreed == agreed:
        return consent
    now = timezone.now()
    if consent is None:
        consent = ResearchConsent.objects.create(participant=participant, agreed=agreed, answered_at=now)
    else:
        consent.revoked_at = now if consent.agreed and not agreed else consent.revoked_at
        consent.agreed = agreed
        consent.answered_at = now
        consent.save(update_fields=["agreed", "answered_at", "revoked_at"])
    if agreed:
        message = f"{participant.name} agreed that their answers may be used, without their name, for research."
    elif consent.revoked_at == now:
        message = f"{participant.name} took back their yes to research: their answers no longer leave in exports."
    else:
        message = f"{participant.name} said no to research: their answers serve their case only."
    event_record(
        case=participant.case,
        kind=CaseEvent.Kind.CONSENT,
        message=message,
        by_participant=participant,
        to_value="research yes" if agreed else "research no",
    )
    return consent


# ---------------------------------------------------------------- privacy


def participant_questionnaires(participant: Participant) -> dict:
    """Everything questionnaires hold about one person, as plain values (for ``privacy``'s export)."""
    consent = ResearchConsent.objects.filter(participant=participant).first()
    invitations = (
        Invitation.objects.filter(participant=participant)
        .select_related("questionnaire", "version")
        .prefetch_related("answers__question")
        .order_by("opens_at", "id")
    )
    return {
        "research_consent": (
            {
                "agreed": consent.agreed,
                "answered_at": consent.answered_at.isoformat(),
                "revoked_at": consent.revoked_at.isoformat() if consent.revoked_at else None,
            }
            if consent
            else None
        ),
        "questionnaires": [
            {
                "questionnaire": invitation.questionnaire.title,
                "moment": invitation.moment,
                "state": invitation.state,
                "version": invitation.version.number if invitation.version else None,
                "answered_at": invitation.answered_at.isoformat() if invitation.answered_at else None,
                "shared_with_caseworker": invitation.shared_with_caseworker,
                "answers": [
                    {"question": answer.question.text, "answer": answer.shown} for answer in invitation.answers.all()
                ],
            }
            for invitation in invitations
        ],
    }


def participant_answers_erase(participant: Participant) -> None:
    """When a person's data is erased: their own words go, their questions close, and nothing more leaves
    for research (inside the caller's transaction)."""
    Answer.objects.filter(invitation__participant=participant).exclude(text="").update(text="")
    Invitation.objects.filter(participant=participant, state=Invitation.State.OPEN).update(
        state=Invitation.State.CLOSED
    )
    now = timezone.now()
    ResearchConsent.objects.filter(participant=participant, agreed=True).update(
        agreed=False, revoked_at=now, answered_at=now
    )
