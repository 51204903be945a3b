"""Privacy: a supervisor exports everything held about a participant, or erases it; the retention
period (purge_expired) anonymises old cases; the statistics stay."""

import json
from datetime import timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command, load_command_class
from django.db import models
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from cases import links, services
from cases.models import Case, CaseEvent
from cases.timeline import event_record
from casework import services as casework
from casework.models import Attachment, Note
from notifications.models import Reminder
from privacy import services as privacy
from reconciliation import services as steps
from reconciliation.models import RestorativeMeeting, RoleSwapShift
from referrals.models import Referral
from reporting import dashboard, reports
from tests.factories import CaseFactory, ReferralFactory, UserFactory, full_case
from tests.reconciliation.journey import ANSWERS, PLAN

from .history_helpers import admin_form_data, in_request

PDF = b"%PDF-1.4\n%%EOF\n"
CUSTOMER = {
    "name": "Zelda Quixotic-Marsh",
    "email": "zelda.planted@example.org",
    "phone": "+12125550142",
    "old phone": "+12125550166",  # changed in the admin: only the history holds it
    "reflection": "PLANTED-REFLECTION about the till",
    "signoff": "PLANTED-SIGNOFF-COMMENT",
    "shift": "PLANTED-SHIFT-REFLECTION",
    "story": "PLANTED-REFERRAL-STORY",
    "contact": "PLANTED-CONTACT-NOTE",
    "note draft": "PLANTED-NOTE-FIRST-DRAFT",  # corrected: only the history holds it
    "agreed": "PLANTED-AGREED",
    "file": "PLANTED-LETTER.pdf",
}
AGENT = {
    "name": "Jamie Planted-Agent",
    "email": "jamie.planted@example.org",
    "signoff": "PLANTED-AGENT-COMMENT",
    "words": "PLANTED-AGENT-WORDS",
}
BUSINESS = {
    "name": "Robin Planted-Owner",
    "email": "robin.planted@example.org",
    "signoff": "PLANTED-BUSINESS-COMMENT",  # recorded for them by the caseworker
    "decline": "PLANTED-BUSINESS-DECLINE-REASON",
}


@pytest.fixture
def planted(caseworker, supervisor):
    """A case whose customer and agent left personal data in every place the app keeps it, then closed."""
    admin = UserFactory(username="admin", is_staff=True, is_superuser=True)

    def build():
        case = full_case(
            caseworker=caseworker,
            customer__name=CUSTOMER["name"],
            customer__email=CUSTOMER["email"],
            customer__phone=CUSTOMER["old phone"],
        )
        agent = case.participants.get(role="agent")
        agent.name, agent.email = AGENT["name"], AGENT["email"]
        agent.save()
        customer = case.participants.get(role="customer")
        steps.reflection_submit(case=case, answers={**ANSWERS, "regrets": CUSTOMER["reflection"]}, by=customer)
        steps.reflection_review(case=case, note=f"{CUSTOMER['name']} wrote honestly.", by=caseworker)
        plan = steps.plan_create_version(case=case, by=caseworker, **PLAN)
        steps.plan_signoff(plan=plan, participant=customer, decision="agreed", comment=CUSTOMER["signoff"], by=customer)
        steps.plan_signoff(plan=plan, participant=agent, decision="agreed", comment=AGENT["signoff"], by=agent)
        business = case.participants.get(role="business")
        business.name, business.email = BUSINESS["name"], BUSINESS["email"]
        business.save()
        steps.plan_signoff(
            plan=plan, participant=business, decision="changes_requested", comment=BUSINESS["signoff"], by=caseworker
        )
        steps.plan_signoff(plan=plan, participant=business, decision="agreed", by=caseworker)
        declined = RoleSwapShift.objects.create(
            case=case, business=case.incident.business, starts_at=timezone.now() + timedelta(days=2),
            ends_at=timezone.now() + timedelta(days=2, hours=4), role="Cashier", location="Front",
            supervisor_on_site="Dana",
        )
        steps.shift_decline(shift=declined, reason=BUSINESS["decline"], by=business)
        start = timezone.now() - timedelta(days=3)
        shift = RoleSwapShift.objects.create(
            case=case, business=case.incident.business, starts_at=start, ends_at=start + timedelta(hours=4),
            role="Cashier", location="Front", supervisor_on_site="Dana", state=RoleSwapShift.State.ATTENDED,
            minutes_attended=240,
        )
        shift.customer_reflection = CUSTOMER["shift"]
        shift.save()
        RestorativeMeeting.objects.create(case=case, agent_words=AGENT["words"], facilitator="Sam")
        contact = casework.note_add(
            case=case,
            details=casework.NoteDetails(
                kind="phone", happened_at=timezone.now(), text=CUSTOMER["note draft"], participant=customer
            ),
            by=caseworker,
        )
        casework.note_edit(
            note=contact,
            details=casework.NoteDetails(
                kind="phone", happened_at=timezone.now(), text=CUSTOMER["contact"], agreed=CUSTOMER["agreed"],
                participant=customer,
            ),
            by=caseworker,
        )
        casework.note_add(
            case=case,
            details=casework.NoteDetails(
                kind="note", happened_at=timezone.now(), text=f"{CUSTOMER['name']} sounded calmer today."
            ),
            by=caseworker,
        )
        casework.note_add(
            case=case, details=casework.NoteDetails(kind="note", happened_at=timezone.now(), text="KEPT-NOTE"),
            by=caseworker,
        )
        casework.task_create(
            case=case, title=f"Call {CUSTOMER['name']} back", due_on=timezone.localdate(), owner=caseworker,
            by=caseworker,
        )
        casework.attachment_add(
            case=case, upload=SimpleUploadedFile(CUSTOMER["file"], PDF), participant=customer, by=caseworker
        )
        casework.attachment_add(case=case, upload=SimpleUploadedFile("KEPT-FILE.pdf", PDF), by=caseworker)
        links.link_issue(participant=customer, by=caseworker)
        Reminder.objects.create(
            case=case, kind=Reminder.Kind.LINK, participant=customer, key="planted", due_at=start,
            next_attempt_at=start, state=Reminder.State.FAILED, last_error=f"550 {CUSTOMER['email']} unknown",
        )
        ReferralFactory(
            name=CUSTOMER["name"], email=CUSTOMER["email"], story=CUSTOMER["story"], state=Referral.State.ACCEPTED,
            case=case, decided_by=supervisor, decided_at=timezone.now(),
        )
        return case

    case = in_request(build, user=caseworker)
    customer = case.participants.get(role="customer")
    # An admin corrects the phone: the admin's log and the history now hold the old one.
    change = reverse("admin:cases_participant_change", args=[customer.pk])
    admin_client = Client()
    admin_client.force_login(admin)
    data = admin_form_data(admin_client.get(change))
    data["phone"] = CUSTOMER["phone"]
    assert admin_client.post(change, data).status_code == 302
    _link, token = links.link_issue(participant=customer, by=None)
    reason = f"Closed at {CUSTOMER['name']}'s request"
    services.case_change_status(case=case, action="close", reason=reason, by=caseworker)
    case.refresh_from_db()
    case.customer_token = token
    return case


def where_in_database(*needles: str) -> list[str]:
    """Every text column of every table (history tables too) that holds one of ``needles``."""
    found = []
    for model in apps.get_models():
        columns = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.CharField | models.TextField)]
        if not columns:
            continue
        for row in model._base_manager.values_list(*columns):
            for column, value in zip(columns, row, strict=True):
                for needle in needles:
                    if value and needle.lower() in str(value).lower():
                        found.append(f"{model._meta.label}.{column}: {needle}")
    return found


def export(client, case, role) -> tuple:
    participant = case.participants.get(role=role)
    response = client.post(reverse("privacy:participant_export", args=[case.reference, participant.pk]))
    return response, response.content.decode()


def erase(client, case, role):
    participant = case.participants.get(role=role)
    return client.post(reverse("privacy:participant_erase", args=[case.reference, participant.pk]))


# ---------------------------------------------------------------- export


def test_the_customers_export_holds_all_their_planted_data_and_nothing_of_the_agent(supervisor_client, planted):
    response, body = export(supervisor_client, planted, "customer")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    data = json.loads(body)
    assert [value for value in CUSTOMER.values() if value not in body] == []
    assert [value for value in AGENT.values() if value in body] == []
    assert data["participant"]["phone"] == CUSTOMER["phone"]
    assert {row["phone"] for row in data["history"]} == {CUSTOMER["phone"], CUSTOMER["old phone"]}
    assert data["reflection"]["regrets"] == CUSTOMER["reflection"]
    assert {row["text"] for row in data["notes"]} == {CUSTOMER["contact"], f"{CUSTOMER['name']} sounded calmer today."}


def test_the_agents_export_holds_their_data_and_nothing_of_the_customer(supervisor_client, planted):
    _response, body = export(supervisor_client, planted, "agent")

    assert [value for value in AGENT.values() if value not in body] == []
    assert [value for value in CUSTOMER.values() if value in body] == []


def test_an_export_holds_no_link_hash_and_is_on_the_timeline(supervisor_client, planted):
    hashes = list(planted.participants.get(role="customer").access_links.values_list("token_hash", flat=True))

    _response, body = export(supervisor_client, planted, "customer")

    assert hashes
    assert not [h for h in hashes if h in body]
    assert planted.events.filter(kind=CaseEvent.Kind.NOTE, message__contains="exported").exists()


def test_only_supervisors_export_and_only_with_a_post(client, planted, caseworker, outsider_caseworker, supervisor):
    customer = planted.participants.get(role="customer")
    url = reverse("privacy:participant_export", args=[planted.reference, customer.pk])
    for user in (caseworker, outsider_caseworker):
        client.force_login(user)
        assert client.post(url).status_code == 404
    client.force_login(supervisor)
    assert client.get(url).status_code == 405


# ---------------------------------------------------------------- erase


def test_erasing_the_customer_leaves_none_of_their_planted_data_anywhere_in_the_database(supervisor_client, planted):
    before = where_in_database(*CUSTOMER.values())
    assert {found.split(": ", 1)[1] for found in before} == set(CUSTOMER.values())  # the check finds each one
    assert any(found.startswith("cases.HistoricalParticipant.phone") for found in before)

    response = erase(supervisor_client, planted, "customer")

    assert response.status_code == 302
    assert where_in_database(*CUSTOMER.values()) == []
    customer = planted.participants.get(role="customer")
    assert customer.name == f"Erased participant {customer.pk}"
    assert (customer.email, customer.phone) == ("", "")
    assert customer.erased_at is not None
    assert list(planted.attachments.values_list("name", flat=True)) == ["KEPT-FILE.pdf"]
    assert set(Note.objects.filter(case=planted).values_list("text", flat=True)) == {
        privacy.NOTE_ERASED,
        "KEPT-NOTE",  # about nobody in particular
    }


def test_erasing_the_customer_keeps_the_other_participants_and_the_cases_record(supervisor_client, planted):
    steps_before = (planted.step, planted.status, planted.opened_at, planted.closed_at)

    erase(supervisor_client, planted, "customer")

    planted.refresh_from_db()
    assert (planted.step, planted.status, planted.opened_at, planted.closed_at) == steps_before
    assert sorted(where_in_database(AGENT["name"])) != []
    assert planted.shifts.get(state=RoleSwapShift.State.ATTENDED).minutes_attended == 240
    event = planted.events.first()
    assert event.message.startswith("Personal data of Erased participant")
    assert CUSTOMER["name"] not in event.message


def test_erasing_the_agent_takes_their_words_and_name_and_leaves_the_customer(supervisor_client, planted):
    erase(supervisor_client, planted, "agent")

    assert where_in_database(*AGENT.values()) == []
    assert where_in_database(CUSTOMER["reflection"], CUSTOMER["name"])


def test_erasing_the_business_takes_what_it_said_also_where_the_caseworker_recorded_it(supervisor_client, planted):
    # A timeline line written by an earlier version, which copied the comment into the message.
    event_record(case=planted, kind=CaseEvent.Kind.SIGNOFF, message=f"Changes asked: “{BUSINESS['signoff']}”")
    assert {found.split(": ", 1)[1] for found in where_in_database(*BUSINESS.values())} == set(BUSINESS.values())

    erase(supervisor_client, planted, "business")

    assert where_in_database(*BUSINESS.values()) == []
    assert where_in_database(CUSTOMER["name"], AGENT["name"])


def test_the_timeline_points_at_what_was_written_and_never_copies_it(supervisor_client, planted):
    messages = " ".join(planted.events.values_list("message", flat=True))

    assert BUSINESS["signoff"] not in messages
    assert BUSINESS["decline"] not in messages
    assert CUSTOMER["signoff"] not in messages
    page = supervisor_client.get(planted.get_absolute_url()).content.decode()
    assert BUSINESS["decline"] in page  # the shift shows its reason


def test_an_erased_participants_link_no_longer_works_and_their_reminders_stop(supervisor_client, client, planted):
    home = reverse("portal:home", kwargs={"token": planted.customer_token})
    name = planted.participants.get(role="customer").name

    erase(supervisor_client, planted, "customer")

    page = Client().get(home)
    assert page.status_code == 410  # the kind "program has ended" page, with nothing of the case
    customer = planted.participants.get(role="customer")
    assert name not in page.content.decode()
    assert not customer.access_links.filter(revoked_at__isnull=True).exists()
    assert not Reminder.objects.filter(participant=customer, state=Reminder.State.SCHEDULED).exists()


def test_the_reports_and_the_research_export_count_an_erased_case_as_before(supervisor_client, supervisor, planted):
    today = timezone.localdate()
    period = reports.Period.default(today)
    scope = dashboard.scope_for(supervisor)
    research = reverse("reporting:export_research") + f"?start={period.start}&end={period.end}"
    report_before = reports.report(scope, period, today=today)
    research_before = b"".join(supervisor_client.get(research).streaming_content)

    erase(supervisor_client, planted, "customer")

    assert reports.report(scope, period, today=today) == report_before
    assert b"".join(supervisor_client.get(research).streaming_content) == research_before
    assert report_before.completion  # the case is there to count


def test_erasing_twice_is_harmless(supervisor_client, planted):
    erase(supervisor_client, planted, "customer")
    events = planted.events.count()

    response = erase(supervisor_client, planted, "customer")

    assert response.status_code == 302
    assert planted.events.count() == events


def test_only_a_supervisor_erases(client, planted, caseworker):
    customer = planted.participants.get(role="customer")
    client.force_login(caseworker)

    assert erase(client, planted, "customer").status_code == 404
    with pytest.raises(services.WorkflowError, match="Only a supervisor"):
        privacy.participant_erase(participant=customer, by=caseworker)
    customer.refresh_from_db()
    assert customer.name == CUSTOMER["name"]


def test_a_participant_of_an_open_case_cannot_be_erased(supervisor_client, supervisor, caseworker):
    case = full_case(caseworker=caseworker, customer__name=CUSTOMER["name"])
    customer = case.participants.get(role="customer")

    page = supervisor_client.get(reverse("privacy:participant_erase", args=[case.reference, customer.pk]))
    response = supervisor_client.post(
        reverse("privacy:participant_erase", args=[case.reference, customer.pk]), follow=True
    )

    assert "withdraw or close it first" in page.content.decode()
    assert "withdraw or close it first" in response.content.decode()
    customer.refresh_from_db()
    assert customer.name == CUSTOMER["name"]


def test_the_case_page_offers_supervisors_export_and_erase(client, planted, supervisor, caseworker):
    customer = planted.participants.get(role="customer")
    erase_url = reverse("privacy:participant_erase", args=[planted.reference, customer.pk])

    client.force_login(supervisor)
    page = client.get(planted.get_absolute_url()).content.decode()
    assert erase_url in page
    assert reverse("privacy:participant_export", args=[planted.reference, customer.pk]) in page
    client.force_login(caseworker)
    assert erase_url not in client.get(planted.get_absolute_url()).content.decode()


# ---------------------------------------------------------------- retention


@pytest.fixture
def ages(caseworker, settings):
    """Cases of every age and status, each customer named after it."""
    settings.RETENTION_DAYS = 365
    now = timezone.now()
    old, recent = now - timedelta(days=400), now - timedelta(days=100)
    made = {
        "closed long ago": dict(status=Case.Status.CLOSED, closed_at=old, opened_at=old, last_activity_at=now),
        "withdrawn long ago": dict(status=Case.Status.WITHDRAWN, opened_at=old, last_activity_at=old),
        "closed recently": dict(status=Case.Status.CLOSED, closed_at=recent, opened_at=old, last_activity_at=recent),
        "withdrawn recently": dict(status=Case.Status.WITHDRAWN, opened_at=old, last_activity_at=recent),
        "open for long": dict(status=Case.Status.OPEN, opened_at=old, last_activity_at=old),
        "completed long ago": dict(status=Case.Status.COMPLETED, completed_at=old, opened_at=old, last_activity_at=old),
    }
    return {
        label: CaseFactory(caseworker=caseworker, customer__name=f"Customer {label}", **fields)
        for label, fields in made.items()
    }


def purge(*args: str) -> str:
    out = StringIO()
    call_command("purge_expired", *args, stdout=out)
    return out.getvalue()


def customers_named(ages) -> dict[str, str]:
    return {label: case.participants.get().name for label, case in ages.items()}


def test_purge_expired_anonymises_only_the_cases_past_the_retention_period(ages):
    output = purge()

    names = customers_named(ages)
    assert names["closed long ago"].startswith("Erased participant")
    assert names["withdrawn long ago"].startswith("Erased participant")
    for label in ("closed recently", "withdrawn recently", "open for long", "completed long ago"):
        assert names[label] == f"Customer {label}"
    assert "2 case(s), 2 participant(s) anonymised" in output
    assert "Customer" not in output


def test_purge_expired_dry_run_changes_nothing(ages):
    output = purge("--dry-run")

    assert "2 case(s), 2 participant(s) would be anonymised" in output
    assert all(name == f"Customer {label}" for label, name in customers_named(ages).items())


def test_purge_expired_twice_does_nothing_more(ages):
    purge()
    events = CaseEvent.objects.count()

    output = purge()

    assert "0 case(s), 0 participant(s) anonymised" in output
    assert CaseEvent.objects.count() == events


def test_purge_expired_has_help():
    parser = load_command_class("privacy", "purge_expired").create_parser("manage.py", "purge_expired")

    text = parser.format_help()

    assert "RETENTION_DAYS" in text
    assert "--dry-run" in text


def test_purge_expired_deletes_the_files_kept_on_the_cases_past_the_retention_period(ages, caseworker):
    files = {
        label: casework.attachment_add(
            case=case, upload=SimpleUploadedFile(f"{label}.pdf", PDF), by=caseworker
        )
        for label, case in ages.items()
    }
    paths = {label: Path(attachment.file.path) for label, attachment in files.items()}
    for case in ages.values():  # adding a file was activity: the ages are as they were
        Case.objects.filter(pk=case.pk).update(last_activity_at=case.last_activity_at)

    with TestCase.captureOnCommitCallbacks(execute=True):
        purge()

    kept = set(Attachment.objects.values_list("name", flat=True))
    still = ("closed recently", "withdrawn recently", "open for long", "completed long ago")
    assert kept == {f"{label}.pdf" for label in still}
    assert not paths["closed long ago"].exists()
    assert not paths["withdrawn long ago"].exists()
    assert paths["closed recently"].exists()
