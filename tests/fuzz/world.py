"""The world the fuzz tests work in: the demo's cases at every step, and a few more states.

Built once per test module (``conftest.world``) and rolled back at its end; each example runs
in a savepoint of its own, so that nothing one example saves is seen by the next.
"""

from datetime import timedelta

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.utils import timezone

from cases import links
from cases.models import Case, Participant
from questionnaires.invitations import invitations_sync
from reconciliation import services
from reconciliation.models import RoleSwapShift
from tests.factories import full_case
from tests.reconciliation.journey import ANSWERS, walk_to_role_swap

User = get_user_model()
# Every model whose rows a form could change; their rows are compared before and after a refused post.
APPS = ("cases", "reconciliation", "referrals", "accounts", "otp_totp", "api", "casework", "questionnaires")
# Written on every visit whatever the outcome; not part of what a form saves.
VOLATILE_FIELDS = {"last_used_at", "last_login", "throttling_failure_timestamp", "throttling_failure_count"}


class World:
    """Who acts, on which cases, with which personal links (role -> tokens); and a cache for the tests."""

    def __init__(self, *, supervisor: User, caseworker: User, cases: list[Case]) -> None:
        self.supervisor, self.caseworker, self.cases = supervisor, caseworker, cases
        self.tokens: dict[str, list[str]] = {}
        self.cache: dict = {}

    def __repr__(self) -> str:
        return f"World({len(self.cases)} cases)"


def _shift(case: Case, by, *, hours_from_now: float, **fields) -> RoleSwapShift:
    start = timezone.now().replace(second=0, microsecond=0) + timedelta(hours=abs(hours_from_now) + 24)
    shift = services.shift_propose(
        case=case,
        by=by,
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        role="Cashier",
        location="Front registers",
        supervisor_on_site="Dana",
        **fields,
    )
    if hours_from_now < 0:
        past = timezone.now() + timedelta(hours=hours_from_now)
        RoleSwapShift.objects.filter(pk=shift.pk).update(starts_at=past, ends_at=past + timedelta(hours=4))
        shift.refresh_from_db()
    return shift


def build_world() -> World:
    call_command("seed_demo", verbosity=0)
    supervisor = User.objects.get(username="supervisor")
    caseworker = User.objects.get(username="caseworker")

    # Step 1 with a submitted reflection: review and return are possible.
    submitted = full_case(caseworker=caseworker)
    services.reflection_submit(case=submitted, answers=ANSWERS, by=caseworker)

    # Step 3 with a shift in every state the business or the caseworker can act on.
    swapping = walk_to_role_swap(full_case(caseworker=caseworker), caseworker)
    business = swapping.participants.get(role=Participant.Role.BUSINESS)
    _shift(swapping, caseworker, hours_from_now=48)  # proposed
    countered = _shift(swapping, caseworker, hours_from_now=72)
    later = timezone.now() + timedelta(days=5)
    services.shift_counter_propose(shift=countered, starts_at=later, ends_at=later + timedelta(hours=4), by=business)
    done = _shift(swapping, caseworker, hours_from_now=96)
    services.shift_confirm(shift=done, by=business)
    RoleSwapShift.objects.filter(pk=done.pk).update(
        starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=2) + timedelta(hours=4)
    )
    past = _shift(swapping, caseworker, hours_from_now=120)
    services.shift_confirm(shift=past, by=business)
    RoleSwapShift.objects.filter(pk=past.pk).update(
        starts_at=timezone.now() - timedelta(days=1), ends_at=timezone.now() - timedelta(hours=20)
    )
    done.refresh_from_db()
    services.shift_record_attendance(shift=done, attended=True, minutes=2 * 60, feedback="On time.", by=business)

    cases = list(Case.objects.order_by("pk"))
    for case in cases:  # the demo's questionnaires, waiting where each case has reached their moment
        invitations_sync(case)
    world = World(supervisor=supervisor, caseworker=caseworker, cases=cases)
    for participant in Participant.objects.select_related("case").order_by("pk"):
        _link, token = links.link_issue(participant=participant, by=None)
        world.tokens.setdefault(participant.role, []).append(token)
    return world


def models_to_watch() -> list:
    return [User] + [model for model in apps.get_models() if model._meta.app_label in APPS]


def snapshot() -> dict[str, list[tuple]]:
    """Every row of every watched model, without the fields any visit writes."""
    state = {}
    for model in models_to_watch():
        names = [f.attname for f in model._meta.concrete_fields if f.attname not in VOLATILE_FIELDS]
        state[model._meta.label] = list(model._default_manager.order_by("pk").values_list(*names))
    return state


def broken_rows() -> list[str]:
    """Rows no form should be able to leave behind: text over its column's limit, NUL, an unknown choice."""
    problems = []
    for model in models_to_watch():
        checked = [f for f in model._meta.concrete_fields if f.get_internal_type() in {"CharField", "TextField"}]
        if not checked:
            continue
        for row in model._default_manager.values("pk", *[f.attname for f in checked]):
            for f in checked:
                value = row[f.attname]
                if value is None:
                    continue
                value = str(value)  # a phone number is read as a PhoneNumber
                if "\x00" in value:
                    problems.append(f"{model._meta.label}#{row['pk']}.{f.name} holds NUL")
                if f.max_length and len(value) > f.max_length:
                    problems.append(f"{model._meta.label}#{row['pk']}.{f.name} is {len(value)} > {f.max_length}")
                if f.choices and value not in {str(choice) for choice, _label in f.flatchoices} and value != "":
                    problems.append(f"{model._meta.label}#{row['pk']}.{f.name} = {value[:40]!r} is not a choice")
    for case in Case.objects.all():
        if case.step not in Case.Step.values or case.status not in Case.Status.values:
            problems.append(f"case {case.reference} is at step {case.step!r}, status {case.status!r}")
    return problems
