"""Helpers that walk a case through the steps with the services, as the tests need."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from cases.models import Participant
from reconciliation import services

ANSWERS = {
    "what_happened": "I had just lost my job and snapped.",
    "what_you_felt": "Angry, then ashamed.",
    "agent_perspective": "She was alone at the register on a double shift.",
    "regrets": "Shouting and filming her.",
    "message_to_agent": "I am sorry.",
}

PLAN = {
    "goals_redemption": "Own what happened.",
    "goals_empathy": "Understand a cashier's day.",
    "goals_reconciliation": "Meet and make amends.",
    "role_swap_hours": Decimal("8"),
    "personal_time_with_agent": False,
    "meeting_format": "in_person",
}


def soon(hours: float = 24) -> timezone.datetime:
    return timezone.now().replace(microsecond=0) + timedelta(hours=hours)


def person(case, role) -> Participant:
    return case.participants.get(role=role)


def walk_to_plan(case, by):
    services.reflection_submit(case=case, answers=ANSWERS, by=by)
    services.reflection_review(case=case, note="Honest.", by=by)
    case.refresh_from_db()
    return case


def walk_to_role_swap(case, by, **plan_overrides):
    walk_to_plan(case, by)
    plan = services.plan_create_version(case=case, by=by, **{**PLAN, **plan_overrides})
    for participant in case.participants.all():
        services.plan_signoff(plan=plan, participant=participant, decision="agreed", by=by)
    case.refresh_from_db()
    return case


def propose_shift(case, by, start: float = 24, end: float | None = None, **fields):
    """Propose a shift ``start`` hours from now, ending at ``end`` (four hours later by default)."""
    fields = {"role": "Cashier", "location": "Main St", "supervisor_on_site": "Dana"} | fields
    end = start + 4 if end is None else end
    return services.shift_propose(case=case, by=by, starts_at=soon(start), ends_at=soon(end), **fields)
