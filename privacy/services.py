"""Privacy: everything held about one participant (an export), erasing it, and the retention period.

Erasing anonymises a participant and keeps the case as de-identified statistics: its step,
status, dates, hours, decisions and timeline events stay (the reports and the research export
still count it); what identifies the person goes, in the rows and in their audit history alike:

- their name becomes "Erased participant N"; their e-mail address and phone are cleared;
- what they wrote is blanked: their sign-off comments; the customer's reflection, shift
  reflections and check-in answers; the business's feedback on shifts; the staff member's words
  for the meeting. Erasing the customer, whose conduct the case is about, also blanks the
  incident's description and video link and the commitments' text; the caseworker's notes about
  them (a contact with them, or a note naming them) are blanked as well;
- their name, e-mail address and phone, as whole words in any case, are replaced in every text
  of the case (timeline, notes, tasks, reasons, plans, shifts, meeting, the business's contact, the
  reminders' errors) and in the referrals that reached PLI with their e-mail or phone; the
  timeline events they made through their link lose their words;
- the files kept on the case that are theirs are deleted (the file and its row);
- their short-text answers to questionnaires are blanked, their waiting questions closed, and a
  yes to research is taken back (their answers leave in no later research export);
- their personal links are revoked and their scheduled reminders cancelled.

Only a supervisor erases, and only on a withdrawn or closed case (an erased participant can no
longer take part); erasing twice is harmless. ``purge_expired`` does the same, as the system, for
every participant of the cases past ``RETENTION_DAYS``, and deletes every file kept on those cases.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from cases.links import links_revoke_usable
from cases.models import Business, Case, CaseEvent, Incident, Participant
from cases.roles import is_supervisor
from cases.services import WorkflowError, event_record
from casework.models import Attachment, Note, Task
from casework.services import files_delete_on_commit
from compassion.phones import phone_ways
from notifications.models import Reminder
from questionnaires import services as questionnaire_services
from reconciliation.models import (
    CheckIn,
    Commitment,
    PersonalTime,
    PlanSignoff,
    ReconciliationPlan,
    Reflection,
    RestorativeMeeting,
    RoleSwapShift,
    SafetyApproval,
    StepSkip,
)
from referrals.models import Referral

from .export import participant_export

ERASED_EMAIL = "[e-mail erased]"
ERASED_PHONE = "[phone erased]"
# A referral must keep a way to reach someone (a database constraint): this address reaches nobody.
REFERRAL_ERASED_EMAIL = "erased@erased.invalid"
ERASABLE_STATUSES = Case.ENDED_STATUSES
NOTE_ERASED = "(erased with a participant's personal data)"


def pseudonym(participant: Participant) -> str:
    return f"Erased participant {participant.pk}"


# ---------------------------------------------------------------- export (what it holds: privacy/export.py)


@transaction.atomic
def participant_export_take(*, participant: Participant, by: AbstractBaseUser) -> dict:
    """A supervisor takes everything held about the participant (``participant_export``); the timeline says who."""
    data = participant_export(participant=participant)
    event_record(
        case=participant.case,
        kind=CaseEvent.Kind.NOTE,
        message=f"Personal data of {participant.name} ({participant.get_role_display().lower()}) exported.",
        by=by,
    )
    return data


# ---------------------------------------------------------------- erase


@transaction.atomic
def participant_erase(*, participant: Participant, by: AbstractBaseUser) -> Participant:
    """Anonymise a participant of a withdrawn or closed case (see the module's docstring). Supervisors only."""
    if not is_supervisor(by):
        raise WorkflowError("Only a supervisor can erase a participant's personal data.")
    case = Case.objects.select_for_update().get(pk=participant.case_id)
    if case.status not in ERASABLE_STATUSES:
        raise WorkflowError(
            f"The case is {case.get_status_display().lower()}: withdraw or close it first. "
            "An erased participant can no longer take part."
        )
    return _erase(participant, case=case, by=by, why="on request")


def _erase(participant: Participant, *, case: Case, by: AbstractBaseUser | None, why: str) -> Participant:
    """Anonymise one participant; nothing to do when they already were. Runs in the caller's transaction."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    if participant.erased_at:
        return participant
    now = timezone.now()
    name = pseudonym(participant)
    scrub = _Scrubber(participant, name)

    participant.name, participant.email, participant.phone, participant.erased_at = name, "", "", now
    participant._history_user = by  # also outside a request (purge_expired)
    participant.save(update_fields=["name", "email", "phone", "erased_at"])
    Participant.history.filter(id=participant.pk).update(name=name, email="", phone="")

    scrub.quoted(_what_they_wrote(participant, case), case)  # events of older versions copied it
    _blank_notes_about(participant, scrub)
    theirs = Attachment.objects.filter(participant=participant)
    scrub.quoted(set(theirs.values_list("name", flat=True)), case)  # "File added: <name>" on the timeline
    _delete_files(theirs)
    Attachment.history.filter(participant_id=participant.pk).update(name="(erased)", description="")
    _blank_what_they_wrote(participant, case)
    questionnaire_services.participant_answers_erase(participant)
    scrub.case_texts(case)
    scrub.referrals(_referrals_matching(scrub.emails, scrub.phones, case=case, names=scrub.names), name)
    _their_events_lose_their_words(participant)

    links_revoke_usable(participant=participant, now=now)
    Reminder.objects.filter(participant=participant, state=Reminder.State.SCHEDULED).update(
        state=Reminder.State.CANCELLED, cancelled_at=now, cancel_reason="The participant's personal data was erased."
    )
    event_record(
        case=case,
        kind=CaseEvent.Kind.NOTE,
        message=f"Personal data of {name} ({participant.get_role_display().lower()}) erased {why}.",
        by=by,
    )
    return participant


def _both(model: type[models.Model], condition: Q, history_condition: Q | None = None) -> list[QuerySet]:
    """The rows of ``model`` that match, and its history rows that match (when it has a history)."""
    querysets = [model.objects.filter(condition)]
    if hasattr(model, "history"):
        querysets.append(model.history.filter(history_condition if history_condition is not None else condition))
    return querysets


def _blank(querysets: Iterable[QuerySet], *fields: str) -> None:
    for queryset in querysets:
        queryset.update(**dict.fromkeys(fields, ""))


def _what_they_wrote(participant: Participant, case: Case) -> set[str]:
    """What the participant wrote, or had recorded for them, that older timeline messages quoted."""
    texts = set()
    for queryset in _both(PlanSignoff, Q(participant_id=participant.pk)):
        texts.update(queryset.values_list("comment", flat=True))
    shift_texts = {
        Participant.Role.BUSINESS: ("decline_reason", "business_feedback"),
        Participant.Role.CUSTOMER: ("customer_reflection",),
    }.get(participant.role, ())
    for queryset in _both(RoleSwapShift, Q(case_id=case.pk)) if shift_texts else ():
        for row in queryset.values_list(*shift_texts):
            texts.update(row)
    return {text.strip() for text in texts if text and text.strip()}


def _blank_notes_about(participant: Participant, scrub: "_Scrubber") -> None:
    """The notes about the participant (a contact with them, or naming them as a whole word under any
    name, e-mail address or phone they had) lose their words, in their audit history too."""
    on_case = Q(case_id=participant.case_id)
    ids = set(Note.objects.filter(on_case, participant_id=participant.pk).values_list("pk", flat=True))
    ids |= set(Note.history.filter(on_case, participant_id=participant.pk).values_list("id", flat=True))
    if scrub.pattern is not None:
        for queryset, key in ((Note.objects.filter(on_case), "pk"), (Note.history.filter(on_case), "id")):
            for row in queryset.values(key, "text", "agreed", "with_whom"):
                if any(scrub.pattern.search(row[name] or "") for name in ("text", "agreed", "with_whom")):
                    ids.add(row[key])
    blanked = {"text": NOTE_ERASED, "agreed": "", "with_whom": ""}
    Note.objects.filter(pk__in=ids).update(**blanked)
    Note.history.filter(id__in=ids).update(**blanked)


def _delete_files(attachments: QuerySet[Attachment]) -> None:
    """The files go from the storage once the transaction commits; their rows now."""
    files_delete_on_commit(list(attachments.values_list("file", flat=True)))
    attachments.delete()


def _blank_what_they_wrote(participant: Participant, case: Case) -> None:
    _blank(_both(PlanSignoff, Q(participant_id=participant.pk)), "comment")
    if participant.role == Participant.Role.CUSTOMER:
        _blank([Reflection.objects.filter(case=case)], *Reflection.QUESTIONS)
        _blank(_both(RoleSwapShift, Q(case_id=case.pk)), "customer_reflection")
        _blank([CheckIn.objects.filter(case=case)], "answers")
        _blank(_both(Commitment, Q(case_id=case.pk)), "commitments", "off_limits")
        _blank(_both(PersonalTime, Q(case_id=case.pk)), "customer_words")
        Incident.objects.filter(pk=case.incident_id).update(description="", video_url="")
    elif participant.role == Participant.Role.BUSINESS:
        _blank(_both(RoleSwapShift, Q(case_id=case.pk)), "business_feedback", "decline_reason")
    else:
        _blank(_both(RestorativeMeeting, Q(case_id=case.pk)), "agent_words")
        _blank(_both(PersonalTime, Q(agent_id=participant.pk)), "agent_words")


def _their_events_lose_their_words(participant: Participant) -> None:
    for event in CaseEvent.objects.filter(actor_participant=participant).only("kind", "message"):
        message = f"{CaseEvent.Kind(event.kind).label}, by an erased participant."
        if event.message != message:
            CaseEvent.objects.filter(pk=event.pk).update(message=message)


def _referrals_matching(emails: set[str], phones: set[str], *, case: Case, names: set[str]) -> QuerySet[Referral]:
    match = Q(case=case, name__in=names) if names else Q(pk__in=[])
    for email in emails:
        match |= Q(email__iexact=email)
    for phone in phones:
        match |= Q(phone=phone)
    return Referral.objects.filter(match)


class _Scrubber:
    """Replaces a participant's name, e-mail addresses and phones (those in their audit history
    too) as whole words, in any case, in the texts of a case."""

    def __init__(self, participant: Participant, name: str):
        rows = list(Participant.history.filter(id=participant.pk).values_list("name", "email", "phone"))
        rows.append((participant.name, participant.email, participant.phone))
        self.names = {row[0] for row in rows if row[0] and row[0] != name}
        self.emails = {row[1] for row in rows if row[1]}
        self.phones = {str(row[2]) for row in rows if row[2]}
        self.replacement = {value.lower(): name for value in self.names}
        self.replacement |= {value.lower(): ERASED_EMAIL for value in self.emails}
        # A number is stored as E.164 and written in texts as people write it: every way counts.
        self.replacement |= {way.lower(): ERASED_PHONE for value in self.phones for way in phone_ways(value)}
        words = sorted(self.replacement, key=len, reverse=True)
        self.pattern = (
            re.compile(r"(?<!\w)(" + "|".join(re.escape(word) for word in words) + r")(?!\w)", re.IGNORECASE)
            if words
            else None
        )

    def text(self, value: str) -> str:
        if not value or self.pattern is None:
            return value
        return self.pattern.sub(lambda match: self.replacement[match.group(0).lower()], value)

    def rows(self, queryset: QuerySet, *fields: str) -> None:
        """Rewrite ``fields`` of the rows of ``queryset`` that mention the participant, one row at a time."""
        if self.pattern is None:
            return
        key = queryset.model._meta.pk.attname
        for row in queryset.values(key, *fields):
            changed = {name: self.text(row[name]) for name in fields if row[name]}
            changed = {name: value for name, value in changed.items() if value != row[name]}
            if changed:
                queryset.model.objects.filter(**{key: row[key]}).update(**changed)

    @staticmethod
    def quoted(texts: set[str], case: Case) -> None:
        """Take ``texts`` out of the case's timeline messages, wherever one was copied in."""
        for text in sorted(texts, key=len, reverse=True):
            pattern = re.compile(re.escape(text), re.IGNORECASE)
            quoting = CaseEvent.objects.filter(case=case, message__icontains=text)
            for pk, message in quoting.values_list("pk", "message"):
                CaseEvent.objects.filter(pk=pk).update(message=pattern.sub("(erased)", message))

    def case_texts(self, case: Case) -> None:
        on_case = Q(case_id=case.pk)
        self.rows(Case.objects.filter(pk=case.pk), "status_reason")
        self.rows(Case.history.filter(id=case.pk), "status_reason")
        self.rows(Incident.objects.filter(pk=case.incident_id), "description", "location")
        business = Business.objects.filter(pk=case.incident.business_id)
        self.rows(business, "contact_name", "contact_email", "contact_phone")
        self.rows(Reflection.objects.filter(on_case), *Reflection.QUESTIONS, "review_note")
        for queryset in _both(ReconciliationPlan, on_case):
            self.rows(queryset, "goals_redemption", "goals_empathy", "goals_reconciliation")
        plans = ReconciliationPlan.history.filter(case_id=case.pk).values("id")
        for queryset in _both(PlanSignoff, Q(plan__case_id=case.pk), Q(plan_id__in=plans)):
            self.rows(queryset, "comment")
        for queryset in _both(RoleSwapShift, on_case):
            self.rows(
                queryset, "role", "location", "supervisor_on_site", "decline_reason", "business_feedback",
                "customer_reflection",
            )
        for queryset in _both(RestorativeMeeting, on_case):
            self.rows(
                queryset, "location", "facilitator", "safety_plan", "agent_words", "outcome_notes", "skip_reason"
            )
        for queryset in _both(PersonalTime, on_case):
            self.rows(queryset, "activity", "location", "cancel_reason", "customer_words", "agent_words")
        for queryset in _both(Commitment, on_case):
            self.rows(queryset, "commitments", "off_limits")
        self.rows(SafetyApproval.objects.filter(on_case), "note")
        for queryset in _both(Task, on_case):
            self.rows(queryset, "title")
        self.rows(CheckIn.objects.filter(on_case), "answers")
        self.rows(StepSkip.objects.filter(on_case), "reason")
        self.rows(CaseEvent.objects.filter(on_case), "message", "from_value", "to_value")
        self.rows(Reminder.objects.filter(on_case), "last_error", "cancel_reason")
        participants = ContentType.objects.get_for_model(Participant)
        self.rows(
            LogEntry.objects.filter(content_type=participants, object_id__in=[str(pk) for pk in self._ids(case)]),
            "object_repr", "change_message",
        )

    @staticmethod
    def _ids(case: Case) -> list[int]:
        return list(Participant.objects.filter(case=case).values_list("pk", flat=True))

    def referrals(self, referrals: QuerySet[Referral], name: str) -> None:
        """The referrals that reached PLI with their e-mail or phone are theirs: anonymised too."""
        for referral in referrals:
            Referral.objects.filter(pk=referral.pk).update(
                name=name,
                email=REFERRAL_ERASED_EMAIL,
                phone="",
                story="",
                location=self.text(referral.location),
                video_url="",
                decision_note=self.text(referral.decision_note),
            )


# ---------------------------------------------------------------- retention


@dataclass(frozen=True)
class PurgeResult:
    cutoff: datetime
    cases: int  # cases past the retention period with someone still to anonymise, or files still kept
    participants: int  # participants anonymised (or, in a dry run, to anonymise)


def expired_cases(*, now: datetime) -> QuerySet[Case]:
    """Cases past the retention period: closed before it began, or withdrawn and untouched since."""
    cutoff = now - timedelta(days=settings.RETENTION_DAYS)
    return Case.objects.filter(
        Q(status=Case.Status.CLOSED, closed_at__lt=cutoff)
        | Q(status=Case.Status.WITHDRAWN, last_activity_at__lt=cutoff)
    )


def purge_expired(*, now: datetime | None = None, dry_run: bool = False) -> PurgeResult:
    """Anonymise every participant of the cases past ``RETENTION_DAYS``; running it again does nothing more."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.RETENTION_DAYS)
    waiting = Participant.objects.filter(case__in=expired_cases(now=now), erased_at__isnull=True)
    with_files = Attachment.objects.filter(case__in=expired_cases(now=now)).values_list("case_id", flat=True)
    case_ids = sorted(set(waiting.values_list("case_id", flat=True)) | set(with_files))
    participants = 0
    for case_id in case_ids:
        with transaction.atomic():
            case = Case.objects.select_for_update().select_related("incident").get(pk=case_id)
            for participant in case.participants.filter(erased_at__isnull=True).order_by("pk"):
                participants += 1
                if not dry_run:
                    _erase(participant, case=case, by=None, why="at the end of the retention period")
            if not dry_run:  # the files kept on the case go with it
                _delete_files(Attachment.objects.filter(case=case))
    return PurgeResult(cutoff=cutoff, cases=len(case_ids), participants=participants)
