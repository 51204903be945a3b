"""The access matrix: every URL of the project, for every persona, answers what it should.

The personas are an anonymous visitor, a caseworker who does not hold the case, the caseworker
who does, a supervisor, a personal link of another case, and a personal link of another
participant of the same case. A URL added to the project without a row here fails
``test_every_url_of_the_project_is_in_the_matrix``.

Staff pages never answer 403: a page about a case someone may not see is a 404, so that
nobody learns whether a case exists. Personal links are no login: for staff pages they are
anonymous visitors.
"""

import json
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.utils import timezone

from api import services as api_services
from api.models import Scope, WebhookEvent, WebhookSubscription
from cases import links
from cases.models import Case
from casework import services as casework_services
from casework.models import Attachment
from notifications.models import Reminder
from questionnaires import services as questionnaire_services
from reconciliation import services
from reconciliation.models import RoleSwapShift
from referrals.models import Referral
from tests.factories import CaseworkerFactory, ReferralFactory, SupervisorFactory, full_case
from tests.reconciliation.journey import walk_to_role_swap

ANON, OTHER, HOLDER, SUPERVISOR, OTHER_CASE_LINK, OTHER_PARTICIPANT_LINK = PERSONAS = (
    "anonymous",
    "another caseworker",
    "the assigned caseworker",
    "supervisor",
    "a link of another case",
    "a link of another participant of the case",
)
LOGIN = 302  # a redirect to the login page
STAFF = {ANON: LOGIN, OTHER_CASE_LINK: LOGIN, OTHER_PARTICIPANT_LINK: LOGIN}


def staff_page(other: int, holder: int, supervisor: int) -> dict:
    return {**STAFF, OTHER: other, HOLDER: holder, SUPERVISOR: supervisor}


def everyone(status: int) -> dict:
    return dict.fromkeys(PERSONAS, status)


@dataclass
class Row:
    expected: dict[str, int]
    method: str = "get"
    kwargs: dict = field(default_factory=dict)  # values are names of World attributes, or literals
    data: dict = field(default_factory=dict)
    role: str | None = None  # portal pages: the role whose own link the page is for
    api: bool = False  # the API: staff call with a personal token of theirs, the others with none


def api_call(other: int, holder: int, supervisor: int, **kwargs) -> Row:
    """An API address: 401 without a token (links are no token either), else as a staff page."""
    anonymous = {ANON: 401, OTHER_CASE_LINK: 401, OTHER_PARTICIPANT_LINK: 401}
    return Row({**anonymous, OTHER: other, HOLDER: holder, SUPERVISOR: supervisor}, api=True, **kwargs)


# The portal: `role` is the participant the page is for; "another participant" is one it is not for.
def portal(role: str, *, other_participant: int = 404, **kwargs) -> Row:
    expected = {
        ANON: 404,
        OTHER: 404,
        HOLDER: 404,
        SUPERVISOR: 404,
        OTHER_CASE_LINK: 200,  # that link's own case: checked below to show nothing of this one
        OTHER_PARTICIPANT_LINK: other_participant,
    }
    return Row(expected, kwargs=kwargs, role=role)


MATRIX: dict[str, Row] = {
    # Staff pages
    "home": Row(everyone(LOGIN) | {OTHER: 302, HOLDER: 302, SUPERVISOR: 302}),
    "reporting:dashboard": Row(staff_page(200, 200, 200)),
    "cases:list": Row(staff_page(200, 200, 200)),
    "cases:intake": Row(staff_page(200, 200, 200)),
    "reporting:export_csv": Row(staff_page(200, 200, 200)),
    "reporting:reports": Row(staff_page(404, 404, 200)),
    "reporting:export_research": Row(staff_page(404, 404, 200)),
    "reporting:export_research_answers": Row(staff_page(404, 404, 200)),
    "reporting:calendar_feed_reset": Row(staff_page(200, 200, 200), method="post"),  # shows the new address once
    "reporting:calendar_feed_stop": Row(staff_page(302, 302, 302), method="post"),
    "reporting:calendar_feed": Row(everyone(404), kwargs={"token": "not-a-feed"}),
    "cases:detail": Row(staff_page(404, 200, 200), kwargs={"reference": "reference"}),
    "cases:timeline": Row(staff_page(404, 200, 200), kwargs={"reference": "reference"}),
    "cases:status": Row(staff_page(404, 400, 400), method="post", kwargs={"reference": "reference"}),
    "cases:reassign": Row(staff_page(404, 404, 302), method="post", kwargs={"reference": "reference"}),
    "cases:participant_contact": Row(
        staff_page(404, 200, 200), kwargs={"reference": "reference", "participant_id": "customer_id"}
    ),
    "cases:participant_link": Row(
        staff_page(404, 200, 200),  # the new link is shown once, in the answer
        method="post",
        kwargs={"reference": "reference", "participant_id": "customer_id", "action": "issue"},
    ),
    # Audit and privacy: supervisors only
    "privacy:audit": Row(staff_page(404, 404, 200), kwargs={"reference": "reference"}),
    "privacy:staff_audit": Row(staff_page(404, 404, 200)),
    "privacy:participant_export": Row(
        staff_page(404, 404, 200), method="post", kwargs={"reference": "reference", "participant_id": "customer_id"}
    ),
    # The confirmation page; erasing itself (a POST) is tried in tests/privacy/test_privacy.py.
    "privacy:participant_erase": Row(
        staff_page(404, 404, 200), kwargs={"reference": "reference", "participant_id": "customer_id"}
    ),
    "reconciliation:act": Row(
        staff_page(404, 400, 400), method="post", kwargs={"reference": "reference", "action": "consent"}
    ),
    "notifications:reminder": Row(
        staff_page(404, 302, 302),
        method="post",
        kwargs={"reference": "reference", "pk": "reminder_id", "action": "cancel"},
    ),
    "notifications:link_email": Row(
        staff_page(404, 302, 302), method="post", kwargs={"reference": "reference", "participant_id": "customer_id"}
    ),
    # The caseworker's record: notes and contacts
    "casework:notes": Row(staff_page(404, 200, 200), kwargs={"reference": "reference"}),
    "casework:note_add": Row(staff_page(404, 400, 400), method="post", kwargs={"reference": "reference"}),
    "casework:note_edit": Row(staff_page(404, 200, 200), kwargs={"reference": "reference", "pk": "note_id"}),
    "casework:files": Row(staff_page(404, 200, 200), kwargs={"reference": "reference"}),
    "casework:attachment": Row(staff_page(404, 200, 200), kwargs={"reference": "reference", "pk": "attachment_id"}),
    "casework:attachment_add": Row(staff_page(404, 400, 400), method="post", kwargs={"reference": "reference"}),
    # Added by the supervisor: the holder is refused (a message, back to the case), the supervisor removes it.
    "casework:attachment_delete": Row(
        staff_page(404, 302, 302), method="post", kwargs={"reference": "reference", "pk": "attachment_id"}
    ),
    # The plan as agreed (the world's case has one); the completion letter waits for a completed case.
    "casework:document": Row(staff_page(404, 200, 200), kwargs={"reference": "reference", "kind": "plan"}),
    "casework:task_add": Row(staff_page(404, 400, 400), method="post", kwargs={"reference": "reference"}),
    # The holder ticks it done first; the supervisor then finds it done already (a message, the same page).
    "casework:task_done": Row(
        staff_page(404, 302, 302), method="post", kwargs={"reference": "reference", "pk": "task_id"}
    ),
    # Referrals: the public form, and triage for supervisors
    "referrals:refer": Row(everyone(200)),
    "referrals:thanks": Row(everyone(200)),
    "referrals:triage": Row(staff_page(404, 404, 200)),
    "referrals:detail": Row(staff_page(404, 404, 200), kwargs={"pk": "referral_id"}),
    "referrals:accept": Row(staff_page(404, 404, 200), kwargs={"pk": "referral_id"}),
    "referrals:duplicate": Row(staff_page(404, 404, 400), method="post", kwargs={"pk": "referral_id"}),
    "referrals:decline": Row(staff_page(404, 404, 400), method="post", kwargs={"pk": "referral_id"}),
    # Questionnaires: supervisors define them
    "questionnaires:list": Row(staff_page(404, 404, 200)),
    "questionnaires:new": Row(staff_page(404, 404, 200)),
    "questionnaires:detail": Row(staff_page(404, 404, 200), kwargs={"pk": "questionnaire_id"}),
    "questionnaires:question_add": Row(staff_page(404, 404, 400), method="post", kwargs={"pk": "questionnaire_id"}),
    "questionnaires:publish": Row(staff_page(404, 404, 302), method="post", kwargs={"pk": "questionnaire_id"}),
    "questionnaires:question_edit": Row(staff_page(404, 404, 200), kwargs={"pk": "question_id"}),
    "questionnaires:question_act": Row(
        staff_page(404, 404, 302), method="post", kwargs={"pk": "question_id", "action": "up"}
    ),
    # The portal
    "portal:home": portal("customer", other_participant=200),
    "portal:reflection": portal("customer"),
    "portal:plan": portal("customer", other_participant=200),  # every signer reads the plan
    "portal:shifts": portal("business", other_participant=404),
    "portal:shift_ics": Row(
        {ANON: 404, OTHER: 404, HOLDER: 404, SUPERVISOR: 404, OTHER_CASE_LINK: 404, OTHER_PARTICIPANT_LINK: 404},
        kwargs={"shift_id": "shift_id"},
        role="business",
    ),
    "portal:consent": portal("agent"),
    "portal:personal_time": portal("agent"),
    "portal:personal_time_ics": Row(
        {ANON: 404, OTHER: 404, HOLDER: 404, SUPERVISOR: 404, OTHER_CASE_LINK: 404, OTHER_PARTICIPANT_LINK: 404},
        kwargs={"time_id": "999999"},  # nobody's: a link opens only its own (tests/portal/test_personal_time.py)
        role="agent",
    ),
    "portal:meeting": portal("customer", other_participant=404),
    "portal:commitments": portal("customer"),
    "portal:checkin": portal("customer"),
    # The customer's documents come once the case is complete: the world's cases are not yet.
    "portal:document": Row(everyone(404), kwargs={"kind": "plan"}, role="customer"),
    "portal:questions": portal("customer", other_participant=200),  # each person's own questions
    "portal:research": portal("customer", other_participant=200),  # each person's own yes or no
    "portal:messages": portal("customer", other_participant=200),  # everyone chooses their own
    "portal:stop": portal("agent"),
    "portal:talk": portal("agent"),
    # Accounts
    "login": Row(everyone(200) | {OTHER: 200, HOLDER: 200, SUPERVISOR: 200}),
    "logout": Row(everyone(302), method="post"),
    "password_change": Row(staff_page(200, 200, 200)),
    "password_change_done": Row(staff_page(200, 200, 200)),
    "password_reset": Row(everyone(200)),
    "password_reset_done": Row(everyone(200)),
    "password_reset_confirm": Row(everyone(200), kwargs={"uidb64": "MQ", "token": "set-password"}),
    "password_reset_complete": Row(everyone(200)),
    "accounts:security": Row(staff_page(200, 200, 200)),
    "accounts:two_factor_setup": Row(staff_page(200, 200, 200)),
    "accounts:two_factor_verify": Row(staff_page(302, 302, 302)),  # nothing to verify without an app set up
    "accounts:two_factor_disable": Row(staff_page(302, 302, 302), method="post"),
    "accounts:two_factor_policy": Row(staff_page(404, 404, 302), method="post"),
    # The API (a personal token) and its staff pages (a login)
    "api:cases": api_call(200, 200, 200),  # another caseworker's list: checked below not to show the case
    "api:case": api_call(404, 200, 200, kwargs={"reference": "reference"}),
    "api:case_timeline": api_call(404, 200, 200, kwargs={"reference": "reference"}),
    "api:referrals": api_call(404, 404, 200),
    "api:referral": api_call(404, 404, 200, kwargs={"pk": "referral_id"}),
    "api:referral_decline": api_call(404, 404, 400, method="post", kwargs={"pk": "referral_id"}),
    "api:referral_duplicate": api_call(404, 404, 400, method="post", kwargs={"pk": "referral_id"}),
    "api:reports": api_call(404, 404, 200),
    "api:schema": Row(staff_page(200, 200, 200)),
    "api:docs": Row(staff_page(200, 200, 200)),
    "api:tokens": Row(staff_page(200, 200, 200)),
    "api:token_revoke": Row(staff_page(404, 302, 302), method="post", kwargs={"pk": "token_id"}),
    "api:webhooks": Row(staff_page(404, 404, 200)),
    "api:webhook_deliveries": Row(staff_page(404, 404, 200), kwargs={"pk": "webhook_id"}),
    "api:webhook_active": Row(staff_page(404, 404, 302), method="post", kwargs={"pk": "webhook_id"}),
    "set_language": Row(everyone(302), method="post", data={"language": "es", "next": "/refer/"}),
    # The SMS gateway's posts: its signature is the key; nobody else gets past it.
    "sms:status": Row(everyone(403), method="post"),
    "sms:inbound": Row(everyone(403), method="post"),
    "healthz": Row(everyone(200)),
}

# Whose link is "another participant" for a page meant for the customer, the business, the agent.
OTHER_PARTICIPANT_ROLE = {"customer": "business", "business": "agent", "agent": "customer"}


def _named_patterns(patterns=None, namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            yield from _named_patterns(
                pattern.url_patterns, namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            )
        elif pattern.name:
            yield namespace + pattern.name


def test_every_url_of_the_project_is_in_the_matrix():
    # The admin's own pages are guarded by the admin (staff accounts only); one is checked below.
    ours = {name for name in _named_patterns() if not name.startswith("admin:")}

    assert ours == set(MATRIX), "Add the new URL to MATRIX in tests/compassion/test_access_matrix.py"


class World:
    """The case every URL is about, at step 5 with a plan, a shift, a scheduled meeting and
    commitments, so that each page has something to show; its people; and another case in
    the same state, held by another caseworker."""

    def __init__(self):
        self.holder = CaseworkerFactory(username="casey")
        self.other = CaseworkerFactory(username="outsider")
        self.supervisor = SupervisorFactory(username="sam")
        self.case = self._case_at_step_five(self.holder)
        self.other_case = self._case_at_step_five(self.other)
        self.reference = self.case.reference
        self.customer_id = self.case.participants.get(role="customer").pk
        self.shift_id = self.case.shifts.get().pk
        self.reminder_id = Reminder.objects.filter(case=self.case, state="scheduled").values_list("pk", flat=True)[0]
        self.referral_id = ReferralFactory(state=Referral.State.NEW).pk
        self.note_id = casework_services.note_add(
            case=self.case,
            details=casework_services.NoteDetails(kind="phone", happened_at=timezone.now(), text="Called them."),
            by=self.holder,
        ).pk
        self.attachment_id = casework_services.attachment_add(
            case=self.case,
            upload=SimpleUploadedFile("police report.pdf", b"%PDF-1.4\n%%EOF\n"),
            by=self.supervisor,
        ).pk
        self.task_id = casework_services.task_create(
            case=self.case, title="Call the business", due_on=timezone.localdate(), owner=self.holder, by=self.holder
        ).pk
        self.token_id = api_services.token_create(user=self.holder, name="Revoke me", scopes=["cases:read"], days=30)[
            0
        ].pk
        self.webhook_id = WebhookSubscription.objects.create(
            url="https://hooks.example.org/pli",
            events=[WebhookEvent.CASE_OPENED],
            secret="s",
            created_by=self.supervisor,
        ).pk
        questionnaire = questionnaire_services.questionnaire_create(
            details=questionnaire_services.QuestionnaireDetails(title="Matrix"), by=self.supervisor
        )
        self.questionnaire_id = questionnaire.pk
        self.question_id = questionnaire_services.question_add(
            questionnaire=questionnaire,
            details=questionnaire_services.QuestionDetails(kind="text", text="Anything else?"),
            by=self.supervisor,
        ).pk

    def _case_at_step_five(self, caseworker) -> Case:
        case = full_case(caseworker=caseworker)
        walk_to_role_swap(case, caseworker)
        start = timezone.now() + timedelta(days=1)
        RoleSwapShift.objects.create(
            case=case,
            business=case.incident.business,
            starts_at=start,
            ends_at=start + timedelta(hours=4),
            role="Cashier",
            location="Front",
            supervisor_on_site="Dana",
            state=RoleSwapShift.State.CONFIRMED,
        )
        services.step_skip(case=case, step=3, reason="Access matrix", by=self.supervisor)
        services.meeting_schedule(
            case=case,
            by=caseworker,
            scheduled_at=timezone.now() + timedelta(days=2),
            format="video",
            location="https://meet.example/1",
            facilitator="Sam",
            safety_plan="Facilitator present.",
        )
        services.step_skip(case=case, step=4, reason="Access matrix", by=self.supervisor)
        services.commitments_draft(case=case, commitments="Calm", off_limits="Threats", by=caseworker)
        case.refresh_from_db()
        assert case.step == Case.Step.COMMITMENTS
        return case

    def token(self, case: Case, role: str) -> str:
        return links.link_issue(participant=case.participants.get(role=role), by=None)[1]


@pytest.fixture(autouse=True)
def _files_in_a_folder_of_the_test():
    """The world's folder of files serves every test of the module (tests/conftest.py gives each test its own)."""


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """Built once for the module (it walks two cases through four steps), rolled back after it;
    the files it keeps on cases go to a folder of its own."""
    field = Attachment._meta.get_field("file")
    kept_in = field.storage
    field.storage = FileSystemStorage(location=tmp_path_factory.mktemp("files"))
    try:
        with django_db_blocker.unblock(), transaction.atomic():
            yield World()
            transaction.set_rollback(True)
    finally:
        field.storage = kept_in


def _request(client, world: World, name: str, row: Row, persona: str):
    kwargs = {key: getattr(world, value, value) for key, value in row.kwargs.items()}
    if row.role:  # a portal page: the persona's token
        if persona == OTHER_CASE_LINK:
            kwargs["token"] = world.token(world.other_case, row.role)
        elif persona == OTHER_PARTICIPANT_LINK:
            kwargs["token"] = world.token(world.case, OTHER_PARTICIPANT_ROLE[row.role])
        else:
            kwargs["token"] = "no-link-" + persona.replace(" ", "-")
    user = {OTHER: world.other, HOLDER: world.holder, SUPERVISOR: world.supervisor}.get(persona)
    if row.api:
        headers = {}
        if user:
            raw = api_services.token_create(user=user, name="Matrix", scopes=list(Scope.values), days=30)[1]
            headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
        if row.method == "get":
            return client.get(reverse(name, kwargs=kwargs), row.data, **headers)
        return client.post(
            reverse(name, kwargs=kwargs), json.dumps(row.data), content_type="application/json", **headers
        )
    if user:
        client.force_login(user)
    return getattr(client, row.method)(reverse(name, kwargs=kwargs), row.data)


def _answer(client, world: World, name: str, persona: str) -> str | None:
    """What is wrong with the answer of ``name`` to ``persona``, or None."""
    row = MATRIX[name]
    response = _request(client, world, name, row, persona)
    expected = row.expected[persona]
    if response.status_code != expected:
        return f"{persona}: {response.status_code}, expected {expected}"
    if expected == LOGIN and persona in (ANON, OTHER_CASE_LINK, OTHER_PARTICIPANT_LINK) and row.method == "get":
        if not response["Location"].startswith(reverse("login")):
            return f"{persona}: redirected to {response['Location']}, not to the login page"
    if expected == 200 and persona in (OTHER, OTHER_CASE_LINK):
        body = b"".join(response.streaming_content) if response.streaming else response.content
        if world.reference.encode() in body:
            return f"{persona}: the page shows the case"
    return None


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_each_url_answers_each_persona_as_the_matrix_says(world, name):
    wrong = [problem for persona in PERSONAS if (problem := _answer(Client(), world, name, persona))]

    assert wrong == [], name


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["customer", "agent", "business"])
def test_a_link_of_the_right_participant_opens_its_own_pages(client, world, role):
    # Not calendar files (an item of a page), nor documents (of a completed case only).
    later = ("_ics", ":document")
    pages = {name for name, row in MATRIX.items() if row.role == role and not name.endswith(later)}
    token = world.token(world.case, role)

    for name in pages:
        assert client.get(reverse(name, kwargs={"token": token})).status_code == 200, name


@pytest.mark.django_db
def test_the_business_downloads_its_shift_and_the_admin_is_for_staff_accounts_only(client, world):
    token = world.token(world.case, "business")
    ics = client.get(reverse("portal:shift_ics", kwargs={"token": token, "shift_id": world.shift_id}))
    assert ics.status_code == 200

    client.force_login(world.holder)
    assert client.get(reverse("admin:index")).status_code == 302
