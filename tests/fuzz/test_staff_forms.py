"""Every staff form (and the public referral form) under random input: never a 500, never a partial save.

For each form, hypothesis draws a value for each field (a plausible one, nonsense, a megabyte,
or nothing) and posts it as a supervisor or a caseworker, on a case at any step of the
program. A refused post (an error status, or an error message) must leave every row as it
was; no post may leave text over its column's limit, a NUL, or an unknown choice behind.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django import forms as django_forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, PasswordResetForm
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from hypothesis import given
from hypothesis import strategies as st

from accounts.forms import CodeForm, PolicyForm
from api.forms import TokenForm, WebhookForm
from cases.forms import ContactForm, ReassignForm, StatusChangeForm
from cases.intake import intake_forms
from cases.models import Participant
from cases.selectors import cases_visible_to
from casework.forms import NoteForm, TaskForm
from notifications.models import Reminder
from questionnaires.forms import QuestionForm, QuestionnaireForm
from questionnaires.models import Question, Questionnaire
from reconciliation.views import actions
from referrals.forms import DeclineForm, DuplicateForm, ReferralForm
from referrals.models import Referral

from .conftest import check, fuzz, one_example, staff_client
from .strategies import NONSENSE, form_data
from .world import World, snapshot


class TriageQuery(django_forms.Form):
    state = django_forms.ChoiceField(choices=Referral.State.choices)
    page = django_forms.IntegerField()


class PageQuery(django_forms.Form):
    page = django_forms.IntegerField()


class LanguageForm(django_forms.Form):
    language = django_forms.ChoiceField(choices=[("en", "en"), ("es", "es")])
    next = django_forms.CharField()


@dataclass(frozen=True)
class Target:
    """A form: where it posts (given the world and a drawn case or row), and the forms whose fields it has."""

    url: Callable[[World, dict], str]
    forms: Callable[[World, dict], list]
    method: str = "post"
    user: str | None = "supervisor"  # None: an anonymous visitor
    extra: dict = field(default_factory=dict)


def _intake(world, drawn):
    sections, agents = intake_forms(user=world.supervisor)
    return [*sections.values(), agents]


def _case_url(name: str) -> Callable:
    return lambda world, drawn: reverse(name, args=[drawn["case"].reference])


def _act(action: str) -> Target:
    return Target(
        url=lambda world, drawn: reverse("reconciliation:act", args=[drawn["case"].reference, action]),
        forms=lambda world, drawn: [actions()[action].form(case=drawn["case"])],
        user="caseworker" if action in {"plan-version", "shift-propose"} else "supervisor",
    )


def _shown(page: str, key: str) -> Callable:
    """The form a page renders (in its context under ``key``), as a supervisor sees it; asked once per world."""

    def forms(world, drawn):
        if (page, key) not in world.cache:
            shown = staff_client(world.supervisor).get(reverse(page)).context[key]
            world.cache[page, key] = getattr(shown, "form", shown)  # a django-filter FilterSet has its form
        return [world.cache[page, key]]

    return forms


def _referral_url(name: str) -> Callable:
    return lambda world, drawn: reverse(name, args=[drawn["referral"]])


TARGETS: dict[str, Target] = {
    "cases:intake": Target(url=lambda world, drawn: reverse("cases:intake"), forms=_intake),
    "cases:intake (caseworker)": Target(
        url=lambda world, drawn: reverse("cases:intake"), forms=_intake, user="caseworker"
    ),
    "cases:status": Target(url=_case_url("cases:status"), forms=lambda world, drawn: [StatusChangeForm()]),
    "cases:reassign": Target(url=_case_url("cases:reassign"), forms=lambda world, drawn: [ReassignForm()]),
    **{f"reconciliation:act {action}": _act(action) for action in actions()},
    "notifications:reminder": Target(
        url=lambda world, drawn: reverse(
            "notifications:reminder", args=[drawn["case"].reference, drawn["reminder"], drawn["slug"]]
        ),
        forms=lambda world, drawn: [],
        user="caseworker",
    ),
    "notifications:link_email": Target(
        url=lambda world, drawn: reverse(
            "notifications:link_email", args=[drawn["case"].reference, drawn["participant"]]
        ),
        forms=lambda world, drawn: [],
        user="caseworker",
    ),
    "cases:participant_contact": Target(
        url=lambda world, drawn: reverse(
            "cases:participant_contact", args=[drawn["case"].reference, drawn["participant"]]
        ),
        forms=lambda world, drawn: [ContactForm()],
        user="caseworker",
    ),
    "cases:participant_link": Target(
        url=lambda world, drawn: reverse(
            "cases:participant_link", args=[drawn["case"].reference, drawn["participant"], drawn["slug"]]
        ),
        forms=lambda world, drawn: [],
        user="caseworker",
    ),
    # The caseworker's record: a note or contact, its correction, a task and its tick, the pages of notes and of files
    "casework:note_add": Target(
        url=_case_url("casework:note_add"), forms=lambda world, drawn: [NoteForm(case=drawn["case"])]
    ),
    "casework:note_edit": Target(
        url=lambda world, drawn: reverse("casework:note_edit", args=[drawn["case"].reference, drawn["reminder"]]),
        forms=lambda world, drawn: [NoteForm(case=drawn["case"])],
    ),
    "casework:notes": Target(url=_case_url("casework:notes"), forms=lambda world, drawn: [PageQuery()], method="get"),
    "casework:files": Target(url=_case_url("casework:files"), forms=lambda world, drawn: [PageQuery()], method="get"),
    "casework:task_add": Target(
        url=_case_url("casework:task_add"), forms=lambda world, drawn: [TaskForm(case=drawn["case"])]
    ),
    "casework:task_done": Target(
        url=lambda world, drawn: reverse("casework:task_done", args=[drawn["case"].reference, drawn["reminder"]]),
        forms=lambda world, drawn: [],
    ),
    # Audit and privacy (supervisors): pages of history; a participant's export and erasure
    "privacy:audit": Target(url=_case_url("privacy:audit"), forms=lambda world, drawn: [PageQuery()], method="get"),
    "privacy:staff_audit": Target(
        url=lambda world, drawn: reverse("privacy:staff_audit"), forms=lambda world, drawn: [PageQuery()], method="get"
    ),
    **{
        name: Target(
            url=lambda world, drawn, name=name: reverse(name, args=[drawn["case"].reference, drawn["participant"]]),
            forms=lambda world, drawn: [],
        )
        for name in ("privacy:participant_export", "privacy:participant_erase")
    },
    "reporting:calendar_feed_reset": Target(
        url=lambda world, drawn: reverse("reporting:calendar_feed_reset"), forms=lambda world, drawn: []
    ),
    "reporting:calendar_feed_stop": Target(
        url=lambda world, drawn: reverse("reporting:calendar_feed_stop"), forms=lambda world, drawn: []
    ),
    # Filters and searches: query strings, for the forms the pages themselves render
    "cases:list": Target(
        url=lambda world, drawn: reverse("cases:list"), forms=_shown("cases:list", "filter"), method="get"
    ),
    "reporting:export_csv": Target(
        url=lambda world, drawn: reverse("reporting:export_csv"), forms=_shown("cases:list", "filter"), method="get"
    ),
    "reporting:dashboard": Target(
        url=lambda world, drawn: reverse("reporting:dashboard"),
        forms=_shown("reporting:dashboard", "filter_form"),
        method="get",
    ),
    "reporting:reports": Target(
        url=lambda world, drawn: reverse("reporting:reports"), forms=_shown("reporting:reports", "form"), method="get"
    ),
    "reporting:export_research": Target(
        url=lambda world, drawn: reverse("reporting:export_research"),
        forms=_shown("reporting:reports", "form"),
        method="get",
    ),
    "referrals:triage": Target(
        url=lambda world, drawn: reverse("referrals:triage"), forms=lambda world, drawn: [TriageQuery()], method="get"
    ),
    # Referrals: the public form, and the supervisors' decisions
    "referrals:refer": Target(
        url=lambda world, drawn: reverse("referrals:refer"), forms=lambda world, drawn: [ReferralForm()], user=None
    ),
    "referrals:accept": Target(url=_referral_url("referrals:accept"), forms=_intake),
    "referrals:duplicate": Target(
        url=_referral_url("referrals:duplicate"),
        forms=lambda world, drawn: [DuplicateForm(cases=cases_visible_to(world.supervisor))],
    ),
    "referrals:decline": Target(url=_referral_url("referrals:decline"), forms=lambda world, drawn: [DeclineForm()]),
    "reporting:export_research_answers": Target(
        url=lambda world, drawn: reverse("reporting:export_research_answers"),
        forms=_shown("reporting:reports", "form"),
        method="get",
    ),
    # Questionnaires (supervisors): a new one, its details, its questions, publishing a version
    "questionnaires:new": Target(
        url=lambda world, drawn: reverse("questionnaires:new"), forms=lambda world, drawn: [QuestionnaireForm()]
    ),
    "questionnaires:detail": Target(
        url=lambda world, drawn: reverse("questionnaires:detail", args=[drawn["questionnaire"]]),
        forms=lambda world, drawn: [QuestionnaireForm()],
    ),
    "questionnaires:question_add": Target(
        url=lambda world, drawn: reverse("questionnaires:question_add", args=[drawn["questionnaire"]]),
        forms=lambda world, drawn: [QuestionForm()],
    ),
    "questionnaires:question_edit": Target(
        url=lambda world, drawn: reverse("questionnaires:question_edit", args=[drawn["question"]]),
        forms=lambda world, drawn: [QuestionForm()],
    ),
    "questionnaires:question_act": Target(
        url=lambda world, drawn: reverse("questionnaires:question_act", args=[drawn["question"], drawn["slug"]]),
        forms=lambda world, drawn: [],
    ),
    "questionnaires:publish": Target(
        url=lambda world, drawn: reverse("questionnaires:publish", args=[drawn["questionnaire"]]),
        forms=lambda world, drawn: [],
    ),
    # Staff accounts
    "login": Target(
        url=lambda world, drawn: reverse("login"), forms=lambda world, drawn: [AuthenticationForm()], user=None
    ),
    "password_change": Target(
        url=lambda world, drawn: reverse("password_change"),
        forms=lambda world, drawn: [PasswordChangeForm(world.caseworker)],
        user="caseworker",
    ),
    "password_reset": Target(
        url=lambda world, drawn: reverse("password_reset"), forms=lambda world, drawn: [PasswordResetForm()], user=None
    ),
    "set_language": Target(
        url=lambda world, drawn: reverse("set_language"), forms=lambda world, drawn: [LanguageForm()], user=None
    ),
    "accounts:two_factor_setup": Target(
        url=lambda world, drawn: reverse("accounts:two_factor_setup"), forms=lambda world, drawn: [CodeForm()]
    ),
    "accounts:two_factor_verify": Target(
        url=lambda world, drawn: reverse("accounts:two_factor_verify"), forms=lambda world, drawn: [CodeForm()]
    ),
    "accounts:two_factor_disable": Target(
        url=lambda world, drawn: reverse("accounts:two_factor_disable"), forms=lambda world, drawn: [CodeForm()]
    ),
    "accounts:two_factor_policy": Target(
        url=lambda world, drawn: reverse("accounts:two_factor_policy"), forms=lambda world, drawn: [PolicyForm()]
    ),
    # The API's staff pages (the API itself is fuzzed in test_api.py)
    "api:tokens": Target(
        url=lambda world, drawn: reverse("api:tokens"), forms=lambda world, drawn: [TokenForm()], user="caseworker"
    ),
    "api:token_revoke": Target(url=_referral_url("api:token_revoke"), forms=lambda world, drawn: []),
    "api:webhooks": Target(
        url=lambda world, drawn: reverse("api:webhooks"), forms=lambda world, drawn: [WebhookForm()]
    ),
    "api:webhook_active": Target(url=_referral_url("api:webhook_active"), forms=lambda world, drawn: []),
    "api:webhook_deliveries": Target(
        url=_referral_url("api:webhook_deliveries"), forms=lambda world, drawn: [PageQuery()], method="get"
    ),
}

# Pages without a form of ours to fuzz (the portal's forms are fuzzed in test_portal_forms.py).
NOT_FORMS = {
    "home": "a redirect",
    "cases:detail": "shows the step forms, which post to reconciliation:act",
    "cases:timeline": "a page of the timeline, read only",
    "reporting:calendar_feed": "a calendar file behind a secret token (test_portal_forms fuzzes tokens the same way)",
    "referrals:thanks": "a thank-you page",
    "referrals:detail": "shows the duplicate and decline forms",
    "accounts:security": "shows the account forms, which post elsewhere",
    "healthz": "no input",
    "questionnaires:list": "a list, no input",
    "sms:status": "the gateway's signed webhook: fuzzed in test_sms_webhooks.py",
    "sms:inbound": "the gateway's signed webhook: fuzzed in test_sms_webhooks.py",
    "casework:attachment": "a file's download, by its id (the access matrix tries every persona)",
    "casework:attachment_add": "a file upload: what a file may be is tried in tests/casework/test_attachments.py",
    "casework:attachment_delete": "a button, no input but the file's id",
    "casework:document": "a PDF by its kind (tests/casework/test_documents.py tries one that is none)",
    **dict.fromkeys(
        ["api:cases", "api:case", "api:case_timeline", "api:referrals", "api:referral"]
        + ["api:referral_decline", "api:referral_duplicate", "api:reports"],
        "the API: fuzzed with JSON in test_api.py",
    ),
    "api:schema": "the OpenAPI schema, no input",
    "api:docs": "the documentation page, no input",
    "logout": "no input",
    "password_change_done": "a page",
    "password_reset_done": "a page",
    "password_reset_confirm": "Django's own form behind a signed token",
    "password_reset_complete": "a page",
}


def _url_names(patterns=None, namespace=""):
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue  # Django's own admin
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _url_names(pattern.url_patterns, inner)
        elif pattern.name:
            yield namespace + pattern.name


def test_every_form_of_the_project_is_fuzzed():
    fuzzed = {name.split(" ")[0] for name in TARGETS} | set(NOT_FORMS)
    ours = {name for name in _url_names() if not name.startswith("portal:")}

    assert ours - fuzzed == set(), "Add the new form to TARGETS (or NOT_FORMS) in tests/fuzz/test_staff_forms.py"


@st.composite
def drawn_rows(draw, world: World) -> dict:
    """A case at any step, and rows to point at: of this case, of another, or none at all."""
    return {
        "case": draw(st.sampled_from(world.cases)),
        "referral": draw(st.sampled_from(list(Referral.objects.values_list("pk", flat=True)) or [1])),
        "reminder": draw(st.sampled_from(list(Reminder.objects.values_list("pk", flat=True)) or [1])),
        "participant": draw(st.sampled_from(list(Participant.objects.values_list("pk", flat=True)) or [1])),
        "questionnaire": draw(st.sampled_from(list(Questionnaire.objects.values_list("pk", flat=True)) or [1])),
        "question": draw(st.sampled_from(list(Question.objects.values_list("pk", flat=True)) or [1])),
        "slug": draw(
            st.sampled_from(["issue", "email", "revoke", "send", "cancel", "delete", "up", "down", "remove", "x"])
        ),
    }


def client_for(world: World, target: Target) -> Client:
    if target.user is None:
        return Client()
    return staff_client(getattr(world, target.user))


@pytest.mark.parametrize("name", list(TARGETS))
@fuzz
@given(data=st.data())
def test_a_staff_form_never_fails_and_never_saves_half(db, world, name, data):
    target = TARGETS[name]
    with one_example():
        drawn = data.draw(drawn_rows(world), label="rows")
        payload = data.draw(form_data(target.forms(world, drawn)), label="input")
        if not payload:
            payload = {"anything": data.draw(NONSENSE, label="junk")}
        client = client_for(world, target)
        before = snapshot()

        response = getattr(client, target.method)(target.url(world, drawn), {**payload, **target.extra})

        check(response, before)
