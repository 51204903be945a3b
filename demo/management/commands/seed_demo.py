"""Demo data: staff accounts, businesses and realistic cases. Safe to run again."""

import multiprocessing
import os
import random
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, connections, transaction
from django.utils import timezone

from cases import services
from cases.models import Business, Case, CaseEvent, Incident, Participant, StaffContact
from cases.roles import CASEWORKER_GROUP, SUPERVISOR_GROUP
from demo.bulk import Timeline, bulk_history, timeline
from demo.progress import seed_demo_progress
from demo.questionnaires import seed_demo_answers, seed_demo_questionnaires
from demo.referrals import seed_demo_referrals

User = get_user_model()

DEMO_PASSWORD = "compassion-demo"  # noqa: S105 - printed on purpose: demo accounts only
DEMO_USERS = [
    # username, first name, last name, group
    ("supervisor", "Sam", "Okafor", SUPERVISOR_GROUP),
    ("caseworker", "Casey", "Rivera", CASEWORKER_GROUP),
    ("caseworker2", "Jordan", "Lee", CASEWORKER_GROUP),
]

BUSINESSES = [
    ("Riverside Grocery", "12 River Rd, Springfield", "Dana Whitfield", "dana@riverside-grocery.example"),
    ("Sunrise Coffee", "4 Main St, Springfield", "Luis Ortega", "luis@sunrise-coffee.example"),
    ("Metro Burger", "220 Station Ave, Springfield", "Priya Natarajan", "priya@metroburger.example"),
    ("Lakeview Pharmacy", "9 Lakeview Blvd, Shelbyville", "Tom Becker", "tom@lakeview-rx.example"),
    ("City Hardware", "77 Oak St, Shelbyville", "Grace Kim", "grace@cityhardware.example"),
]

# (business index, days ago, where, what happened, severity, police, video, customer, agent)
STORIES = [
    (
        0,
        20,
        "checkout line",
        "The customer shouted at the cashier about an expired coupon and threw a basket.",
        Incident.Severity.VERBAL,
        False,
        True,
        ("Alex Morgan", "alex.morgan@example.com"),
        "Jamie Chen",
    ),
    (
        1,
        35,
        "front counter",
        "Order was wrong twice; the customer swore at the barista and the clip went viral.",
        Incident.Severity.VERBAL,
        False,
        True,
        ("Robin Hayes", "robin.hayes@example.com"),
        "Maya Patel",
    ),
    (
        2,
        12,
        "drive-through window",
        "Threatened to come back and beat up the employee; police were called.",
        Incident.Severity.THREATS,
        True,
        False,
        ("Chris Doyle", "chris.doyle@example.com"),
        "Sofia Ramos",
    ),
    (
        3,
        60,
        "prescription counter",
        "Wait time dispute; the customer pushed the pharmacist's assistant.",
        Incident.Severity.PHYSICAL,
        True,
        True,
        ("Pat Quinn", "pat.quinn@example.com"),
        "Ahmed Hassan",
    ),
    (
        4,
        8,
        "returns desk",
        "A refusal of a return turned into repeated insults and a threat to post a review.",
        Incident.Severity.THREATS,
        False,
        False,
        ("Morgan Blake", "morgan.blake@example.com"),
        "Lena Fischer",
    ),
    (
        1,
        4,
        "outdoor seating",
        "Told to leave after closing time, the customer yelled at the server for minutes.",
        Incident.Severity.VERBAL,
        False,
        True,
        ("Jesse Park", "jesse.park@example.com"),
        "Tomás Vidal",
    ),
    (
        0,
        2,
        "parking lot",
        "A trolley collector was sworn at and blocked from walking away.",
        Incident.Severity.VERBAL,
        True,
        False,
        ("Drew Ellis", "drew.ellis@example.com"),
        "Kofi Mensah",
    ),
]

FIRST_NAMES = [
    "Alex",
    "Sam",
    "Jordan",
    "Taylor",
    "Casey",
    "Riley",
    "Jamie",
    "Avery",
    "Quinn",
    "Rowan",
    "Maria",
    "José",
    "Wei",
    "Aisha",
    "Omar",
    "Ines",
    "Noah",
    "Emma",
    "Liam",
    "Zoe",
]
LAST_NAMES = [
    "Smith",
    "Garcia",
    "Nguyen",
    "Johnson",
    "Okafor",
    "Kowalski",
    "Haddad",
    "Silva",
    "Kim",
    "Brown",
    "Martin",
    "Lopez",
    "Singh",
    "Cohen",
    "Rossi",
    "Ivanova",
    "Ali",
    "Murphy",
    "Chen",
    "Diaz",
]


class Command(BaseCommand):
    help = (
        "Create demo staff accounts (caseworker, caseworker2, supervisor), businesses and a few "
        "realistic cases, and three new referrals waiting in triage. Running it again changes nothing. "
        "With --cases N, adds generated cases "
        "until the database holds at least N cases (bulk inserts, for load tests)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cases", type=int, default=0, help="make sure at least this many cases exist")
        parser.add_argument("--seed", type=int, default=42, help="random seed for generated cases")
        parser.add_argument(
            "--jobs",
            type=int,
            default=min(os.cpu_count() or 1, 4),
            help="processes inserting generated cases side by side (PostgreSQL only; default: the CPUs, up to 4)",
        )
        parser.add_argument(
            "--per-day",
            type=float,
            default=None,
            help=(
                "generated cases arrived at this steady pace, and each run adds older ones (make bench: 30, "
                f"some 11,000 a year); by default they are spread over the last {HISTORY_DAYS} days"
            ),
        )

    def handle(self, *args, cases: int, seed: int, jobs: int, per_day: float | None, **options) -> None:
        users = self._users()
        businesses = self._businesses()
        seed_demo_questionnaires(users[0])
        if not Case.objects.exists():
            self._stories(users, businesses)
        seed_demo_referrals()
        if cases:
            created = bulk_cases(
                total=cases,
                caseworkers=users[1:],
                rng=random.Random(seed),
                supervisor=users[0],
                jobs=jobs,
                per_day=per_day,
            )
            self.stdout.write(f"Generated {created} cases ({Case.objects.count()} in all).")
            answered = seed_demo_answers(random.Random(seed))
            if answered:
                self.stdout.write(f"{answered} people of the generated cases answered questionnaires.")
        self.stdout.write(self.style.SUCCESS("Demo data is ready. Demo logins (demo only):"))
        for username, *_rest in DEMO_USERS:
            self.stdout.write(f"  {username:<12} password: {DEMO_PASSWORD}")

    def _users(self) -> list:
        users = []
        for username, first, last, group in DEMO_USERS:
            user, created = User.objects.get_or_create(
                username=username,
                defaults={"first_name": first, "last_name": last, "email": f"{username}@pli.example"},
            )
            if created:
                user.set_password(DEMO_PASSWORD)
                user.is_staff = group == SUPERVISOR_GROUP
                user.save()
            user.groups.add(Group.objects.get_or_create(name=group)[0])
            # A work phone that participants see on their pages and messages (fictional 555-01xx).
            StaffContact.objects.get_or_create(user=user, defaults={"phone": f"+1212555{170 + len(users):04d}"})
            users.append(user)
        return users

    def _businesses(self) -> list[Business]:
        return [
            Business.objects.get_or_create(
                name=name, defaults={"address": address, "contact_name": contact, "contact_email": email}
            )[0]
            for name, address, contact, email in BUSINESSES
        ]

    @transaction.atomic
    def _stories(self, users: list, businesses: list[Business]) -> None:
        supervisor, caseworker, caseworker2 = users
        now = timezone.now()
        cases = []
        for index, (biz, days, where, what, severity, police, video, customer, agent) in enumerate(STORIES):
            business = businesses[biz]
            intake = services.IntakeDetails(
                incident={
                    "occurred_at": now - timedelta(days=days),
                    "location": where,
                    "description": what,
                    "severity": severity,
                    "police_involved": police,
                    "video_posted": video,
                    "video_url": f"https://video.example/clip{index}" if video else "",
                    "source": Incident.Source.BUSINESS,
                },
                business=business,
                # Real (fictional, 555-01xx) numbers; the first customer is reached by e-mail and text,
                # so that `make run` shows texts in var/sms/ too.
                customer=services.PersonDetails(
                    name=customer[0],
                    email=customer[1],
                    phone=f"+1212555{100 + index:04d}",
                    channel=Participant.Channel.BOTH if index == 0 else Participant.Channel.EMAIL,
                ),
                agents=[services.PersonDetails(name=agent, email=f"{agent.split()[0].lower()}@staff.example")],
                business_representative=services.PersonDetails(
                    name=business.contact_name, email=business.contact_email
                ),
                caseworker=caseworker2 if index == 4 else caseworker,
            )
            cases.append(services.case_open(intake=intake, by=supervisor))
        seed_demo_progress(cases, supervisor=supervisor)


# Without --per-day, generated cases are spread over the last HISTORY_DAYS: a few hundred
# already show every step, figure and report.
HISTORY_DAYS = 900
TALK_FIRST_EVERY = 40  # of the generated open cases, those where the staff member asked to talk first


def bulk_cases(
    *,
    total: int,
    caseworkers: list,
    rng: random.Random,
    batch_size: int = 5000,
    supervisor=None,
    jobs: int = 1,
    per_day: float | None = None,
) -> int:
    """Add generated cases until ``total`` exist; returns how many were added.

    Bulk inserts in batches keep 100,000 cases within a few minutes and bounded memory; on
    PostgreSQL, ``jobs`` processes insert batches side by side. Each case gets a plausible
    history (``reconciliation.demo_bulk``), so that the dashboard and the reports have
    something to show. With ``per_day``, cases arrived at that steady pace and each run adds
    older ones: more cases make a longer history, not more cases open at once, as in a
    program that runs for years. Without it, they are spread over the last ``HISTORY_DAYS``.
    """
    existing = Case.objects.count()
    missing = total - existing
    if missing <= 0:
        return 0
    if not Business.objects.exists():
        Business.objects.create(name="Generated Business")
    now = timezone.now()
    # All the references at once, committed: batches running side by side never wait for each other.
    references = services.reference_allocate(year=timezone.localdate(now).year, count=missing)
    batches = [
        Batch(
            position=existing + start,
            references=references[start : start + batch_size],
            seed=rng.randrange(2**32),
            caseworker_ids=[user.pk for user in caseworkers],
            supervisor_id=(supervisor or caseworkers[0]).pk,
            now=now,
            per_day=per_day,
        )
        for start in range(0, missing, batch_size)
    ]
    if jobs > 1 and len(batches) > 1 and connection.vendor == "postgresql":
        connections.close_all()  # each process opens its own connection
        with multiprocessing.get_context("fork").Pool(min(jobs, len(batches))) as pool:
            pool.map(_insert_batch, batches)
    else:
        for batch in batches:
            _insert_batch(batch)
    return missing


@dataclass(frozen=True)
class Batch:
    """One transaction of generated cases: where they start in the history (0: the newest), and their references."""

    position: int
    references: list[str]
    seed: int
    caseworker_ids: list[int]
    supervisor_id: int
    now: datetime
    per_day: float | None


@transaction.atomic
def _insert_batch(batch: Batch) -> None:
    if connection.vendor == "postgresql":
        # Demo data for the benchmark: the batch's commit does not wait for the disk, and a crash
        # of the database server may lose the last batches (seed again). What it buys is small: a
        # batch of 5,000 cases is one transaction, so it saves one wait for the disk per batch
        # (twenty for the benchmark's 100,000 cases); seeding 10,000 cases took as long without
        # it (42 to 52 s either way on a busy 2-core machine, within the noise).
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
    rng = random.Random(batch.seed)
    now = batch.now
    businesses = list(Business.objects.order_by("pk"))
    caseworkers = list(User.objects.filter(pk__in=batch.caseworker_ids).order_by("pk"))
    supervisor = User.objects.get(pk=batch.supervisor_id)
    if batch.per_day:
        ages = [(batch.position + number + rng.random()) / batch.per_day for number in range(len(batch.references))]
    else:
        ages = [rng.uniform(0, HISTORY_DAYS) for _ in batch.references]
    opened = [now - timedelta(days=age, hours=rng.randint(2, 72)) for age in ages]
    incidents = Incident.objects.bulk_create(
        Incident(
            business=rng.choice(businesses),
            occurred_at=when - timedelta(days=rng.randint(1, 30), hours=rng.randint(0, 12)),
            location="store",
            description="Generated incident for load testing.",
            severity=rng.choice(Incident.Severity.values),
            police_involved=rng.random() < 0.2,
            source=rng.choice(Incident.Source.values),
        )
        for when in opened
    )
    generated = [
        _generated_case(reference, incident, rng.choice(caseworkers), rng, opened=when, now=now)
        for reference, incident, when in zip(batch.references, incidents, opened, strict=True)
    ]
    new_cases = Case.objects.bulk_create(case for case, _timeline in generated)
    generated_people = [participant for case in new_cases for participant in _generated_people(case, rng)]
    _some_ask_to_talk_first(new_cases, generated_people)
    people = Participant.objects.bulk_create(generated_people)
    CaseEvent.objects.bulk_create(
        CaseEvent(
            case=case,
            kind=CaseEvent.Kind.OPENED,
            message="Case opened (generated).",
            created_at=case.opened_at,
            to_value=Case.Status.OPEN,
        )
        for case in new_cases
    )
    by_case: dict[int, dict[str, Participant]] = {}
    for person in people:
        by_case.setdefault(person.case_id, {})[person.role] = person
    bulk_history(
        new_cases,
        [line for _case, line in generated],
        people=by_case,
        supervisor=supervisor,
        rng=rng,
    )


def _generated_case(
    reference: str, incident: Incident, caseworker, rng: random.Random, *, opened: datetime, now: datetime
) -> tuple[Case, Timeline]:
    line = timeline(opened_at=opened, now=now, rng=rng)
    case = Case(
        reference=reference,
        incident=incident,
        caseworker=caseworker,
        status=line.status,
        step=line.step,
        risk=services.risk_default(severity=incident.severity, police_involved=incident.police_involved),
        status_reason=line.withdraw_reason or ("Program over." if line.closed_at else ""),
        opened_at=opened,
        last_activity_at=line.last_activity_at,
        completed_at=line.completed_at,
        closed_at=line.closed_at,
    )
    return case, line


def _some_ask_to_talk_first(cases: list[Case], people: list[Participant]) -> None:
    """Now and then the staff member who was hurt has asked, from their page, to talk to someone
    first: one open case in ``TALK_FIRST_EVERY``, so that the dashboard's "someone spoke up" tile
    has cases to show."""
    asking = {case.pk for case in cases if case.status == Case.Status.OPEN}
    asking = set(sorted(asking)[::TALK_FIRST_EVERY])
    when = {case.pk: case.last_activity_at for case in cases}
    for person in people:
        if person.case_id in asking and person.role == Participant.Role.AGENT:
            person.call_requested_at = when[person.case_id]


def _generated_people(case: Case, rng: random.Random) -> list[Participant]:
    """The customer, the staff member who was hurt and the business's representative; most have an e-mail."""

    def name() -> str:
        return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"

    def email(person: str, domain: str) -> str:
        # Plain ASCII before the @ (José -> jose): what people type in a form.
        local = unicodedata.normalize("NFKD", person).encode("ascii", "ignore").decode().lower().replace(" ", ".")
        return f"{local}.{case.reference.lower()}@{domain}"

    customer, agent, representative = name(), name(), name()
    return [
        Participant(
            case=case,
            role=Participant.Role.CUSTOMER,
            name=customer,
            email=email(customer, "example.com"),
        ),
        Participant(
            case=case,
            role=Participant.Role.AGENT,
            name=agent,
            email=email(agent, "staff.example") if rng.random() < 0.7 else "",
            consent=Participant.Consent.GIVEN,
        ),
        Participant(
            case=case,
            role=Participant.Role.BUSINESS,
            name=representative,
            email=email(representative, "business.example") if rng.random() < 0.9 else "",
        ),
    ]
