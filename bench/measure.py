"""In-process measurements at one database size: page latencies, query counts, reminder dispatch.

Run by ``bench/run.py`` once the database holds N cases::

    DJANGO_SETTINGS_MODULE=bench.settings python -m bench.measure --cases N --out result.json

Every page is requested through Django's test client (the whole middleware stack, the
production settings with DEBUG off), in rounds: one request per page per round, so that
whatever the machine does meanwhile touches every page alike. The first rounds warm up and
are not counted. Queries are counted on one more request per page, outside the timed ones.
"""

import argparse
import json
import os
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core import mail  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone, translation  # noqa: E402

from api.models import Scope  # noqa: E402
from api.services import token_create  # noqa: E402
from cases.links import link_issue, portal_path  # noqa: E402
from cases.models import Case, CaseEvent, Participant  # noqa: E402
from casework.models import Attachment, Note  # noqa: E402
from notifications import dispatch  # noqa: E402
from notifications.models import Reminder  # noqa: E402

User = get_user_model()

TIMELINE_EVENTS = 500
# The caseworker's record on that case (casework/): notes and contacts, and files kept on it.
CASE_NOTES = 50
CASE_FILES = 20
DUE_REMINDERS = 1000
SEARCH = {"q": "maria garcia", "status": "open"}  # a full name and a status, as people search


# ---------------------------------------------------------------- what is measured


def long_timeline_case(supervisor) -> Case:
    """An open case at the role-swap step with a timeline of ``TIMELINE_EVENTS`` events (added in bulk)."""
    case = (
        Case.objects.filter(status=Case.Status.OPEN, step=Case.Step.ROLE_SWAP, shifts__isnull=False)
        .order_by("pk")
        .first()
    )
    if case is None:
        case = Case.objects.filter(status=Case.Status.OPEN).order_by("pk").first()
    missing = TIMELINE_EVENTS - case.events.count()
    if missing > 0:
        people = list(case.participants.all())
        start = case.opened_at
        CaseEvent.objects.bulk_create(
            CaseEvent(
                case=case,
                kind=CaseEvent.Kind.NOTE,
                actor=supervisor if number % 3 else None,
                actor_participant=None if number % 3 else people[number % len(people)],
                created_at=start + timedelta(minutes=10 * number),
                message=f"Phone call number {number}: talked through the next shift and how the last one went.",
            )
            for number in range(missing)
        )
    _casework_on(case, supervisor)
    return case


def _casework_on(case: Case, supervisor) -> None:
    """``CASE_NOTES`` notes and ``CASE_FILES`` files on the case (in bulk). The case page lists the
    files' rows only; the rows name files that were never written, which the page never opens."""
    missing = CASE_NOTES - case.notes.count()
    if missing > 0:
        Note.objects.bulk_create(
            Note(
                case=case,
                kind=Note.Kind.PHONE if number % 2 else Note.Kind.NOTE,
                happened_at=case.opened_at + timedelta(hours=number),
                text=f"Note number {number}: how the customer is doing, and what comes next.",
                agreed="Call again next week." if number % 2 else "",
                author=supervisor,
            )
            for number in range(missing)
        )
    missing = CASE_FILES - case.attachments.count()
    if missing > 0:
        Attachment.objects.bulk_create(
            Attachment(
                case=case,
                file=f"cases/{case.pk}/bench-{number}",
                name=f"scan {number}.pdf",
                content_type="application/pdf",
                size=200_000,
                description="A signed copy",
                added_by=supervisor,
            )
            for number in range(missing)
        )


def portal_token(case: Case) -> str:
    """A fresh personal link for the case's customer."""
    customer = case.participants.get(role=Participant.Role.CUSTOMER)
    _link, token = link_issue(participant=customer, by=None)
    return token


def pages(case: Case, token: str) -> dict[str, tuple[str, str, dict]]:
    """name: (who asks, URL, query)."""
    return {
        "floor": ("anonymous", reverse("bench_floor"), {}),
        "staff_floor": ("supervisor", reverse("bench_staff_floor"), {}),
        "login": ("anonymous", reverse("login"), {}),
        "dashboard": ("supervisor", reverse("reporting:dashboard"), {}),
        "case_list": ("supervisor", reverse("cases:list"), {}),
        "case_search": ("supervisor", reverse("cases:list"), SEARCH),
        "case_detail": ("supervisor", case.get_absolute_url(), {}),
        "api_cases": ("supervisor_api", reverse("api:cases"), {}),
        "portal": ("anonymous", portal_path(token), {}),
        "export_csv": ("supervisor", reverse("reporting:export_csv"), {}),
    }


def fetch(client: Client, url: str, query: dict) -> int:
    """One request; a streamed CSV is read up to its first piece of rows, then closed."""
    response = client.get(url, query)
    if response.status_code != 200:
        raise RuntimeError(f"{url} answered {response.status_code}")
    if response.streaming:
        first = next(iter(response.streaming_content))
        response.close()
        return len(first)
    return len(response.content)


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.5))
    return ordered[min(rank, len(ordered)) - 1]


def measure_pages(targets: dict, clients: dict[str, Client], *, requests: int, warmup: int) -> dict:
    timings: dict[str, list[float]] = {name: [] for name in targets}
    for round_number in range(warmup + requests):
        for name, (who, url, query) in targets.items():
            started = time.perf_counter()
            fetch(clients[who], url, query)
            elapsed = (time.perf_counter() - started) * 1000
            if round_number >= warmup:
                timings[name].append(elapsed)
    out = {}
    for name, (who, url, query) in targets.items():
        with CaptureQueriesContext(connection) as queries:
            size = fetch(clients[who], url, query)
        out[name] = {
            "median_ms": round(statistics.median(timings[name]), 2),
            "p95_ms": round(percentile(timings[name], 0.95), 2),
            "queries": len(queries),
            "bytes": size,
            "requests": len(timings[name]),
        }
    # Like with like: each page's p95 against the floor's p95, both from the same rounds.
    floor = out["floor"]["p95_ms"]
    for result in out.values():
        result["ratio_to_floor"] = round(result["p95_ms"] / floor, 2)
    return out


# ---------------------------------------------------------------- reminders


def due_reminders(now) -> list[int]:
    """``DUE_REMINDERS`` reminders made due now: scheduled ones brought forward, then link e-mails.

    Scheduled reminders (the rules' own: reflection, sign-off, shift, meeting, check-in, no
    activity) are moved to now, as an operator would (README). Where there are not enough, a
    caseworker's "e-mail the personal link" notices to customers fill up the thousand.
    """
    addressed = Reminder.objects.filter(state=Reminder.State.SCHEDULED).exclude(
        participant__isnull=False, participant__email=""
    )
    chosen = list(
        addressed.filter(case__status=Case.Status.OPEN).order_by("due_at", "pk").values_list("pk", flat=True)[:600]
    )
    Reminder.objects.filter(pk__in=chosen).update(next_attempt_at=now - timedelta(minutes=1))
    missing = DUE_REMINDERS - len(chosen)
    customers = (
        Participant.objects.filter(
            role=Participant.Role.CUSTOMER,
            case__status__in=[Case.Status.OPEN, Case.Status.COMPLETED],
        )
        .exclude(email="")
        .exclude(case__reminders__pk__in=chosen)
        .order_by("-case__opened_at", "pk")[:missing]
    )
    stamp = now.strftime("%Y%m%dT%H%M%S")
    notices = Reminder.objects.bulk_create(
        Reminder(
            case_id=person.case_id,
            kind=Reminder.Kind.LINK,
            participant=person,
            key=f"link:p{person.pk}::notice@bench{stamp}",
            due_at=now - timedelta(minutes=1),
            next_attempt_at=now - timedelta(minutes=1),
        )
        for person in customers
    )
    ids = chosen + [notice.pk for notice in notices]
    if len(ids) != DUE_REMINDERS:
        raise RuntimeError(f"Only {len(ids)} reminders could be made due; the database is too small.")
    return ids


def plain_email(reminder: Reminder) -> tuple[str, str, str, str]:
    """The same e-mail as the dispatcher's, rendered from the same templates, without a link row."""
    case, person, user = reminder.case, reminder.participant, reminder.user
    if person is not None:
        name, address, language = person.name, person.email, person.preferred_language
    else:
        name, address, language = user.get_full_name() or user.get_username(), user.email, "en"
    context = {
        "reminder": reminder,
        "case": case,
        "name": name,
        "participant": person,
        "business": case.incident.business,
        "shift": reminder.shift,
        "plan": reminder.plan,
        "checkin": reminder.checkin,
        "personal_time": reminder.personal_time,
        "failed": reminder.failed_reminder,
        "meeting": None,
        "sent_at": timezone.now(),  # the e-mails say "tomorrow at 9:31" as seen from now
        "link_url": "https://cases.example.org/p/plain-loop-token/",
        "link_expires": timezone.now() + timedelta(days=30),
        "case_url": "https://cases.example.org" + case.get_absolute_url(),
    }
    template = f"emails/reminder_{reminder.kind}"
    with translation.override(language):
        subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
        text = render_to_string(f"{template}_body.txt", context)
        html = render_to_string(f"{template}_body.html", context)
    return subject, text, html, address


def measure_dispatch() -> dict:
    """One dispatcher pass over 1,000 due reminders, against a plain loop of ``send_mail`` for the same e-mails."""
    from django.conf import settings
    from django.core.mail import send_mail

    now = timezone.now()
    with transaction.atomic():
        ids = due_reminders(now)
    mail.outbox = []
    before = settings.REMINDER_BATCH_SIZE
    # One pass takes at most REMINDER_BATCH_SIZE (200 in production, a minute apart): here the
    # pass may take all thousand, so that it is the dispatcher's speed that is measured.
    settings.REMINDER_BATCH_SIZE = DUE_REMINDERS
    try:
        started = time.perf_counter()
        result = dispatch.reminders_dispatch()
        dispatch_s = time.perf_counter() - started
    finally:
        settings.REMINDER_BATCH_SIZE = before
    sent = len(mail.outbox)

    # The plain loop: the same reminders, loaded at once, each e-mail rendered and sent.
    mail.outbox = []
    started = time.perf_counter()
    rows = Reminder.objects.filter(pk__in=ids).select_related(
        "case__incident__business", "participant", "user", "shift__case", "plan", "checkin", "personal_time"
    )
    plain = 0
    rendered = []
    for reminder in rows:
        if reminder.participant_id is None and reminder.user_id is None:
            continue
        subject, text, html, address = plain_email(reminder)
        send_mail(subject, text, None, [address], html_message=html)
        rendered.append((subject, text, html, address))
        plain += 1
    plain_s = time.perf_counter() - started

    # For the record: send_mail alone, the e-mails already rendered.
    mail.outbox = []
    started = time.perf_counter()
    for subject, text, html, address in rendered:
        send_mail(subject, text, None, [address], html_message=html)
    send_only_s = time.perf_counter() - started
    mail.outbox = []

    return {
        "reminders": len(ids),
        "outcomes": result.outcomes,
        "emails_sent": sent,
        "dispatch_s": round(dispatch_s, 3),
        "dispatch_per_s": round(result.total / dispatch_s, 1),
        "plain_send_mail_per_s": round(plain / plain_s, 1),
        "send_mail_only_per_s": round(plain / send_only_s, 1),
        "dispatch_vs_plain": round((result.total / dispatch_s) / (plain / plain_s), 2),
    }


# ---------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, required=True)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--token-out", type=Path, help="where to write the portal link's path, for the load run")
    args = parser.parse_args()

    supervisor = User.objects.get(username="supervisor")
    case = long_timeline_case(supervisor)
    token = portal_token(case)
    if args.token_out:
        args.token_out.write_text(portal_path(token))
    _api_token, raw = token_create(user=supervisor, name="bench", scopes=[Scope.READ_CASES], days=30)
    clients = {
        "anonymous": Client(),
        "supervisor": Client(),
        # Another system: no session, a personal token in each request.
        "supervisor_api": Client(headers={"Authorization": f"Bearer {raw}"}),
    }
    clients["supervisor"].force_login(supervisor)

    cases = Case.objects.count()
    if cases < args.cases:
        sys.exit(f"The database holds {cases} cases, fewer than {args.cases}.")
    result = {
        "cases": cases,
        "data": {
            "open_cases": Case.objects.filter(status=Case.Status.OPEN).count(),
            "participants": Participant.objects.count(),
            "timeline_events": CaseEvent.objects.count(),
            "reminders": Reminder.objects.count(),
        },
        "case_detail_events": case.events.count(),
        "pages": measure_pages(pages(case, token), clients, requests=args.requests, warmup=args.warmup),
        "dispatch": measure_dispatch(),
    }
    args.out.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
