"""What may this person do now: one answer, for the case page, the portal and the services.

An ``Actor`` is who acts: a caseworker or a supervisor (staff, logged in), or the customer, a
staff member who was hurt (agent) or the business, through their personal link. The case page
offers what ``case_actions`` and ``shift_actions`` allow for the staff member looking at it;
the portal offers what they allow for its participant; and the services check the same
answer again under the row lock before they change anything.
"""

from datetime import datetime
from enum import StrEnum

from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone

from cases.models import Case, Participant
from cases.roles import is_caseworker, is_supervisor

from .models import PersonalTime, RoleSwapShift
from .registry import REGISTRY
from .snapshot import CaseSnapshot


class Actor(StrEnum):
    CASEWORKER = "caseworker"
    SUPERVISOR = "supervisor"
    CUSTOMER = "customer"
    AGENT = "agent"
    BUSINESS = "business"


STAFF = frozenset({Actor.CASEWORKER, Actor.SUPERVISOR})


def actor_of(by: AbstractBaseUser | Participant | None) -> Actor | None:
    """Who ``by`` is in the program: a participant by their role, a user by their staff role."""
    if isinstance(by, Participant):
        return Actor(by.role)
    if by is not None and is_supervisor(by):
        return Actor.SUPERVISOR
    if by is not None and is_caseworker(by):
        return Actor.CASEWORKER
    return None


# ---------------------------------------------------------------- the case


def case_actions(snap: CaseSnapshot, actor: Actor | None) -> set[str]:
    """The case-level actions ``actor`` may take now: recording consent, skipping the current step,
    the safety approval, and the actions of the step the case is at (staff only: participants act
    on their own pages)."""
    if actor not in STAFF:
        return set()
    case = snap.case
    allowed = set()
    if snap.needs_safety_approval and actor == Actor.SUPERVISOR:
        allowed.add("safety-approve")
    if case.status != Case.Status.OPEN:
        return allowed
    allowed.add("consent")
    if actor == Actor.SUPERVISOR:
        allowed.add("step-skip")
    allowed.update(REGISTRY[case.step].actions)
    return allowed


# ---------------------------------------------------------------- shifts

_BUSINESS_SIDE = STAFF | {Actor.BUSINESS}  # the caseworker records what the business said on the phone
_CUSTOMER_SIDE = STAFF | {Actor.CUSTOMER}

# A shift's actions in each of its states, and who may take each.
SHIFT_ACTIONS: dict[str, dict[str, frozenset[Actor]]] = {
    RoleSwapShift.State.PROPOSED: {
        "confirm": _BUSINESS_SIDE,
        "decline": _BUSINESS_SIDE,
        "counter": _BUSINESS_SIDE,
        "cancel": STAFF,
    },
    RoleSwapShift.State.COUNTER_PROPOSED: {"accept-counter": STAFF, "cancel": STAFF},
    RoleSwapShift.State.CONFIRMED: {"attendance": _BUSINESS_SIDE, "cancel": STAFF},
    RoleSwapShift.State.ATTENDED: {"reflection": _CUSTOMER_SIDE},
}


def shift_allows(shift: RoleSwapShift, action: str) -> bool:
    """Whether the shift's state allows ``action`` at all, for anyone."""
    return action in SHIFT_ACTIONS.get(shift.state, {})


def shift_may(shift: RoleSwapShift, action: str, actor: Actor | None) -> bool:
    """Whether ``actor`` may take ``action`` on the shift in its state (the services' check)."""
    return actor in SHIFT_ACTIONS.get(shift.state, {}).get(action, frozenset())


def shift_answerable(action: str, actor: Actor | None) -> bool:
    """Whether ``actor`` may take ``action`` on a shift in some state (a form the page may post)."""
    return any(actor in who.get(action, frozenset()) for who in SHIFT_ACTIONS.values())


def shift_actions(shift: RoleSwapShift, actor: Actor | None, *, now: datetime | None = None) -> list[str]:
    """The actions to offer ``actor`` on the shift now, in order: what its state and the actor's role
    allow, and what makes sense at this moment (attendance once the shift has started, the
    customer's reflection once)."""
    now = now or timezone.now()
    offered = []
    for action in SHIFT_ACTIONS.get(shift.state, {}):
        if not shift_may(shift, action, actor):
            continue
        if action == "attendance" and shift.starts_at > now:
            continue
        if action == "reflection" and shift.customer_reflection:
            continue
        offered.append(action)
    return offered


# ---------------------------------------------------------------- personal time with the staff member

_BOTH = frozenset({Actor.CUSTOMER, Actor.AGENT})  # only the two people themselves say yes or no

# Personal time's actions in each of its states, and who may take each.
PERSONAL_TIME_ACTIONS: dict[str, dict[str, frozenset[Actor]]] = {
    PersonalTime.State.PROPOSED: {"agree": _BOTH, "decline": _BOTH, "cancel": STAFF},
    PersonalTime.State.AGREED: {"decline": _BOTH, "log": STAFF, "cancel": STAFF},
    PersonalTime.State.HELD: {"words": _BOTH},
}


def personal_time_may(time: PersonalTime, action: str, actor: Actor | None) -> bool:
    return actor in PERSONAL_TIME_ACTIONS.get(time.state, {}).get(action, frozenset())


def personal_time_actions(
    time: PersonalTime, actor: Actor | None, *, now: datetime | None = None
) -> list[str]:
    """What to offer ``actor`` on the personal time now: what its state and their role allow, and
    what makes sense at this moment (a yes not given yet; no "no" once it has begun; the log once
    it has begun; one's words once)."""
    now = now or timezone.now()
    offered = []
    for action in PERSONAL_TIME_ACTIONS.get(time.state, {}):
        if not personal_time_may(time, action, actor):
            continue
        if action == "agree" and time.agreed_by(actor):
            continue
        if action == "decline" and time.starts_at <= now:
            continue
        if action == "log" and time.starts_at > now:
            continue
        if action == "words" and (time.customer_words if actor == Actor.CUSTOMER else time.agent_words):
            continue
        offered.append(action)
    return offered
