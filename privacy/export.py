"""Everything the app holds about one participant, as plain JSON values (no link's hash): what a
supervisor hands a person who asks for their data (``privacy.services.participant_export_take``)."""

from datetime import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from cases.models import AccessLink, CaseEvent, Participant
from casework.models import Attachment, Note
from notifications.models import Reminder
from questionnaires import services as questionnaire_services
from reconciliation.models import Commitment, PlanSignoff, Reflection, RestorativeMeeting
from referrals.models import Referral


def _when(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def _rows(queryset: QuerySet, *fields: str) -> list[dict]:
    return [{name: _json(value) for name, value in row.items()} for row in queryset.values(*fields)]


def _json(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if hasattr(value, "isoformat"):  # a date
        return value.isoformat()
    if isinstance(value, (int, float, bool, str)) or value is None:
        return value
    return str(value)  # decimals


def participant_export(*, participant: Participant) -> dict:
    """Everything the app holds about this participant, as plain JSON values; no link's hash."""
    case = participant.case
    incident = case.incident
    customer = participant.role == Participant.Role.CUSTOMER
    data: dict = {
        "exported_at": timezone.now().isoformat(),
        "participant": _rows(
            Participant.objects.filter(pk=participant.pk),
            "id", "role", "name", "email", "phone", "preferred_language", "consent", "no_contact", "created_at",
            "erased_at",
        )[0],
        "case": {
            "reference": case.reference,
            "status": case.status,
            "step": case.step,
            "opened_at": _when(case.opened_at),
            "completed_at": _when(case.completed_at),
            "closed_at": _when(case.closed_at),
        },
        # What happened concerns everyone there; its account of the customer's conduct, the customer.
        "incident": {
            "business": incident.business.name,
            "occurred_at": _when(incident.occurred_at),
            "location": incident.location,
            "severity": incident.severity,
            "police_involved": incident.police_involved,
            **(
                {"description": incident.description, "video_url": incident.video_url, "source": incident.source}
                if customer
                else {}
            ),
        },
        "plan_signoffs": _rows(
            PlanSignoff.objects.filter(participant=participant).order_by("decided_at"),
            "plan__version", "decision", "comment", "decided_at",
        ),
        "personal_links": [
            {
                "created_at": _when(link.created_at),
                "expires_at": _when(link.expires_at),
                "revoked_at": _when(link.revoked_at),
                "last_used_at": _when(link.last_used_at),
                "emailed_at": _when(link.emailed_at),
                "state": link.state,
            }
            for link in AccessLink.objects.filter(participant=participant).order_by("created_at")
        ],
        "timeline": _rows(_events_about(participant), "created_at", "kind", "message"),
        "reminders": _rows(
            Reminder.objects.filter(participant=participant).order_by("due_at"),
            "kind", "due_at", "state", "sent_at", "attempts", "cancelled_at",
        ),
        "referrals": _rows(
            _referrals_of(participant).order_by("submitted_at"),
            "submitted_at", "writer", "name", "email", "phone", "contact_by", "language", "business_name",
            "occurred_on", "location", "story", "police", "video_url", "state",
        ),
        "notes": _rows(
            _notes_about(participant).order_by("happened_at", "id"),
            "happened_at", "kind", "with_whom", "minutes", "text", "agreed", "sensitive", "created_at",
        ),
        # The files kept on the case that are theirs (from them, or about them): listed, not copied.
        "files": _rows(
            Attachment.objects.filter(case_id=participant.case_id, participant=participant).order_by("added_at"),
            "name", "content_type", "size", "description", "source", "added_at",
        ),
        # Their earlier versions, before their author corrected them.
        "note_history": _rows(
            Note.history.filter(id__in=_notes_about(participant).values("pk")).order_by("history_id"),
            "history_date", "history_type", "happened_at", "kind", "with_whom", "minutes", "text", "agreed",
        ),
        "history": _rows(
            Participant.history.filter(id=participant.pk).order_by("history_id"),
            "history_date", "history_type", "name", "email", "phone", "preferred_language", "consent", "no_contact",
            "erased_at",
        ),
    }
    data.update(questionnaire_services.participant_questionnaires(participant))
    shift_fields = ["starts_at", "ends_at", "role", "location", "state"]
    if customer:
        reflection = Reflection.objects.filter(case=case).first()
        data["reflection"] = (
            {
                **{name: getattr(reflection, name) for name in Reflection.QUESTIONS},
                "state": reflection.state,
                "submitted_at": _when(reflection.submitted_at),
            }
            if reflection
            else None
        )
        data["shifts"] = _rows(
            case.shifts.order_by("starts_at"), *shift_fields, "minutes_attended", "customer_reflection"
        )
        data["commitments"] = _rows(
            Commitment.objects.filter(case=case), "commitments", "off_limits", "drafted_at", "agreed_at"
        )
        data["checkins"] = _rows(case.checkins.order_by("due_on"), "days_after", "due_on", "state", "answers")
    elif participant.role == Participant.Role.BUSINESS:
        data["shifts"] = _rows(
            case.shifts.order_by("starts_at"), *shift_fields, "minutes_attended", "decline_reason", "business_feedback"
        )
    else:
        data["shifts"] = _rows(
            case.shifts.filter(agent=participant).order_by("starts_at"), *shift_fields, "agent_starts_at",
            "agent_ends_at",
        )
    if participant.role != Participant.Role.BUSINESS:
        times = case.personal_times.order_by("starts_at")
        if participant.role == Participant.Role.AGENT:
            times = times.filter(agent=participant)
        words = "customer_words" if customer else "agent_words"
        data["personal_time"] = _rows(times, "starts_at", "ends_at", "activity", "location", "state", "minutes", words)
        meeting = RestorativeMeeting.objects.filter(case=case).first()
        data["meeting"] = (
            {
                "state": meeting.state,
                "scheduled_at": _when(meeting.scheduled_at),
                "format": meeting.format,
                **({"agent_words": meeting.agent_words} if participant.role == Participant.Role.AGENT else {}),
            }
            if meeting
            else None
        )
    return data


def _events_about(participant: Participant) -> QuerySet[CaseEvent]:
    """The case's timeline events made by the participant or naming them."""
    naming = Q(actor_participant=participant)
    for value in (participant.name, participant.email):
        if value:
            naming |= Q(message__icontains=value)
    return CaseEvent.objects.filter(Q(case_id=participant.case_id) & naming).order_by("created_at", "id")


def _notes_about(participant: Participant) -> QuerySet[Note]:
    """The caseworker's notes of the case about the participant: a contact with them, or naming them."""
    naming = Q(participant=participant)
    for value in (participant.name, participant.email, participant.phone):
        if value:
            naming |= Q(text__icontains=value) | Q(agreed__icontains=value) | Q(with_whom__icontains=value)
    return Note.objects.filter(Q(case_id=participant.case_id) & naming)


def _referrals_of(participant: Participant) -> QuerySet[Referral]:
    """Referrals that reached PLI with the participant's e-mail or phone, or for their case under their name."""
    match = Q(case_id=participant.case_id, name__iexact=participant.name)
    if participant.email:
        match |= Q(email__iexact=participant.email)
    if participant.phone:
        match |= Q(phone=participant.phone)
    return Referral.objects.filter(match)
