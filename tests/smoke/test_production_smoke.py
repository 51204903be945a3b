"""Production mode, proved: gunicorn, two Celery workers and one beat with DJANGO_ENV=production
on PostgreSQL, Redis and SMTP, used over HTTP only, as a supervisor would.

Run with `make smoke` (it is left out of `make test`). The stack and its timings come from
tests/smoke/conftest.py; the tests run in this file's order and share the one stack.
"""

import json
import re
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from html import unescape
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest
import requests

from tests.api.receiver import Receiver
from tests.cases.test_intake import intake_post

from .conftest import BEAT_SECONDS, SUPERVISOR, SUPERVISOR_EMAIL
from .harness import TIMINGS, Browser, HtmlForm, page_forms, wait_until

pytestmark = pytest.mark.smoke

# Celery prints this itself when it stops, outside logging (with a blank line before it).
CELERY_SHUTDOWN_NOTICE = re.compile(r"|worker: (Warm|Cold) shutdown \(MainProcess\)")

BUSINESS_EMAIL = "ana@bakery.example"  # intake_post's business representative

# What the supervisor types in for the customer on the case page.
REFLECTION = {
    "what_happened": "I had been waiting an hour and my rent was late.",
    "what_you_felt": "Angry, then ashamed on the way home.",
    "agent_perspective": "Maybe a long shift, and me the tenth angry customer.",
    "regrets": "Raising my voice at someone doing their job.",
    "message_to_agent": "",
}
PLAN = {
    "goals_redemption": "Work a till shift and see the queue from the other side.",
    "goals_empathy": "Hear what a busy Saturday is like for the cashier.",
    "goals_reconciliation": "Meet and say sorry in person.",
    "role_swap_hours": "4",
    "meeting_format": "in_person",
}
SHIFT = {"role": "Cashier", "location": "Front counter", "supervisor_on_site": "The shift lead"}

# What intake_post and the case page's forms type in: none of it may reach a log line.
PERSONAL_DATA = [
    "Alex Morgan",
    "alex@example.com",
    "Ana Ruiz",
    BUSINESS_EMAIL,
    "Jamie Chen",
    "jamie@staff.example",
    "Shouted at the cashier",
    REFLECTION["what_happened"],
    PLAN["goals_redemption"],
    SUPERVISOR_EMAIL,
]


def is_json_object(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


class CasePage:
    """A case's page in a staff member's browser: its forms, and posting them as a person would."""

    def __init__(self, browser: Browser, reference: str) -> None:
        self.browser = browser
        self.path = f"/cases/{reference}/"

    def page(self, query: str = "") -> str:
        return self.browser.get_page(self.path + query).text

    def form(self, action: str) -> HtmlForm | None:
        """The step form ``action`` (a key of reconciliation.views.actions()), if the page offers it now;
        a rarely used one is drawn when asked for (``?form=``), as its link on the page does."""
        url = f"{self.path}act/{action}/"
        return page_forms(self.page()).get(url) or page_forms(self.page(f"?form={action}")).get(url)

    def act(self, action: str, data: dict) -> str:
        """Post the step form ``action``; the case page it lands on, which must say it went well."""
        return self._post(f"{self.path}act/{action}/", data, what=action)

    def scheduled_reminders(self, page: str | None = None) -> dict[int, tuple[str, datetime]]:
        """The reminders card's "Scheduled" list, in its order: id -> (what it is, when it is due)."""
        rows = re.finditer(
            r'Scheduled</span>\s*([^<]*?) to [^<]*<div[^>]*>\s*<time datetime="([^"]+)".*?/reminders/(\d+)/send/',
            page or self.page(),
            flags=re.DOTALL,
        )
        return {int(row[3]): (f"the reminder {unescape(row[1])!r}", datetime.fromisoformat(row[2])) for row in rows}

    def send_reminder_now(self, reminder: int) -> str:
        return self._post(f"{self.path}reminders/{reminder}/send/", {}, what=f"send reminder {reminder} now")

    def _post(self, to: str, data: dict, *, what: str) -> str:
        response = self.browser.submit(self.path, data, to=to)
        errors = re.findall(r'class="(?:alert alert-danger|invalid-feedback)"[^>]*>(.*?)</div>', response.text, re.S)
        errors = [unescape(error) for error in errors]
        assert response.status_code == 200, f"{what}: {response.status_code} {errors}"
        assert urlsplit(response.url).path == self.path, f"{what} ended on {response.url}"
        assert not errors, f"{what}: {errors}"
        return response.text


def addressed_to(message: EmailMessage, address: str) -> bool:
    return address in {to.addr_spec for to in message["To"].addresses}


def calendar_parts(message: EmailMessage) -> list[EmailMessage]:
    return [part for part in message.walk() if part.get_content_type() == "text/calendar"]


def has_message_id(prefix: str):
    """A reminder's e-mails carry a Message-ID made from its id: a second copy would have the same."""
    return lambda message: (message["Message-ID"] or "").lstrip("<").startswith(prefix)


@pytest.fixture(scope="module")
def opened_case(stack) -> str:
    """A case the supervisor opened through the intake form; its reference."""
    browser = stack.browser()
    browser.submit("/accounts/login/", {"username": SUPERVISOR, "password": stack.supervisor_password})
    intake = browser.get_page("/cases/new/").text
    supervisor_id = re.search(rf'<option value="(\d+)"[^>]*>{SUPERVISOR}</option>', intake)
    assert supervisor_id, "the supervisor is not among the staff who can hold a case"

    response = browser.submit("/cases/new/", intake_post(**{"case-caseworker": supervisor_id.group(1)}))

    assert response.status_code == 200
    reference = re.fullmatch(r"/cases/(CCP-\d{4}-\d{4})/", urlsplit(response.url).path)
    assert reference, f"intake did not land on the new case's page: {response.url}"
    return reference.group(1)


def test_web_answers_healthz_with_database_and_broker_up(stack):
    assert stack.healthz() == (200, {"database": "ok", "broker": "ok"})


def test_static_files_are_served_by_whitenoise_with_hashed_names_and_compressed(stack):
    login_page = stack.browser().get_page("/accounts/login/").text
    stylesheet = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', login_page)
    assert stylesheet, "the page does not link the hashed name of css/app.css"

    response = stack.browser().get(stack.base_url + stylesheet.group(1), headers={"Accept-Encoding": "gzip"})

    assert response.status_code == 200
    assert response.headers["Content-Encoding"] == "gzip"
    assert "immutable" in response.headers["Cache-Control"]


def test_supervisor_logs_in_and_opens_a_case_through_intake(stack, supervisor, opened_case):
    page = supervisor.get_page(f"/cases/{opened_case}/").text

    assert opened_case in page
    assert "Alex Morgan" in page
    assert opened_case in supervisor.get_page("/cases/").text


def test_a_password_reset_email_arrives_exactly_once_and_its_link_sets_a_new_password(stack):
    browser = stack.browser()
    requested = time.monotonic()

    response = browser.submit("/accounts/password_reset/", {"email": SUPERVISOR_EMAIL})

    assert response.url.endswith("/accounts/password_reset/done/")
    answered = time.monotonic()
    message, waited = stack.mail.wait_for_exactly_one(
        lambda message: message["To"] == SUPERVISOR_EMAIL, what="the password-reset e-mail"
    )
    TIMINGS["password-reset e-mail at the SMTP sink, after the request"] = answered - requested + waited
    link = re.search(r"https://127\.0\.0\.1:\d+(/accounts/reset/\S+/)", message.get_content())
    assert link, "the e-mail has no https link to the reset page"

    new_password = "a-new-long-password-" + stack.supervisor_password
    set_password = browser.get_page(link.group(1))
    response = browser.submit(
        urlsplit(set_password.url).path, {"new_password1": new_password, "new_password2": new_password}
    )

    assert response.url.endswith("/accounts/reset/done/")
    stack.supervisor_password = new_password
    logged_in = Browser(stack.base_url).submit("/accounts/login/", {"username": SUPERVISOR, "password": new_password})
    assert logged_in.status_code == 200
    assert "/accounts/login/" not in logged_in.url


def test_business_gets_the_shift_proposal_e_mail_with_an_ics_file_exactly_once(stack, supervisor, opened_case):
    """Issue step: "proposes a role-swap shift, and the test waits until the business's e-mail
    with the .ics arrives at the SMTP sink, exactly once".
    """
    case = CasePage(supervisor, opened_case)
    # Step 1, filled in for the customer after a phone call, then reviewed.
    case.act("reflection-submit", REFLECTION)
    case.act("reflection-review", {"note": "Read with the customer."})
    # The business and the staff member agree to take part; each of them then signs the plan too.
    for participant, _name in case.form("consent").choices["participant"]:
        if participant:
            case.act("consent", {"participant": participant, "consent": "given"})
    # Step 2: the plan, and every participant's agreement to it.
    case.act("plan-version", PLAN)
    signoff = case.form("plan-signoff")
    for participant, _name in signoff.choices["participant"]:
        if participant:
            case.act("plan-signoff", {"plan": signoff.values["plan"], "participant": participant, "decision": "agreed"})
    if case.form("safety-approve"):  # only a high-risk case asks for it
        case.act("safety-approve", {"note": "A supervisor stays on site throughout."})
    assert case.form("shift-propose"), "the case did not reach step 3, where shifts are proposed"
    zone = ZoneInfo(stack.env["TIME_ZONE"])
    day = datetime.now(zone).date() + timedelta(days=3)
    starts, ends = (datetime(day.year, day.month, day.day, hour, tzinfo=zone) for hour in (10, 14))
    proposed = time.monotonic()

    case.act("shift-propose", {**SHIFT, "starts_at": f"{starts:%Y-%m-%dT%H:%M}", "ends_at": f"{ends:%Y-%m-%dT%H:%M}"})

    answered = time.monotonic()
    message, waited = stack.mail.wait_for_exactly_one(
        lambda message: addressed_to(message, BUSINESS_EMAIL) and bool(calendar_parts(message)),
        what="the business's e-mail about the proposed shift, with an .ics file",
        timeout=BEAT_SECONDS + 30,
        settle=BEAT_SECONDS + 3,  # a dispatch pass after it, which must not send it again
    )
    TIMINGS["shift-proposal e-mail with its .ics at the SMTP sink, after the proposal"] = answered - proposed + waited
    [ics] = calendar_parts(message)
    [event] = icalendar.Calendar.from_ical(ics.get_content()).walk("VEVENT")
    assert event["DTSTART"].dt == starts
    assert event["DTEND"].dt == ends
    assert opened_case in str(event["SUMMARY"])


def test_a_customer_reached_by_text_gets_their_link_through_the_gateway_exactly_once(
    stack, supervisor, opened_case
):
    """Issue 18: "make smoke sends one text through that stand-in beside the e-mail it already checks"."""
    case = CasePage(supervisor, opened_case)
    contact = re.search(
        r'href="([^"]+/contact/)">change<span class="visually-hidden"> how Alex Morgan is reached', case.page()
    )
    assert contact, "the case page offers no change of how the customer is reached"
    number = "+12125550142"
    saved = supervisor.submit(contact.group(1), {"email": "", "phone": "(212) 555-0142", "channel": "sms"})
    assert urlsplit(saved.url).path == case.path, "the customer's contact details were not saved"
    text_a_link = contact.group(1).replace("/contact/", "/link/email/")
    link_form = re.search(rf'action="({re.escape(text_a_link)})"[^>]*>(?:(?!</form>).)*Text a link', case.page(), re.S)
    assert link_form, "the case page offers no 'Text a link' for the customer"
    asked = time.monotonic()

    case._post(link_form.group(1), {}, what="text a link")

    answered = time.monotonic()
    # Only the link's text: what is due to the customer now (a shift proposed) goes by text too.
    texts = lambda: [  # noqa: E731
        text for text in stack.sms_gateway.messages if text["To"] == number and "your personal page" in text["Body"]
    ]
    waited = wait_until(texts, what="the customer's text at the stand-in gateway", timeout=BEAT_SECONDS + 30)
    time.sleep(BEAT_SECONDS + 3)  # a dispatch pass after it, which must not send it again
    assert len(texts()) == 1, f"{len(texts())} texts arrived, not exactly one"
    TIMINGS["personal link by text at the stand-in gateway, after the press"] = answered - asked + waited
    body = texts()[0]["Body"]
    link = re.search(r"https?://\S+?(/p/[\w-]+/)", body)
    assert link, f"the text carries no personal link: {body!r}"
    assert "Questions?" in body
    assert stack.browser().get_page(link.group(1)).status_code == 200


def test_a_partner_system_reads_cases_with_a_token_and_receives_a_signed_webhook(stack, supervisor, opened_case):
    """Issue step: "`make smoke` makes one API call with a token and receives one webhook"."""
    tokens = supervisor.submit("/api/tokens/", {"name": "CRM", "scopes": ["cases:read", "referrals:write"], "days": 30})
    token = re.search(r'id="new-token" type="text" value="([^"]+)"', tokens.text)
    assert token, "the tokens page did not show the new token"
    partner = requests.Session()  # another system: no cookies, its token; behind the same https proxy
    partner.headers.update({"Authorization": f"Bearer {unescape(token.group(1))}", "X-Forwarded-Proto": "https"})

    with Receiver(tls=stack.receiver_tls) as receiver:
        added = supervisor.submit("/api/webhooks/", {"url": receiver.url, "events": ["referral.received"]})
        secret = re.search(r'id="secret" type="text" value="([^"]+)"', added.text)
        assert secret, "the webhooks page did not show the new webhook's secret"
        receiver.secret = unescape(secret.group(1))

        cases = partner.get(f"{stack.base_url}/api/v1/cases/", timeout=10)
        sent = time.monotonic()
        referral = partner.post(
            f"{stack.base_url}/api/v1/referrals/",
            json={
                "writer": "business",
                "name": "Dana Owner",
                "email": "dana@coffee.example",
                "contact_by": "email",
                "business_name": "Sunrise Coffee",
                "story": "A customer shouted at our cashier.",
                "police": "no",
                "consent_contact": True,
                "consent_privacy": True,
            },
            timeout=10,
        )
        answered = time.monotonic()
        waited = wait_until(lambda: receiver.received, what="the webhook delivery of the referral", timeout=30)
        TIMINGS["webhook delivery at the receiver, after the API call that caused it"] = answered - sent + waited

    assert cases.status_code == 200
    assert opened_case in [case["reference"] for case in cases.json()["results"]]
    assert referral.status_code == 201, referral.text
    [delivery] = receiver.received
    assert delivery["signed"], "the delivery's signature does not match the webhook's secret"
    assert delivery["event"] == "referral.received"
    assert delivery["body"]["data"] == {"referral": {"id": referral.json()["id"]}}
    assert "Dana" not in json.dumps(delivery["body"])


def test_the_stack_comes_back_after_redis_and_the_workers_restart(stack):
    stack.redis.stop()
    TIMINGS["/healthz says 503 broker error, after Redis stopped"] = stack.wait_for_health(
        503, {"database": "ok", "broker": "error"}, timeout=30
    )

    restarted = time.monotonic()
    stack.redis.start()
    stack.wait_for_health(200, {"database": "ok", "broker": "ok"})
    stack.wait_for_workers(timeout=90)
    TIMINGS["both workers back, after Redis restarted"] = time.monotonic() - restarted

    restarted = time.monotonic()
    stack.restart_workers()
    stack.wait_for_workers()
    TIMINGS["both workers back, after they restarted"] = time.monotonic() - restarted
    assert stack.healthz() == (200, {"database": "ok", "broker": "ok"})
    assert stack.beat.running


def test_a_reminder_due_across_a_restart_is_delivered_exactly_once(stack, supervisor, opened_case):
    """Issue step: "restarts Redis (or the workers) with a reminder due and sees it delivered
    exactly once after the restart".

    The caseworker presses "Send now" on the case's next reminder while Redis is down: the page
    answers and the reminder is due, but no worker can hear of it. Once Redis is back, beat's
    next pass sends it, once.
    """
    case = CasePage(supervisor, opened_case)
    scheduled = case.scheduled_reminders()
    assert scheduled, "the case page shows no scheduled reminder"
    reminder, (what, _due) = next(iter(scheduled.items()))
    its_email = has_message_id(f"reminder-{reminder}@")
    stack.redis.stop()
    stack.wait_for_health(503, {"database": "ok", "broker": "error"}, timeout=30)

    page = case.send_reminder_now(reminder)

    assert "The reminder will be sent within a minute." in page
    assert reminder in case.scheduled_reminders(page), f"{what} is no longer scheduled on the case page"
    assert case.scheduled_reminders(page)[reminder][1] <= datetime.now(UTC), f"{what} is not due now"
    assert not stack.mail.received(its_email), f"{what} was sent while the broker was down"
    restarted = time.monotonic()
    stack.redis.start()
    redis_up = time.monotonic() - restarted
    message, waited = stack.mail.wait_for_exactly_one(
        its_email,
        what=f"the e-mail of {what}, sent now while Redis was down",
        timeout=BEAT_SECONDS + 60,  # the workers and beat reconnect, then beat's next pass
        settle=BEAT_SECONDS + 3,  # and one more pass, which must not send it again
    )
    TIMINGS["reminder sent now with Redis down: at the SMTP sink, after Redis started"] = redis_up + waited
    assert message["To"], f"the e-mail of {what} has no recipient"
    assert reminder not in case.scheduled_reminders(), f"{what} is still scheduled after it was sent"


def test_logs_are_json_lines_with_request_ids_and_case_references_and_no_personal_data(stack, supervisor, opened_case):
    search = supervisor.get_page("/cases/", params={"q": "Alex Morgan"})
    detail = supervisor.get_page(f"/cases/{opened_case}/")
    # gunicorn writes the access line just after it has sent the response.
    wait_until(lambda: detail.headers["X-Request-ID"] in stack.web.output(), what="the access line", timeout=10)

    not_json = [
        f"{process.name}: {line}"
        for process in stack.processes
        for line in process.stdout_lines()
        if not (CELERY_SHUTDOWN_NOTICE.fullmatch(line) or is_json_object(line))
    ]
    assert not not_json, "Lines on stdout that are not JSON:\n" + "\n".join(not_json[:10])
    access = [json.loads(line) for line in stack.web.stdout_lines() if '"gunicorn.access"' in line]
    [search_line] = [line for line in access if line.get("request_id") == search.headers["X-Request-ID"]]
    assert search_line["path"] == "/cases/"
    assert search_line["status"] == 200
    [detail_line] = [line for line in access if line.get("request_id") == detail.headers["X-Request-ID"]]
    assert detail_line["case_reference"] == opened_case
    worker_messages = [json.loads(line)["message"] for line in stack.workers[0].stdout_lines() if is_json_object(line)]
    assert any(message.endswith("ready.") for message in worker_messages)
    for process in [*stack.processes, stack.redis]:
        output = process.output()
        for personal in PERSONAL_DATA:
            assert personal not in output, f"{process.name}'s log holds personal data: {personal!r}"
