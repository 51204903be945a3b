"""The audit history: every change to a case's rows and to staff access, with who, when and what;
supervisors read it; nobody edits it."""

from datetime import timedelta

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases import links
from cases.models import AccessLink, Case, Participant
from cases.roles import SUPERVISOR_GROUP
from privacy import audit
from reconciliation import services
from reconciliation.models import Commitment, PlanSignoff, ReconciliationPlan, RestorativeMeeting, RoleSwapShift
from tests.factories import CaseFactory, UserFactory, full_case

from .history_helpers import admin_form_data, case_with_every_audited_row, in_request

AUDITED = [
    Case, Participant, AccessLink, ReconciliationPlan, PlanSignoff, RoleSwapShift, RestorativeMeeting, Commitment
]


@pytest.fixture
def world(caseworker, supervisor):
    return case_with_every_audited_row(caseworker, supervisor)


def rows_of(model, case):
    """The history rows of ``model`` that belong to ``case``, oldest first."""
    return audit.case_history_sources(case)[_source(model)].order_by("history_id")


def _source(model) -> str:
    return {
        Case: "case",
        Participant: "participant",
        AccessLink: "link",
        ReconciliationPlan: "plan",
        PlanSignoff: "signoff",
        RoleSwapShift: "shift",
        RestorativeMeeting: "meeting",
        Commitment: "commitment",
    }[model]


# ---------------------------------------------------------------- who, when, what


@pytest.mark.parametrize("model", AUDITED, ids=lambda model: model.__name__)
def test_each_audited_model_records_who_made_each_row_and_when(world, caseworker, model):
    started = timezone.now() - timedelta(minutes=5)

    rows = list(rows_of(model, world))

    assert rows, f"no history of {model.__name__}"
    assert rows[0].history_type == "+"
    assert {row.history_user_id for row in rows} - {None} <= {caseworker.pk, world_supervisor_id(world)}
    assert all(row.history_date >= started for row in rows)


def world_supervisor_id(case):
    return case.step_skips.first().skipped_by_id


def test_a_status_change_on_the_case_page_records_the_caseworker_and_what_changed(caseworker_client, case, caseworker):
    caseworker_client.post(reverse("cases:status", args=[case.reference]), {"action": "pause"})

    latest = Case.history.filter(id=case.pk).latest("history_id")
    assert latest.history_user == caseworker
    changes = audit.changes_between(latest, latest.prev_record, users={})
    assert audit.Change(field="status", old="Open", new="Paused") in changes


def test_a_consent_recorded_on_the_case_page_records_the_caseworker(caseworker_client, caseworker):
    case = full_case(caseworker=caseworker)
    business = case.participants.get(role="business")

    caseworker_client.post(
        reverse("reconciliation:act", args=[case.reference, "consent"]),
        {"participant": business.pk, "consent": "declined"},
    )

    latest = Participant.history.filter(id=business.pk).latest("history_id")
    assert latest.history_user == caseworker
    assert latest.consent == "declined"


def test_a_link_renewed_on_the_case_page_records_the_revocation_and_the_new_link(caseworker_client, case, caseworker):
    customer = case.participants.get(role="customer")
    old, _token = links.link_issue(participant=customer, by=None)

    caseworker_client.post(reverse("cases:participant_link", args=[case.reference, customer.pk, "issue"]))

    revoked = AccessLink.history.filter(id=old.pk).latest("history_id")
    assert revoked.revoked_at is not None
    assert revoked.history_user == caseworker
    new = AccessLink.history.exclude(id=old.pk).get(participant_id=customer.pk)
    assert new.history_type == "+"
    assert new.history_user == caseworker


def test_the_history_of_a_personal_link_never_holds_its_hash():
    fields = {field.name for field in AccessLink.history.model._meta.fields}

    assert "token_hash" not in fields


def test_a_sign_off_through_the_portal_records_the_participant_as_who(client, caseworker):
    case = full_case(caseworker=caseworker)
    from tests.reconciliation.journey import PLAN, walk_to_plan

    walk_to_plan(case, caseworker)
    plan = services.plan_create_version(case=case, by=caseworker, **PLAN)
    customer = case.participants.get(role="customer")
    _link, token = links.link_issue(participant=customer, by=None)

    signed = {"plan": plan.pk, "decision": "agreed", "signature": customer.name}  # the typed signature
    client.post(reverse("portal:plan", kwargs={"token": token}), signed)

    row = PlanSignoff.history.get(participant_id=customer.pk)
    assert row.history_user is None
    assert row.history_participant == customer
    entry = next(e for e in audit.case_history_page(case, page=1)[1] if e.what.startswith("Sign-off"))
    assert entry.via_link
    assert entry.who == f"{customer.name} (customer)"


def test_the_system_is_who_when_no_one_is_logged_in(case):
    Participant.objects.filter(pk=case.participants.get().pk).first().save()

    entry = audit.case_history_page(case, page=1)[1][0]
    assert entry.who == "System"


# ---------------------------------------------------------------- admin edits

ADMIN_EDITS = [
    (Case, "risk", "high", "risk", "High"),
    (Participant, "phone", "+12125550177", "phone", "+12125550177"),
    (ReconciliationPlan, "goals_empathy", "Listen first", "goals for empathy", "Listen first"),
    (RoleSwapShift, "location", "Back office", "location", "Back office"),
    (RestorativeMeeting, "facilitator", "Robin", "facilitator", "Robin"),
    (Commitment, "off_limits", "No shouting", "behaviour that is off limits", "No shouting"),
]


@pytest.fixture
def admin_user(db):
    return UserFactory(username="admin", is_staff=True, is_superuser=True)


def _row(model, case):
    if model is Case:
        return case
    if model is Participant:
        return case.participants.get(role="customer")
    if model is ReconciliationPlan:
        return case.plans.get()
    if model is RoleSwapShift:
        return case.shifts.get()
    if model is RestorativeMeeting:
        return case.meeting
    return case.commitment


@pytest.mark.parametrize(("model", "name", "value", "label", "shown"), ADMIN_EDITS, ids=lambda v: str(v))
def test_an_admin_edit_is_recorded_with_the_admin_as_who(client, world, admin_user, model, name, value, label, shown):
    row = _row(model, world)
    change = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_change", args=[row.pk])
    client.force_login(admin_user)
    data = admin_form_data(client.get(change))
    data[name] = value

    response = client.post(change, data)

    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    latest = model.history.filter(id=row.pk).latest("history_id")
    assert latest.history_user == admin_user
    entries = audit.case_history_page(world, page=1)[1]
    assert entries[0].who == admin_user.get_full_name()
    assert any(c.field == label and c.new == shown for c in entries[0].changes), entries[0].changes


# ---------------------------------------------------------------- read-only


def test_no_history_table_can_be_edited_in_the_admin():
    history_models = [model.history.model for model in AUDITED]

    assert not [model for model in history_models if admin.site.is_registered(model)]


def test_the_admin_shows_a_rows_history_but_never_reverts_to_an_old_version(client, case, admin_user):
    customer = case.participants.get(role="customer")
    first = Participant.history.filter(id=customer.pk).earliest("history_id")
    Participant.objects.filter(pk=customer.pk).update(name="Changed Later")
    client.force_login(admin_user)

    listing = client.get(reverse("admin:cases_participant_history", args=[customer.pk]))
    revert_url = reverse("admin:cases_participant_simple_history", args=[customer.pk, first.history_id])
    revert = client.post(revert_url, {"name": first.name, "role": "customer"})

    assert listing.status_code == 200
    assert client.get(revert_url).status_code == 403
    assert revert.status_code == 403
    customer.refresh_from_db()
    assert customer.name == "Changed Later"


# ---------------------------------------------------------------- the audit page


def test_a_supervisor_reads_the_case_audit_page_newest_first(supervisor_client, world):
    response = supervisor_client.get(reverse("privacy:audit", args=[world.reference]))

    assert response.status_code == 200
    entries = response.context["entries"]
    assert [e.when for e in entries] == sorted((e.when for e in entries), reverse=True)
    page = response.content.decode()
    for what in ("Case ", "Participant ", "Personal link of", "Plan version 1", "Sign-off of plan version 1",
                 "Role-swap shift of", "Restorative meeting", "Commitments"):
        assert what in page


def test_the_case_page_links_supervisors_to_the_audit_page(client, supervisor, caseworker, case):
    audit_url = reverse("privacy:audit", args=[case.reference])

    client.force_login(supervisor)
    assert audit_url in client.get(case.get_absolute_url()).content.decode()
    client.force_login(caseworker)
    assert audit_url not in client.get(case.get_absolute_url()).content.decode()


def test_caseworkers_get_a_404_for_the_audit_pages_even_of_their_own_case(caseworker_client, case):
    assert caseworker_client.get(reverse("privacy:audit", args=[case.reference])).status_code == 404
    assert caseworker_client.get(reverse("privacy:staff_audit")).status_code == 404


def test_the_audit_page_runs_the_same_queries_for_a_short_and_a_long_history(supervisor_client, caseworker):
    short, long = CaseFactory(caseworker=caseworker), CaseFactory(caseworker=caseworker)
    for case, changes in ((short, 1), (long, 60)):
        for number in range(changes):
            case.status_reason = f"note {number}"
            case.save()
            case.participants.get().save()

    def count(case):
        with CaptureQueriesContext(connection) as queries:
            assert supervisor_client.get(reverse("privacy:audit", args=[case.reference])).status_code == 200
        return len(queries)

    assert count(long) == count(short)
    page = supervisor_client.get(reverse("privacy:audit", args=[long.reference]), {"page": 2})
    assert page.context["page"].number == 2
    assert len(page.context["entries"]) == audit.PAGE_SIZE


# ---------------------------------------------------------------- staff access


def test_a_role_given_in_the_admin_is_in_the_staff_history_with_who_gave_it(client, admin_user, caseworker):
    change = reverse("admin:auth_user_change", args=[caseworker.pk])
    client.force_login(admin_user)
    data = admin_form_data(client.get(change))
    data["groups"] = [str(pk) for pk in data.get("groups", [])] + [str(Group.objects.get(name=SUPERVISOR_GROUP).pk)]

    assert client.post(change, data).status_code == 302

    rows = audit.staff_history_model().objects.filter(id=caseworker.pk, history_user=admin_user)
    assert rows.exists()
    client.force_login(UserFactory(username="boss", is_superuser=True))
    page = client.get(reverse("privacy:staff_audit"))
    entries = page.context["entries"]
    by_admin = [e for e in entries if e.what == "Staff account casey" and e.who == admin_user.get_full_name()]
    groups = [c for e in by_admin for c in e.changes if c.field == "groups"]
    assert groups == [audit.Change(field="groups", old="caseworker", new="caseworker, supervisor")]


def test_flags_changes_are_recorded_and_logins_and_passwords_are_not(client, caseworker):
    history = audit.staff_history_model()
    before = history.objects.filter(id=caseworker.pk).count()

    client.post(reverse("login"), {"username": "casey", "password": "a-good-long-password"})
    in_request(lambda: setattr(caseworker, "is_active", False) or caseworker.save(), user=caseworker)

    rows = history.objects.filter(id=caseworker.pk).order_by("history_id")
    assert rows.count() == before + 1  # the deactivation, not the login
    assert rows.last().is_active is False
    assert "password" not in {field.name for field in history._meta.fields}
    assert "last_login" not in {field.name for field in history._meta.fields}


def test_a_supervisor_reads_the_staff_history_and_it_runs_the_same_queries_at_any_length(supervisor_client, db):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert supervisor_client.get(reverse("privacy:staff_audit")).status_code == 200
        return len(queries)

    few = count()
    for number in range(30):
        UserFactory(username=f"staff{number}").groups.add(Group.objects.get_or_create(name="caseworker")[0])

    assert count() == few
