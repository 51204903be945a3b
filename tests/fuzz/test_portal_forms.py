"""The portal under random input: every form of every personal page, and random tokens.

Customers, staff members and businesses reach the portal by a personal link, without an
account, so anyone on the internet can post anything to it. Each portal form gets random,
unicode, huge and empty values through a real link (of any role, so also pages not meant
for it): never a 500; a refused post changes nothing (the link's "last used" time aside).
Random and almost-right tokens always get the same "this link does not work" page.
"""

from urllib.parse import quote

import pytest
from django import forms
from django.conf import settings
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from cases import links
from cases.models import Participant
from portal import forms as portal_forms
from portal.views import PERSONAL_TIME_ANSWERS, SHIFT_ANSWERS
from questionnaires import selectors as questionnaire_selectors
from questionnaires.forms import AnswersForm, ResearchConsentForm
from questionnaires.services import published_version
from reconciliation.models import Reflection, RoleSwapShift

from .conftest import check, fuzz, one_example
from .strategies import ANY_TEXT, NASTY, NONSENSE, form_data
from .world import World, snapshot

ROLES = ("customer", "agent", "business")


def _answers(participant: Participant) -> list[forms.Form]:
    """The questions waiting for this person, as the page draws them (none: the page has no form)."""
    invitation = questionnaire_selectors.open_invitations(participant).first()
    if invitation is None:
        return []
    return [AnswersForm(version=published_version(invitation.questionnaire), ask_research=True)]


class ChannelChoice(forms.Form):
    """The radio buttons of "How we write to you" (portal/messages.py reads the one field itself)."""

    channel = forms.ChoiceField(choices=Participant.Channel.choices)


# name -> (portal page, forms for a participant, fixed fields, headers)
PORTAL_FORMS = {
    "reflection save": ("reflection", lambda p: [portal_forms.ReflectionForm()], {"save": "1"}, {}),
    "reflection submit": ("reflection", lambda p: [portal_forms.ReflectionForm()], {"submit": "1"}, {}),
    "reflection autosave": ("reflection", lambda p: [portal_forms.ReflectionForm()], {}, {"X-Autosave": "1"}),
    "plan": ("plan", lambda p: [portal_forms.SignoffForm(participant=p)], {}, {}),
    **{
        f"shifts {action}": ("shifts", lambda p, form=spec[0]: [form(participant=p)], {"action": action}, {})
        for action, spec in SHIFT_ANSWERS.items()
    },
    "shifts unknown action": ("shifts", lambda p: [], {"action": "delete"}, {}),
    "consent": ("consent", lambda p: [portal_forms.ConsentForm(participant=p)], {}, {}),
    "personal time consent": (
        "personal_time",
        lambda p: [portal_forms.PersonalTimeConsentForm(participant=p)],
        {"action": "consent"},
        {},
    ),
    **{
        f"personal time {action}": (
            "personal_time", lambda p, form=spec[0]: [form(participant=p)], {"action": action}, {}
        )
        for action, spec in PERSONAL_TIME_ANSWERS.items()
    },
    "meeting": ("meeting", lambda p: [portal_forms.AgentWordsForm()], {}, {}),
    "commitments": ("commitments", lambda p: [], {}, {}),
    "checkin": ("checkin", lambda p: [portal_forms.CheckInForm()], {}, {}),
    "messages": ("messages", lambda p: [ChannelChoice()], {}, {}),
    "questions answer": ("questions", _answers, {}, {}),
    "questions skip": ("questions", _answers, {"skip": "1"}, {}),
    "research": ("research", lambda p: [ResearchConsentForm()], {}, {}),
}
# By design, a submission the rules refuse (an answer missing) keeps every answer as a draft.
KEPT_WHEN_REFUSED = {"reflection submit": {"reconciliation.Reflection"}}
# "I don't want to be contacted" and "I'd like to talk to someone first" take no input: their
# POSTs are tried in tests/portal/test_agent_path.py; their pages are fuzzed with the others.
PORTAL_PAGES = [
    "home",
    "reflection",
    "plan",
    "shifts",
    "consent",
    "meeting",
    "commitments",
    "checkin",
    "stop",
    "talk",
    "messages",
    "questions",
    "research",
]


def test_every_portal_page_with_a_form_is_fuzzed():
    from portal.urls import urlpatterns

    # Read only: calendar files, and the customer's PDFs (a kind by name; tried in tests/casework/test_documents.py).
    fuzzed = {page for page, *_rest in PORTAL_FORMS.values()} | {"home", "shift_ics", "personal_time_ics", "document"}
    assert {pattern.name for pattern in urlpatterns} == fuzzed | set(PORTAL_PAGES)


@pytest.mark.parametrize("name", list(PORTAL_FORMS))
@fuzz
@given(data=st.data())
def test_a_portal_form_never_fails_and_never_saves_half(db, world: World, name, data):
    page, make_forms, fixed, headers = PORTAL_FORMS[name]
    with one_example():
        role = data.draw(st.sampled_from(ROLES), label="role")
        token = data.draw(st.sampled_from(world.tokens[role]), label="token")
        participant = links.link_resolve(token).participant
        payload = data.draw(form_data(make_forms(participant)), label="input")
        before = snapshot()
        states = dict(Reflection.objects.filter(case=participant.case).values_list("pk", "state"))

        response = Client().post(reverse(f"portal:{page}", args=[token]), {**payload, **fixed}, headers=headers)

        check(response, before, may_change=KEPT_WHEN_REFUSED.get(name, set()))
        if name in KEPT_WHEN_REFUSED and response.status_code == 400:  # kept, but only as a draft
            for pk, state in Reflection.objects.filter(case=participant.case).values_list("pk", "state"):
                assert state == states.get(pk, "draft"), f"a refused submission left the reflection {state}"


@fuzz
@given(data=st.data())
def test_a_calendar_file_of_any_shift_number_is_never_a_500(db, world: World, data):
    with one_example():
        token = data.draw(st.sampled_from(world.tokens["business"] + world.tokens["customer"]), label="token")
        ids = list(RoleSwapShift.objects.values_list("pk", flat=True))
        shift = data.draw(st.one_of(st.sampled_from(ids), st.integers(0, 2**63)), label="shift")

        response = Client().get(reverse("portal:shift_ics", args=[token, shift]))

        assert response.status_code in {200, 404}


# ---------------------------------------------------------------- random tokens

URLSAFE = st.text(
    st.sampled_from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"), min_size=1, max_size=120
)


@st.composite
def near_misses(draw, world: World) -> str:
    """A real token, almost: one character changed, cut short, made longer, or in other case."""
    token = draw(st.sampled_from([t for tokens in world.tokens.values() for t in tokens]))
    how = draw(st.sampled_from(["change", "cut", "extend", "swapcase"]))
    if how == "change":
        at = draw(st.integers(0, len(token) - 1))
        other = draw(st.sampled_from([c for c in "AbZ09-_" if c != token[at]]))
        return token[:at] + other + token[at + 1 :]
    if how == "cut":
        return token[: draw(st.integers(1, len(token) - 1))]
    if how == "extend":
        return token + draw(URLSAFE)
    swapped = token.swapcase()
    return swapped if swapped != token else token + "x"


# Long, but within what a proxy passes on in a URL (nginx: 8 KB).
LONG = st.builds(lambda char, times: char * times, st.sampled_from("a-_é😀%"), st.integers(101, 2_000))


def bad_tokens(world: World) -> st.SearchStrategy[str]:
    return st.one_of(URLSAFE, near_misses(world), NASTY, ANY_TEXT, LONG).filter(lambda t: t.strip("/ ") != "")


@fuzz
@given(data=st.data())
def test_a_random_token_always_gets_the_same_not_found_page(db, world: World, data):
    with one_example():
        token = data.draw(bad_tokens(world), label="token")
        page = data.draw(st.sampled_from(PORTAL_PAGES), label="page")
        method = data.draw(st.sampled_from(["get", "post"]), label="method")
        path = f"/p/{quote(token, safe='')}/" + (
            "" if page == "home" else f"{reverse(f'portal:{page}', args=['x'])[5:]}"
        )
        text = data.draw(NONSENSE, label="posted text") if method == "post" else ""
        before = snapshot()

        response = getattr(Client(), method)(path, {"what_happened": text} if method == "post" else None)

        if len(text.encode()) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:  # Django refuses to read it at all
            assert response.status_code == 400, (path[:80], response.status_code)
            assert "This could not be sent" in response.content.decode()
        else:
            assert response.status_code in {404, 429}, (path[:80], response.status_code)
        if response.status_code == 404 and links.link_resolve(token) is None:
            assert [t.name for t in response.templates][:1] == ["portal/link_not_working.html"]
            assert "This link does not work any more" in response.content.decode()
        assert snapshot() == before


def test_many_wrong_tokens_from_one_address_are_slowed_down_with_the_same_page(db, world: World):
    client = Client()
    answers = [client.get(f"/p/not-a-real-token-{n}/").status_code for n in range(25)]

    assert set(answers[:20]) == {404}
    assert set(answers[20:]) == {429}
